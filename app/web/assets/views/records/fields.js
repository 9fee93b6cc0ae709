// Names and display of the fields of a customer or prospect record, shared by
// the form, the profile and the history.

import {h} from '../../lib/dom.js';
import {date, dateTime, label} from '../../lib/format.js';
import {countryName} from '../../lib/countries.js';
import {kindLabel} from './resource.js';

export const FIELD_LABELS = {
  kind: 'Customer Type',
  lifecycle: 'Lifecycle',
  code: 'Customer Code',
  reference: 'Prospect reference',
  status: 'Status',
  title: 'Title',
  first_name: 'First name',
  middle_name: 'Middle name',
  last_name: 'Last name',
  gender: 'Gender',
  date_of_birth: 'Date of birth',
  occupation: 'Occupation',
  employer: 'Employer',
  identification: 'Identification',
  legal_name: 'Legal name',
  trading_name: 'Trading name',
  registration_number: 'Registration number',
  industry: 'Industry',
  website: 'Website',
  date_of_incorporation: 'Date of incorporation',
  number_of_employees: 'Number of employees',
  contacts: 'Contact persons',
  email: 'Email',
  phones: 'Phones',
  address: 'Address',
  notes: 'Notes',
  owner_id: 'Owner',
  owner: 'Owner',
  source: 'Source',
  tags: 'Tags',
  external_ref: 'External reference',
  lead_stage: 'Lead stage',
  lead_owner_name: 'Lead owner',
  converted_at: 'Converted',
  archived_at: 'Archived',
};

/** Returns the label of a field name, falling back to the name in sentence case. */
export function fieldLabel(name) {
  return FIELD_LABELS[name] || label(name);
}

/** Returns the address as lines of text: street lines, then "postal code city", region and country. */
export function addressLines(address) {
  if (!address) return [];
  const lines = [...(address.lines || [])];
  const place = [address.postal_code, address.city].filter(Boolean).join(' ');
  if (place) lines.push(place);
  if (address.region) lines.push(address.region);
  if (address.country) lines.push(countryName(address.country));
  return lines;
}

/** Returns a phone as "Mobile: +49 30 123456". */
export function phoneText(phone) {
  return phone.label ? `${phone.label}: ${phone.number}` : String(phone.number);
}

/** Returns lines of text, each in its own element, or a dash when there are none. */
export function linesOf(lines) {
  return lines.length ? lines.map((line) => h('span', {class: 'line'}, line)) : '—';
}

/**
 * Formats a stored value of a field for the history: dates, kinds and
 * statuses, addresses, phones, tags and contact persons. Returns a string or
 * nodes; null becomes "—".
 */
export function historyValue(name, value) {
  if (value === null || value === undefined || value === '') return '—';
  switch (name) {
    case 'date_of_birth':
    case 'date_of_incorporation':
      return date(value);
    case 'converted_at':
    case 'archived_at':
      return dateTime(value);
    case 'kind':
      return kindLabel(value);
    case 'status':
    case 'lifecycle':
      return label(value);
    case 'address':
      return linesOf(addressLines(value));
    case 'phones':
      return linesOf(value.map(phoneText));
    case 'tags':
      return value.length ? value.join(', ') : '—';
    case 'identification':
      return [value.type, value.number].filter(Boolean).join(' ') || '—';
    case 'owner_id':
      return `User #${value}`;
    case 'contacts':
      return linesOf(value.map((c) => [c.display_name || c.code || c.reference || `#${c.customer_id ?? c.person_id}`,
        c.role ? ` (${c.role})` : ''].join('')));
    default:
      if (Array.isArray(value)) return value.join(', ');
      if (typeof value === 'object') return JSON.stringify(value);
      return String(value);
  }
}
