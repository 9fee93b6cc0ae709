// The Cases tab of a customer's or prospect's page: the record's cases,
// newest first, and "New case" with the record already chosen.

import {api, query} from '../../lib/api.js';
import {h, loading, mount} from '../../lib/dom.js';
import {can} from '../../lib/session.js';
import {registerRecordTab} from '../../lib/tabs.js';
import {caseTable} from './list.js';

const PAGE_SIZE = 25;

registerRecordTab({
  id: 'cases',
  label: 'Cases',
  order: 30,
  permission: 'cases.view',
  async render(panel, {record, resource}) {
    const key = record[resource.key];
    const items = [];
    const results = h('div', {class: 'results'});
    const more = h('div', {class: 'history-more'});
    const newCase = can('cases.create') && !record.archived_at
      ? h('a', {class: 'button primary', href: `#/cases/new?${resource.lifecycle}=${encodeURIComponent(key)}`},
        'New case')
      : null;
    mount(panel, h('div', {class: 'tab-header'}, h('h2', {}, `Cases of ${key}`), newCase), results, more);

    async function load(cursor) {
      mount(more, loading('Loading cases…'));
      try {
        const {data} = await api.get(`${resource.path}/${encodeURIComponent(key)}/cases${
          query({limit: PAGE_SIZE, cursor, include_archived: record.archived_at ? 'true' : ''})}`);
        const first = items.length;
        items.push(...data.items);
        mount(results, items.length ? caseTable(items, {withRecord: false})
          : h('p', {class: 'empty'}, `No cases for ${key} yet.`));
        // After "Show more cases", focus moves to the first case it added.
        const added = results.querySelectorAll('a.record-key')[first];
        if (cursor && added) added.focus();
        if (data.next_cursor) {
          const button = h('button', {type: 'button'}, 'Show more cases');
          button.addEventListener('click', () => load(data.next_cursor));
          mount(more, button);
        } else mount(more);
      } catch (err) {
        const retry = h('button', {type: 'button'}, 'Try again');
        retry.addEventListener('click', () => load(cursor));
        mount(more, h('p', {class: 'notice error', role: 'alert'}, `The cases could not be loaded: ${err.message} `,
          retry));
      }
    }
    await load('');
  },
});
