// The page of one customer or prospect: its heading and actions, then the tabs
// from the record tab registry (Profile, History and those other modules add).

import {api} from '../../lib/api.js';
import {confirmDialog} from '../../lib/dialog.js';
import {h, mount} from '../../lib/dom.js';
import {dateTime} from '../../lib/format.js';
import {flash, pageNotice} from '../../lib/notice.js';
import {go} from '../../lib/router.js';
import {can, canOn} from '../../lib/session.js';
import {recordTabsFor, tabList} from '../../lib/tabs.js';
import {noAccess, pageHeader} from '../layout.js';
import {kindLabel, recordHref, resourceOf, statusBadge} from './resource.js';

/** Reads a record, archived ones too when the role may see them; returns {record, etag}. */
export async function fetchRecord(resource, key) {
  const archived = can('customers.archive') ? '?include_archived=true' : '';
  const {data, headers} = await api.get(`${resource.path}/${encodeURIComponent(key)}${archived}`);
  return {record: data, etag: headers.get('ETag')};
}

/** Returns the view of "#/customers/CUS-000001?tab=history" and its prospect equivalent. */
export function recordView(resource) {
  return async (main, params, query) => {
    if (!can(resource.permissions.view)) {
      noAccess(main, params.key);
      return;
    }
    let record;
    try {
      ({record} = await fetchRecord(resource, params.key));
    } catch (err) {
      if (err.status !== 404) throw err;
      mount(main, pageHeader(`${resource.keyLabel} ${params.key}`),
        h('p', {role: 'alert'}, err.message),
        h('p', {}, h('a', {href: `#${resource.path}`}, `Back to the ${resource.nounPlural}`)));
      return;
    }
    if (record.lifecycle !== resource.lifecycle) {
      flash(`${record.reference} was converted; it is customer ${record.code} now.`);
      go(recordHref(record).slice(1));
      return;
    }
    const reload = () => go(location.hash.slice(1));
    const key = record[resource.key];
    const {tone, text} = statusBadge(record.status);
    const tabs = recordTabsFor(resource.lifecycle);
    const selectedTab = tabs.some((t) => t.id === query.tab) ? query.tab : tabs[0].id;
    const widget = tabList({
      label: `${record.display_name}`,
      tabs,
      selected: selectedTab,
      onSelect(id, panel) {
        // The chosen tab goes into the address without a new history entry.
        const hash = `#${resource.path}/${encodeURIComponent(key)}${id === tabs[0].id ? '' : `?tab=${id}`}`;
        if (location.hash !== hash) history.replaceState(null, '', hash);
        const tab = tabs.find((t) => t.id === id);
        mount(panel);
        Promise.resolve(tab.render(panel, {record, resource, reload})).catch((err) => {
          mount(panel, h('p', {class: 'notice error', role: 'alert'}, `This tab could not be loaded: ${err.message}`));
        });
      },
    });

    mount(main,
      h('p', {class: 'breadcrumb'}, h('a', {href: `#${resource.path}`}, `← ${resource.title}`)),
      pageHeader(record.display_name, ...actions(resource, record, reload)),
      h('p', {class: 'record-subtitle'},
        h('span', {class: 'record-key'}, `${resource.keyLabel} ${key}`),
        h('span', {class: 'badge'}, kindLabel(record.kind)),
        h('span', {class: `badge ${tone}`}, text),
        record.archived_at ? h('span', {class: 'badge bad'}, 'Archived') : null),
      record.archived_at
        ? pageNotice('warning', `Archived on ${dateTime(record.archived_at)}. It is left out of lists and search; `
          + 'restore it to change it.')
        : null,
      widget.list,
      widget.panel);
  };
}

/** Creates the buttons of the page heading: update, archive or restore, as the role allows. */
function actions(resource, record, reload) {
  const key = record[resource.key];
  const base = `${resource.path}/${encodeURIComponent(key)}`;
  const buttons = [];
  if (canOn(resource.permissions.update, record.owner && record.owner.id) && !record.archived_at) {
    buttons.push(h('a', {class: 'button primary', href: `#${base}/edit`}, 'Update Customer Info'));
  }
  if (can('customers.archive')) {
    const archiving = !record.archived_at;
    const button = h('button', {type: 'button', class: archiving ? 'danger' : ''}, archiving ? 'Archive' : 'Restore');
    button.addEventListener('click', async () => {
      const ok = await confirmDialog({
        title: archiving ? `Archive ${key}?` : `Restore ${key}?`,
        message: archiving
          ? `${record.display_name} disappears from lists, search and counts. You can restore it later.`
          : `${record.display_name} returns to lists, search and counts.`,
        confirmLabel: archiving ? 'Archive' : 'Restore',
        danger: archiving,
      });
      if (!ok) return;
      button.disabled = true;
      try {
        await api.post(`${base}/${archiving ? 'archive' : 'restore'}`);
        flash(archiving ? `${key} archived.` : `${key} restored.`);
        go(base);
      } catch (err) {
        button.disabled = false;
        button.after(h('p', {class: 'field-error', role: 'alert'}, err.message));
      }
    });
    buttons.push(button);
  }
  return buttons;
}
