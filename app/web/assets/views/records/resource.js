// Customers and prospects are one record type behind two API resources:
// /customers by Customer Code and /prospects by prospect reference. These
// descriptions contain what differs, so the list, form and page views serve both.

import {label} from '../../lib/format.js';
import {link} from '../../lib/router.js';

export const customers = {
  name: 'customers',
  lifecycle: 'customer',
  path: '/customers',
  key: 'code',
  keyLabel: 'Customer Code',
  title: 'Customer Management',
  noun: 'customer',
  nounPlural: 'customers',
  statuses: ['active', 'inactive', 'dormant', 'blacklisted'],
  filterStatuses: ['active', 'inactive', 'dormant', 'blacklisted'],
  permissions: {view: 'customers.view', create: 'customers.create', update: 'customers.update'},
};

export const prospects = {
  name: 'prospects',
  lifecycle: 'prospect',
  path: '/prospects',
  key: 'reference',
  keyLabel: 'Reference',
  title: 'Prospects',
  noun: 'prospect',
  nounPlural: 'prospects',
  statuses: ['open', 'qualified', 'disqualified'],
  // "converted" lists former prospects that are customers now.
  filterStatuses: ['open', 'qualified', 'disqualified', 'converted'],
  permissions: {view: 'prospects.view', create: 'prospects.create', update: 'prospects.update'},
};

/** Returns the resource a record belongs to now: a converted prospect is a customer. */
export function resourceOf(record) {
  return record.lifecycle === 'customer' ? customers : prospects;
}

/** Returns the href of a record's page. */
export function recordHref(record) {
  const resource = resourceOf(record);
  return link(resource.path.slice(1), record[resource.key]);
}

/** Returns "Person" or "Business". */
export function kindLabel(kind) {
  return kind === 'business' ? 'Business' : 'Person';
}

const STATUS_TONES = {
  active: 'good', qualified: 'good', converted: 'good',
  dormant: 'warn', inactive: 'warn',
  blacklisted: 'bad', disqualified: 'bad',
};

/** Returns the badge class and text of a record status. */
export function statusBadge(status) {
  return {tone: STATUS_TONES[status] || '', text: label(status)};
}
