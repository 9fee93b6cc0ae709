// The Deals tab of a customer's or prospect's page: the record's deals from
// GET /deals?customer=KEY, newest first, and "New deal" with the record
// already chosen.

import {api, query} from '../../lib/api.js';
import {h} from '../../lib/dom.js';
import {date} from '../../lib/format.js';
import {registerListTab} from '../../lib/list-tab.js';
import {dataTable} from '../../lib/table.js';
import {dealAmount, dealHref, ownerName, priorityBadge, statusBadge} from './common.js';

const PAGE_SIZE = 25;

/** Creates the table of deals, one card per deal on phones. */
export function dealTable(items) {
  const rows = items.map((d) => [
    h('a', {href: dealHref(d.id), class: 'deal-link'}, d.title),
    [h('span', {class: 'line'}, d.stage.name), h('span', {class: 'line muted'}, d.pipeline.name)],
    dealAmount(d),
    date(d.expected_close_date) || '—',
    ownerName(d) || h('span', {class: 'muted'}, 'Nobody'),
    h('span', {class: 'badges'}, statusBadge(d.status), priorityBadge(d.priority)),
  ]);
  return dataTable({caption: `Deals, ${items.length} shown`, rows, className: 'deals',
    columns: ['Deal', 'Stage', 'Amount', 'Expected close', 'Owner', 'Status']});
}

registerListTab({
  id: 'deals',
  label: 'Deals',
  order: 40,
  permission: 'deals.view',
  createPermission: 'deals.create',
  noun: {one: 'deal', many: 'deals'},
  newPath: '#/deals/new',
  linkSelector: 'a.deal-link',
  async fetch(key, cursor) {
    const {data} = await api.get(`/deals${query({customer: key, limit: PAGE_SIZE, cursor})}`);
    return data;
  },
  table: dealTable,
});
