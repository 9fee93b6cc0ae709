// Pieces the case screens share: the names of statuses, priorities and
// channels, their badges, and the staff and categories that pickers offer.

import {api} from '../../lib/api.js';
import {h} from '../../lib/dom.js';
import {label} from '../../lib/format.js';
import {link} from '../../lib/router.js';

export const STATUSES = ['new', 'open', 'pending', 'resolved', 'closed'];
export const PRIORITIES = ['low', 'normal', 'high', 'urgent'];
export const CHANNELS = [['phone', 'Phone'], ['email', 'Email'], ['walk-in', 'Walk-in'], ['web', 'Web'],
  ['other', 'Other']];

const STATUS_NAMES = {pending: 'Pending (waiting on customer)'};
const STATUS_TONES = {new: 'info', open: 'info', pending: 'warn', resolved: 'good', closed: ''};
const PRIORITY_TONES = {urgent: 'bad', high: 'warn', normal: '', low: ''};

/** Returns the name of a status for selects, such as "Pending (waiting on customer)". */
export function statusName(status) {
  return STATUS_NAMES[status] || label(status);
}

/** Creates the status, priority and (when it applies) overdue badges of a case or case summary. */
export function caseBadges(c) {
  return h('span', {class: 'badges'},
    h('span', {class: `badge ${STATUS_TONES[c.status] || ''}`}, label(c.status)),
    h('span', {class: `badge ${PRIORITY_TONES[c.priority] || ''}`}, `${label(c.priority)} priority`),
    c.overdue ? h('span', {class: 'badge bad'}, 'Overdue') : null);
}

export function channelName(channel) {
  const found = CHANNELS.find(([v]) => v === channel);
  return found ? found[1] : label(channel);
}

/** Returns the href of a case's page. */
export function caseHref(number) {
  return link('cases', number);
}

/** Returns the code or reference of a case's record and the href of its page. */
export function recordOfCase(c) {
  const record = c.customer;
  const key = record.code || record.reference;
  const href = record.code ? link('customers', record.code) : link('prospects', record.reference);
  return {key, href, name: record.display_name};
}

let directory = null;

/** Returns the active staff as [id, name] pairs for assignee pickers (GET /users/directory, any signed-in user). */
export async function staffChoices() {
  if (!directory) {
    directory = api.get('/users/directory').then(({data}) => data.items.map((u) => [String(u.id), u.display_name]));
    directory.catch(() => {
      directory = null;
    });
  }
  return directory;
}

/** Returns the tenant's settings: the case categories and the target hours of each priority. */
export async function caseSettings() {
  const {data} = await api.get('/settings');
  return {
    categories: data.case_categories || [],
    targets: Object.fromEntries(PRIORITIES.map((p) => [p, data[`case_target_hours_${p}`]])),
  };
}

/** Returns "48 hours" or "5 days" for a priority's target in hours. */
export function targetText(hoursValue) {
  if (!hoursValue) return 'the target of its priority';
  if (hoursValue % 24 === 0) return hoursValue === 24 ? '1 day' : `${hoursValue / 24} days`;
  return hoursValue === 1 ? '1 hour' : `${hoursValue} hours`;
}
