// The Timeline tab of a customer's or prospect's page: activities, cases
// opened and resolved, profile changes and the conversion, newest first and a
// page at a time, each with a label and icon for its kind. "Log interaction"
// records a call, email, meeting, visit, text message or note.

import {api, query} from '../lib/api.js';
import {openDialog} from '../lib/dialog.js';
import {h, loading, mount} from '../lib/dom.js';
import {busy, clearErrors, field, showErrors, summaryBox, value} from '../lib/form.js';
import {dateTime, instantFromZonedInput, label, zonedInputValue} from '../lib/format.js';
import {notice} from '../lib/notice.js';
import {link} from '../lib/router.js';
import {can, timeZone} from '../lib/session.js';
import {registerRecordTab} from '../lib/tabs.js';
import {fieldLabel} from './records/fields.js';

const PAGE_SIZE = 20;

// The icons are symbols that common text fonts (DejaVu, Noto Sans Symbols) have, so no emoji font is needed.
export const ACTIVITY_KINDS = [
  ['call', 'Call', '☎'],
  ['email', 'Email', '✉'],
  ['meeting', 'Meeting', '⚇'],
  ['visit', 'Visit', '⌂'],
  ['sms', 'Text message', '✆'],
  ['note', 'Note', '✍'],
];

const ENTRY_KINDS = {
  case_opened: ['Case opened', '⚑'],
  case_resolved: ['Case resolved', '✔'],
  profile_change: ['Profile changed', '✎'],
  conversion: ['Converted to customer', '⇪'],
};

// Fields of profile changes that only mirror others or change with every save.
const HIDDEN = new Set(['display_name', 'version', 'updated_at', 'updated_by', 'search_text']);

/** Returns [label, icon] of a timeline entry; unknown kinds show a dot and their summary. */
function kindOf(entry) {
  if (entry.kind === 'activity') {
    const found = ACTIVITY_KINDS.find(([k]) => k === entry.details.activity_kind);
    const direction = entry.details.direction ? ` · ${label(entry.details.direction)}` : '';
    return found ? [`${found[1]}${direction}`, found[2]] : [label(entry.details.activity_kind), '•'];
  }
  return ENTRY_KINDS[entry.kind] || [label(entry.kind), '•'];
}

function entryBody(entry) {
  const d = entry.details || {};
  switch (entry.kind) {
    case 'activity':
      return [
        d.duration_minutes !== null && d.duration_minutes !== undefined
          ? h('p', {class: 'muted'}, `${d.duration_minutes} minute${d.duration_minutes === 1 ? '' : 's'}`) : null,
        d.details ? h('p', {class: 'notes'}, d.details) : null,
      ];
    case 'case_opened':
      return h('p', {}, h('a', {href: link('cases', d.number)}, d.number),
        ` · ${label(d.priority)} priority`, d.category ? ` · ${d.category}` : '', ` · now ${label(d.status).toLowerCase()}`);
    case 'case_resolved':
      return [h('p', {}, h('a', {href: link('cases', d.number)}, d.number), ` · now ${label(d.status).toLowerCase()}`),
        d.resolution_note ? h('p', {class: 'notes'}, d.resolution_note) : null];
    case 'profile_change':
    case 'conversion': {
      const changed = Object.keys(d.changes || {}).filter((name) => !HIDDEN.has(name)).map(fieldLabel);
      return [
        entry.kind === 'conversion' && d.code ? h('p', {}, `${d.reference} became customer `,
          h('a', {href: link('customers', d.code)}, d.code), '.') : null,
        changed.length ? h('p', {class: 'muted'}, `Fields: ${changed.join(', ')}`) : null,
      ];
    }
    default:
      return null;
  }
}

function entryElement(entry) {
  const [kindLabel, icon] = kindOf(entry);
  return h('li', {class: `timeline-entry kind-${entry.kind}`},
    h('span', {class: 'timeline-icon', 'aria-hidden': 'true'}, icon),
    h('div', {class: 'timeline-content'},
      h('p', {class: 'timeline-meta'},
        h('span', {class: 'timeline-kind'}, kindLabel),
        h('span', {class: 'muted'}, ` · ${dateTime(entry.occurred_at)}`,
          entry.actor ? ` · ${entry.actor.display_name}` : '')),
      h('p', {class: 'timeline-summary'}, entry.summary),
      entryBody(entry)));
}

