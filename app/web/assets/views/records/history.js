// The History tab of a record page: who changed what and when, newest first,
// with each field's value before and after, a page at a time.

import {api, query} from '../../lib/api.js';
import {h, loading, mount} from '../../lib/dom.js';
import {dateTime} from '../../lib/format.js';
import {dataTable} from '../../lib/table.js';
import {registerRecordTab} from '../../lib/tabs.js';
import {fieldLabel, historyValue} from './fields.js';

const PAGE_SIZE = 20;

const ACTIONS = {
  created: 'Created',
  updated: 'Updated',
  archived: 'Archived',
  restored: 'Restored',
  converted: 'Converted to customer',
};

/** "customer.updated" becomes "Updated". */
function actionLabel(action) {
  const verb = String(action).split('.').pop();
  return ACTIONS[verb] || verb;
}

// Fields that only mirror others or change with every save are left out.
const HIDDEN = new Set(['display_name', 'version', 'updated_at', 'updated_by']);

function entryElement(entry, userNames) {
  const changes = Object.entries(entry.changes || {}).filter(([name]) => !HIDDEN.has(name))
    .sort(([a], [b]) => fieldLabel(a).localeCompare(fieldLabel(b)));
  const who = entry.actor ? entry.actor.display_name : 'The system';
  const shown = (name, value) => (name === 'owner_id' && userNames.has(value) ? userNames.get(value)
    : historyValue(name, value));
  return h('li', {class: 'history-entry panel'},
    h('h3', {}, actionLabel(entry.action), h('span', {class: 'muted'}, ` · ${dateTime(entry.occurred_at)} · ${who}`)),
    changes.length
      ? dataTable({
        caption: `Fields changed on ${dateTime(entry.occurred_at)}`,
        columns: ['Field', 'Before', 'After'],
        rows: changes.map(([name, change]) => [fieldLabel(name), shown(name, change.before), shown(name, change.after)]),
        className: 'history-table',
      })
      : h('p', {class: 'empty'}, 'No field changed.'));
}

registerRecordTab({
  id: 'history',
  label: 'History',
  order: 90,
  async render(panel, {record, resource}) {
    const key = record[resource.key];
    const list = h('ol', {class: 'history', 'aria-label': `Changes to ${key}, newest first`});
    // The history names owners by id; the names known here are the current
    // owner's and those of the staff members who made the changes.
    const userNames = new Map();
    if (record.owner) userNames.set(record.owner.id, record.owner.display_name);
    const more = h('div', {class: 'history-more'});
    mount(panel, list, more);

    async function load(cursor) {
      mount(more, loading('Loading history…'));
      try {
        const {data} = await api.get(`${resource.path}/${encodeURIComponent(key)}/history${
          query({limit: PAGE_SIZE, cursor, include_archived: record.archived_at ? 'true' : ''})}`);
        const first = list.children.length;
        for (const entry of data.items) {
          if (entry.actor) userNames.set(entry.actor.id, entry.actor.display_name);
        }
        list.append(...data.items.map((entry) => entryElement(entry, userNames)));
        if (!list.children.length) mount(more, h('p', {class: 'empty'}, 'No history yet.'));
        else if (data.next_cursor) {
          const button = h('button', {type: 'button'}, 'Show older changes');
          button.addEventListener('click', () => load(data.next_cursor));
          mount(more, button);
        } else mount(more, h('p', {class: 'muted'}, 'This is the first change.'));
        // After "Show older changes", focus moves to the first entry it added.
        if (cursor && list.children[first]) {
          list.children[first].setAttribute('tabindex', '-1');
          list.children[first].focus();
        }
      } catch (err) {
        const retry = h('button', {type: 'button'}, 'Try again');
        retry.addEventListener('click', () => load(cursor));
        mount(more, h('p', {class: 'notice error', role: 'alert'}, `The history could not be loaded: ${err.message} `,
          retry));
      }
    }
    await load('');
  },
});
