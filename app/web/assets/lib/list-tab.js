// A tab of a customer's or prospect's page that lists the record's items in
// pages ("Show more …"), with a button that opens a new item for the record.

import {h, loading, mount} from './dom.js';
import {can} from './session.js';
import {registerRecordTab} from './tabs.js';

/**
 * Registers a record tab of items.
 *   noun: {one, many}: "case", "cases"; newPath: the form's route, e.g. '#/cases/new';
 *   createPermission: the permission the "New …" button needs.
 *   fetch(key, cursor, {record, resource}): the page's {items, next_cursor}.
 *   table(items): the element that lists the items.
 *   linkSelector: the items' links, so "Show more" can focus the first new one.
 */
export function registerListTab({id, label, order, permission, createPermission, noun, newPath,
  fetch, table, linkSelector}) {
  registerRecordTab({
    id, label, order, permission,
    async render(panel, {record, resource}) {
      const key = record[resource.key];
      const items = [];
      const results = h('div', {class: 'results'});
      const more = h('div', {class: 'history-more'});
      const create = can(createPermission) && !record.archived_at
        ? h('a', {class: 'button primary', href: `${newPath}?${resource.lifecycle}=${encodeURIComponent(key)}`},
          `New ${noun.one}`)
        : null;
      mount(panel, h('div', {class: 'tab-header'}, h('h2', {}, `${label} of ${key}`), create), results, more);

      async function load(cursor) {
        mount(more, loading(`Loading ${noun.many}…`));
        try {
          const data = await fetch(key, cursor, {record, resource});
          const first = items.length;
          items.push(...data.items);
          mount(results, items.length ? table(items) : h('p', {class: 'empty'}, `No ${noun.many} for ${key} yet.`));
          const added = results.querySelectorAll(linkSelector)[first];
          if (cursor && added) added.focus();
          if (data.next_cursor) {
            const button = h('button', {type: 'button'}, `Show more ${noun.many}`);
            button.addEventListener('click', () => load(data.next_cursor));
            mount(more, button);
          } else mount(more);
        } catch (err) {
          const retry = h('button', {type: 'button'}, 'Try again');
          retry.addEventListener('click', () => load(cursor));
          mount(more, h('p', {class: 'notice error', role: 'alert'},
            `The ${noun.many} could not be loaded: ${err.message} `, retry));
        }
      }
      await load('');
    },
  });
}
