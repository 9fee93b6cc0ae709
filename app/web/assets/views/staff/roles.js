// Roles: the list, and the editor of a custom role's name, description and
// permissions. Built-in roles are shown read-only.

import {api} from '../../lib/api.js';
import {empty, h, loading, mount} from '../../lib/dom.js';
import {busy, field, showErrors, summaryBox, value} from '../../lib/form.js';
import {flash, pageNotice} from '../../lib/notice.js';
import {go} from '../../lib/router.js';
import {can} from '../../lib/session.js';
import {dataTable} from '../../lib/table.js';
import {noAccess, pageHeader} from '../layout.js';
import {staffNav} from './common.js';

/** Every permission by area, with what it allows. "own" exists for view and update only. */
const PERMISSION_GROUPS = [
  ['Customers', [
    ['customers.view', 'View customers'],
    ['customers.create', 'Create customers'],
    ['customers.update', 'Change customers'],
    ['customers.archive', 'Archive and restore customers and prospects'],
    ['customers.import', 'Import customers'],
    ['customers.export', 'Export customers'],
  ]],
  ['Prospects', [
    ['prospects.view', 'View prospects'],
    ['prospects.create', 'Create prospects'],
    ['prospects.update', 'Change prospects'],
    ['prospects.convert', 'Convert prospects to customers'],
  ]],
  ['Activities and cases', [
    ['activities.create', 'Record activities'],
    ['cases.view', 'View cases'],
    ['cases.create', 'Open cases'],
    ['cases.update', 'Change cases'],
    ['cases.assign', 'Assign cases'],
    ['cases.close', 'Close cases'],
  ]],
  ['Sales', [
    ['deals.view', 'View deals'],
    ['deals.create', 'Create deals'],
    ['deals.update', 'Change deals'],
    ['pipeline.manage', 'Manage pipelines'],
    ['reports.view', 'View reports'],
  ]],
  ['Administration', [
    ['users.manage', 'Manage staff and API tokens'],
    ['roles.manage', 'Manage roles'],
    ['settings.manage', 'Change settings'],
    ['audit.view', 'View the audit log'],
  ]],
];

const scoped = (name) => /\.(view|update)$/.test(name);

export async function rolesView(main) {
  if (!can('roles.manage')) {
    noAccess(main, 'Roles');
    return;
  }
  const results = h('div', {class: 'results'}, loading('Loading roles…'));
  mount(main, pageHeader('Roles', h('a', {class: 'button primary', href: '#/staff/roles/new'}, 'New role')),
    staffNav(), results);
  try {
    const {data} = await api.get('/roles');
    if (!data.items.length) {
      mount(results, empty('No roles yet.'));
      return;
    }
    mount(results, dataTable({
      caption: 'Roles',
      columns: ['Name', 'Description', 'Type', 'Staff', 'Permissions'],
      rows: data.items.map((role) => [
        h('a', {href: `#/staff/roles/${role.id}`}, role.name),
        role.description || '—',
        h('span', {class: 'badge'}, role.built_in ? 'Built-in' : 'Custom'),
        String(role.user_count ?? 0),
        String(Object.keys(role.permissions || {}).length),
      ]),
    }));
  } catch (err) {
    mount(results, h('p', {class: 'notice error', role: 'alert'}, `Roles could not be loaded: ${err.message}`));
  }
}

/** Draws the editor of "#/staff/roles/:id" and "#/staff/roles/new" (with ?from=ID it starts as a copy of that role). */
export async function roleEditView(main, params, query) {
  if (!can('roles.manage')) {
    noAccess(main, 'Role');
    return;
  }
  const creating = !params.id;
  let role = {name: '', description: '', permissions: {}, built_in: false};
  let etag = null;
  if (!creating || query.from) {
    const {data, headers} = await api.get(`/roles/${encodeURIComponent(params.id || query.from)}`);
    role = data;
    etag = headers.get('ETag');
    if (creating) role = {name: `Copy of ${data.name}`, description: data.description, permissions: data.permissions};
  }
  drawEditor(main, {role, etag, creating});
}