/** Opens the "Log interaction" dialog; resolves with the activity, or undefined when cancelled. */
function logDialog(record, resource) {
  const key = record[resource.key];
  const idempotencyKey = crypto.randomUUID ? crypto.randomUUID() : String(Date.now() + Math.random());
  const kind = field({name: 'kind', label: 'Kind', type: 'select', required: true, value: 'call',
    options: ACTIVITY_KINDS.map(([k, text]) => [k, text])});
  const direction = field({name: 'direction', label: 'Direction', type: 'select', blank: 'Not recorded',
    value: 'outbound', options: [['inbound', 'Inbound: they reached us'], ['outbound', 'Outbound: we reached them']]});
  const summary = field({name: 'summary', label: 'Summary', required: true, maxlength: 200});
  const details = field({name: 'details', label: 'Details', type: 'textarea', rows: 4, maxlength: 10000});
  // The field starts at the current minute; left as it is, the server records the exact time of saving.
  const startedAt = zonedInputValue(new Date().toISOString());
  const occurred = field({name: 'occurred_at', label: `Occurred at (${timeZone()})`, type: 'datetime-local',
    required: true, value: startedAt});
  const duration = field({name: 'duration_minutes', label: 'Duration (minutes)', type: 'number', min: 0, max: 1440,
    step: 1, inputmode: 'numeric'});
  const syncDirection = () => {
    // Notes have no direction.
    direction.hidden = kind.control.value === 'note';
  };
  kind.control.addEventListener('change', syncDirection);
  syncDirection();

  const submit = h('button', {type: 'submit', class: 'primary'}, 'Log interaction');
  const cancel = h('button', {type: 'button'}, 'Cancel');
  const form = h('form', {class: 'form', novalidate: true}, summaryBox(),
    h('div', {class: 'form-grid'}, kind, direction), summary, details,
    h('div', {class: 'form-grid'}, occurred, duration),
    h('div', {class: 'actions dialog-actions'}, submit, cancel));
  const dialog = openDialog({title: `Log an interaction with ${key}`, content: form, wide: true});
  cancel.addEventListener('click', () => dialog.close());
  kind.control.focus();

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    busy(form, async () => {
      clearErrors(form);
      const body = {kind: kind.control.value, summary: value(summary.control) ?? ''};
      if (kind.control.value !== 'note' && direction.control.value) body.direction = direction.control.value;
      const text = value(details.control);
      if (text !== null) body.details = text;
      if (occurred.control.value && occurred.control.value !== startedAt) {
        body.occurred_at = instantFromZonedInput(occurred.control.value) ?? occurred.control.value;
      }
      const minutes = value(duration.control);
      // Anything but digits goes to the API as typed, which names the error.
      if (minutes !== null) body.duration_minutes = /^\d+$/.test(minutes) ? Number(minutes) : minutes;
      try {
        const {data} = await api.post(`${resource.path}/${encodeURIComponent(key)}/activities`, body,
          {headers: {'Idempotency-Key': idempotencyKey}});
        dialog.close(data);
      } catch (err) {
        showErrors(form, err);
      }
    });
  });
  return dialog.closed;
}

registerRecordTab({
  id: 'timeline',
  label: 'Timeline',
  order: 20,
  async render(panel, {record, resource}) {
    const key = record[resource.key];
    const list = h('ol', {class: 'timeline', 'aria-label': `Timeline of ${key}, newest first`});
    const more = h('div', {class: 'history-more'});
    const messages = h('div', {class: 'page-messages'});
    const logButton = can('activities.create') && !record.archived_at
      ? h('button', {type: 'button', class: 'primary'}, 'Log interaction') : null;
    mount(panel, h('div', {class: 'tab-header'}, h('h2', {}, `Timeline of ${key}`), logButton), messages, list, more);

    if (logButton) {
      logButton.addEventListener('click', async () => {
        const activity = await logDialog(record, resource);
        if (!activity) return;
        list.replaceChildren();
        await load('');
        const message = notice('success', `Logged: ${activity.summary}.`);
        mount(messages, message);
      });
    }

    async function load(cursor) {
      mount(more, loading('Loading the timeline…'));
      try {
        const {data} = await api.get(`${resource.path}/${encodeURIComponent(key)}/timeline${
          query({limit: PAGE_SIZE, cursor, include_archived: record.archived_at ? 'true' : ''})}`);
        const first = list.children.length;
        list.append(...data.items.map(entryElement));
        if (!list.children.length) mount(more, h('p', {class: 'empty'}, 'Nothing happened yet.'));
        else if (data.next_cursor) {
          const button = h('button', {type: 'button'}, 'Show older entries');
          button.addEventListener('click', () => load(data.next_cursor));
          mount(more, button);
        } else mount(more, h('p', {class: 'muted'}, 'This is the beginning of the timeline.'));
        // After "Show older entries", focus moves to the first entry it added.
        if (cursor && list.children[first]) {
          list.children[first].setAttribute('tabindex', '-1');
          list.children[first].focus();
        }
      } catch (err) {
        const retry = h('button', {type: 'button'}, 'Try again');
        retry.addEventListener('click', () => load(cursor));
        mount(more, h('p', {class: 'notice error', role: 'alert'}, `The timeline could not be loaded: ${err.message} `,
          retry));
      }
    }
    await load('');
  },
});
