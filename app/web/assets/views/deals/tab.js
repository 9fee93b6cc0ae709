// The Deals tab of a customer's or prospect's page: the record's deals from
// GET /deals?customer=KEY, newest first, and "New deal" with the record
// already chosen.

import {api, query} from '../../lib/api.js';
import {h, loading, mount} from '../../lib/dom.js';
import {date} from '../../lib/format.js';
import {can} from '../../lib/session.js';
import {dataTable} from '../../lib/table.js';
import {registerRecordTab} from '../../lib/tabs.js';
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

registerRecordTab({
  id: 'deals',
  label: 'Deals',
  order: 40,
  permission: 'deals.view',
  async render(panel, {record, resource}) {
    const key = record[resource.key];
    const items = [];
    const results = h('div', {class: 'results'});
    const more = h('div', {class: 'history-more'});
    const newDeal = can('deals.create') && !record.archived_at
      ? h('a', {class: 'button primary', href: `#/deals/new?${resource.lifecycle}=${encodeURIComponent(key)}`},
        'New deal')
      : null;
    mount(panel, h('div', {class: 'tab-header'}, h('h2', {}, `Deals of ${key}`), newDeal), results, more);

    async function load(cursor) {
      mount(more, loading('Loading deals…'));
      try {
        const {data} = await api.get(`/deals${query({customer: key, limit: PAGE_SIZE, cursor})}`);
        const first = items.length;
        items.push(...data.items);
        mount(results, items.length ? dealTable(items) : h('p', {class: 'empty'}, `No deals for ${key} yet.`));
        // After "Show more deals", focus moves to the first deal it added.
        const added = results.querySelectorAll('a.deal-link')[first];
        if (cursor && added) added.focus();
        if (data.next_cursor) {
          const button = h('button', {type: 'button'}, 'Show more deals');
          button.addEventListener('click', () => load(data.next_cursor));
          mount(more, button);
        } else mount(more);
      } catch (err) {
        const retry = h('button', {type: 'button'}, 'Try again');
        retry.addEventListener('click', () => load(cursor));
        mount(more, h('p', {class: 'notice error', role: 'alert'}, `The deals could not be loaded: ${err.message} `,
          retry));
      }
    }
    await load('');
  },
});
