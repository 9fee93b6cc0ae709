// The Cases tab of a customer's or prospect's page: the record's cases,
// newest first, and "New case" with the record already chosen.

import {api, query} from '../../lib/api.js';
import {registerListTab} from '../../lib/list-tab.js';
import {caseTable} from './list.js';

const PAGE_SIZE = 25;

registerListTab({
  id: 'cases',
  label: 'Cases',
  order: 30,
  permission: 'cases.view',
  createPermission: 'cases.create',
  noun: {one: 'case', many: 'cases'},
  newPath: '#/cases/new',
  linkSelector: 'a.record-key',
  async fetch(key, cursor, {record, resource}) {
    const {data} = await api.get(`${resource.path}/${encodeURIComponent(key)}/cases${
      query({limit: PAGE_SIZE, cursor, include_archived: record.archived_at ? 'true' : ''})}`);
    return data;
  },
  table: (items) => caseTable(items, {withRecord: false}),
});
