// The Profile tab of a record page: every field, formatted.

import {h, mount} from '../../lib/dom.js';
import {date, dateTime} from '../../lib/format.js';
import {registerRecordTab} from '../../lib/tabs.js';
import {leadOwner} from './list.js';
import {addressLines, linesOf, phoneText} from './fields.js';
import {kindLabel, recordHref, statusBadge} from './resource.js';

/** Creates a definition list of [label, value] pairs, with a dash for each empty value. */
function details(pairs) {
  return h('dl', {class: 'details'}, pairs.filter(Boolean).map(([term, v]) => [
    h('dt', {}, term),
    h('dd', {}, v === null || v === undefined || v === '' || (Array.isArray(v) && !v.length) ? '—' : v),
  ]));
}

function section(title, ...content) {
  return h('section', {class: 'panel profile-section'}, h('h2', {}, title), content);
}

function websiteLink(url) {
  if (!url) return null;
  // Only http(s) addresses become links; the text is shown as stored either way.
  const href = /^https?:\/\//i.test(url) ? url : `https://${url}`;
  return h('a', {href, target: '_blank', rel: 'noopener noreferrer'}, url);
}

function identity(record) {
  if (record.kind === 'business') {
    return section('Business', details([
      ['Legal name', record.legal_name],
      ['Trading name', record.trading_name],
      ['Registration number', record.registration_number],
      ['Industry', record.industry],
      ['Website', websiteLink(record.website)],
      ['Date of incorporation', date(record.date_of_incorporation)],
      ['Number of employees', record.number_of_employees === null ? null
        : new Intl.NumberFormat().format(record.number_of_employees)],
    ]), h('h3', {}, 'Contact persons'),
    record.contacts && record.contacts.length
      ? h('ul', {class: 'plain-list'}, record.contacts.map((c) => h('li', {},
        h('a', {href: recordHref({lifecycle: c.code ? 'customer' : 'prospect', code: c.code, reference: c.reference})},
          c.display_name), ` (${c.code || c.reference})`, c.role ? ` · ${c.role}` : '')))
      : h('p', {class: 'empty'}, 'No contact persons.'));
  }
  const id = record.identification || {};
  return section('Person', details([
    ['Title', record.title],
    ['First name', record.first_name],
    ['Middle name', record.middle_name],
    ['Last name', record.last_name],
    ['Gender', record.gender],
    ['Date of birth', date(record.date_of_birth)],
    ['Occupation', record.occupation],
    ['Employer', record.employer],
    ['ID document', [id.type, id.number].filter(Boolean).join(': ')],
  ]));
}

function contact(record) {
  const phones = (record.phones || []).map((p) => h('span', {class: 'line'}, phoneText(p),
    p.e164 && p.e164 !== p.number ? h('span', {class: 'muted'}, ` (${p.e164})`) : null));
  return section('Contact', details([
    ['Email', record.email ? h('a', {href: `mailto:${record.email}`}, record.email) : null],
    ['Phones', phones],
    ['Address', linesOf(addressLines(record.address))],
  ]));
}

function bookkeeping(record) {
  const prospect = record.lifecycle === 'prospect';
  return section('Record', details([
    ['Customer Code', record.code],
    ['Prospect reference', record.reference],
    ['Customer Type', kindLabel(record.kind)],
    ['Status', statusBadge(record.status).text],
    ['Owner', record.owner && record.owner.display_name],
    prospect || record.lead_stage ? ['Lead stage', record.lead_stage] : null,
    prospect ? ['Lead owner', leadOwner(record)] : null,
    ['Source', record.source],
    ['Tags', (record.tags || []).length ? h('ul', {class: 'tag-list'},
      record.tags.map((t) => h('li', {class: 'tag'}, t))) : null],
    ['External reference', record.external_ref],
    ['Created', dateTime(record.created_at)],
    ['Last changed', dateTime(record.updated_at)],
    record.converted_at ? ['Converted', dateTime(record.converted_at)] : null,
    record.archived_at ? ['Archived', dateTime(record.archived_at)] : null,
  ]));
}

function notes(record) {
  return section('Notes', record.notes
    ? h('p', {class: 'notes'}, record.notes)
    : h('p', {class: 'empty'}, 'No notes.'));
}

registerRecordTab({
  id: 'profile',
  label: 'Profile',
  order: 0,
  render(panel, {record}) {
    mount(panel, h('div', {class: 'profile-grid'},
      identity(record), contact(record), bookkeeping(record), notes(record)));
  },
});