function drawEditor(main, {role, etag, creating}) {
  const readOnly = Boolean(role.built_in);
  const name = field({name: 'name', label: 'Name', required: true, maxlength: 80, value: role.name,
    disabled: readOnly});
  const description = field({name: 'description', label: 'Description', type: 'textarea', rows: 2, maxlength: 500,
    value: role.description, disabled: readOnly});
  const selects = {};
  const groups = PERMISSION_GROUPS.map(([area, permissions]) => h('fieldset', {class: 'section permission-group'},
    h('legend', {}, area),
    h('div', {class: 'permission-grid'}, permissions.map(([perm, text]) => {
      const options = [['all', 'All records'], ...(scoped(perm) ? [['own', 'Own records only']] : [])];
      const select = field({name: `permissions.${perm}`, label: text, type: 'select', blank: 'None', options,
        value: (role.permissions || {})[perm] || '', help: perm, disabled: readOnly});
      selects[perm] = select.control;
      return select;
    }))));
  const summary = summaryBox();
  const alerts = h('div', {class: 'form-alerts'});
  const form = h('form', {class: 'form role-form', novalidate: true},
    summary, alerts, name, description,
    h('p', {class: 'help'}, '"Own records only" limits viewing or changing to the records a user owns or is assigned to.'),
    h('div', {dataset: {field: 'permissions'}}, h('p', {class: 'field-error', hidden: true}), groups),
    readOnly ? null : h('div', {class: 'actions form-actions'},
      h('button', {type: 'submit', class: 'primary'}, creating ? 'Create role' : 'Save role'),
      h('a', {href: '#/staff/roles', class: 'button'}, 'Cancel')));

  mount(main,
    h('p', {class: 'breadcrumb'}, h('a', {href: '#/staff/roles'}, '← Roles')),
    pageHeader(creating ? 'New role' : role.name,
      readOnly ? h('a', {class: 'button', href: `#/staff/roles/new?from=${role.id}`}, 'Copy into a new role') : null),
    readOnly ? pageNotice('info', 'Built-in roles are read-only. Copy one into a new role to change its permissions.') : null,
    form);

  const read = () => {
    const permissions = {};
    for (const [perm, control] of Object.entries(selects)) {
      if (control.value) permissions[perm] = control.value;
    }
    return {name: value(name.control) || '', description: value(description.control), permissions};
  };

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    busy(form, () => submit(etag));
  });

  async function submit(ifMatch) {
    alerts.replaceChildren();
    try {
      const {data} = creating
        ? await api.post('/roles', read())
        : await api.patch(`/roles/${role.id}`, read(), {headers: {'If-Match': ifMatch}});
      flash(creating ? `Role ${data.name} created.` : `Role ${data.name} saved.`);
      go('/staff/roles');
    } catch (err) {
      if (err.status === 412) showConflict();
      else showErrors(form, err);
    }
  }

  // The form keeps what the user chose; they decide whether it replaces the other change.
  function showConflict() {
    const overwrite = h('button', {type: 'button', class: 'primary'}, 'Save my version anyway');
    const discard = h('a', {class: 'button', href: `#/staff/roles/${role.id}`}, 'Discard mine and show theirs');
    const box = h('div', {class: 'notice warning', role: 'alert', tabindex: '-1'},
      h('p', {}, 'Someone else changed this role after you opened it, so your changes were not saved.'),
      h('p', {class: 'actions'}, overwrite, discard));
    discard.addEventListener('click', (event) => {
      event.preventDefault();
      go(`/staff/roles/${role.id}`);
    });
    overwrite.addEventListener('click', () => busy(form, async () => {
      try {
        const {headers} = await api.get(`/roles/${role.id}`);
        etag = headers.get('ETag');
        await submit(etag);
      } catch (err) {
        showErrors(form, err);
      }
    }));
    alerts.replaceChildren(box);
    box.focus();
  }
}
