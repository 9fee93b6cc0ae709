// API tokens: create one with a name and role (its secret is shown once),
// list them without secrets, and revoke.

import {api, query} from '../../lib/api.js';
import {confirmDialog} from '../../lib/dialog.js';
import {empty, h, loading, mount} from '../../lib/dom.js';
import {busy, field, showErrors, summaryBox, value} from '../../lib/form.js';
import {dateTime, label} from '../../lib/format.js';
import {pager, pushState} from '../../lib/list.js';
import {notice} from '../../lib/notice.js';
import {dataTable} from '../../lib/table.js';
import {can} from '../../lib/session.js';
import {noAccess, pageHeader} from '../layout.js';
import {roleChoices, secretDialog, staffNav} from './common.js';

const PAGE_SIZE = 50;
const STATUS_TONES = {active: 'good', revoked: 'bad', expired: 'warn'};

export async function tokensView(main, params, queryParams) {
  if (!can('users.manage')) {
    noAccess(main, 'API tokens');
    return;
  }
  let state = {cursor: queryParams.cursor || '', back: queryParams.back || ''};
  const messages = h('div', {class: 'page-messages'});
  const results = h('div', {class: 'results'});
  const roles = await roleChoices().catch(() => []);
  const name = field({name: 'name', label: 'Name', required: true, maxlength: 120,
    help: 'What the token is for, such as "Accounting sync".'});
  const role = field({name: 'role_id', label: 'Role', type: 'select', required: true, options: roles,
    blank: 'Choose a role',
    help: 'The token acts with this role, limited to what your own role grants.'});
  const expires = field({name: 'expires_in_days', label: 'Expires after (days)', type: 'number', min: 1, max: 3650,
    help: 'Leave empty for a token that does not expire.'});
  const form = h('form', {class: 'form panel token-form', novalidate: true, 'aria-labelledby': 'token-form-title'},
    h('h2', {id: 'token-form-title'}, 'Create a token'),
    summaryBox(), h('div', {class: 'form-grid'}, name, role, expires),
    h('div', {class: 'actions'}, h('button', {type: 'submit', class: 'primary'}, 'Create token')));
  mount(main, pageHeader('API tokens'), staffNav(), messages, form, h('h2', {}, 'Tokens'), results);

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    busy(form, async () => {
      const days = value(expires.control);
      try {
        const {data} = await api.post('/tokens', {
          name: value(name.control) || '', role_id: Number(role.control.value) || 0,
          expires_in_days: days === null ? null : (/^\d+$/.test(days) ? Number(days) : days),
        });
        name.control.value = '';
        expires.control.value = '';
        await secretDialog({
          title: 'Token created',
          intro: `Send it as "Authorization: Bearer …" from ${data.name}.`,
          fieldLabel: 'API token',
          secret: data.token,
          expiresAt: data.expires_at,
          warning: 'This is the only time the token is shown. Copy it now and keep it secret.',
        });
        load();
      } catch (err) {
        showErrors(form, err);
      }
    });
  });

  async function load() {
    mount(results, loading('Loading tokens…'));
    try {
      const {data} = await api.get(`/tokens${query({cursor: state.cursor, limit: PAGE_SIZE})}`);
      if (!data.items.length) {
        mount(results, empty('No API tokens yet.'));
        return;
      }
      mount(results, tokensTable(data.items, revoke), pager(state, data.next_cursor, (next) => {
        state = next;
        pushState('/staff/tokens', state);
        load();
      }));
    } catch (err) {
      mount(results, h('p', {class: 'notice error', role: 'alert'}, `Tokens could not be loaded: ${err.message}`));
    }
  }

  async function revoke(token) {
    const ok = await confirmDialog({
      title: `Revoke ${token.name}?`,
      message: 'Its next request is rejected. This cannot be undone.',
      confirmLabel: 'Revoke token',
      danger: true,
    });
    if (!ok) return;
    try {
      await api.del(`/tokens/${token.id}`);
      mount(messages, notice('success', `Token ${token.name} revoked.`));
    } catch (err) {
      mount(messages, notice('error', err.message));
    }
    await load();
    messages.firstChild.tabIndex = -1;
    messages.firstChild.focus();
  }

  await load();
}

function tokensTable(tokens, revoke) {
  return dataTable({
    caption: 'API tokens',
    columns: ['Name', 'Token', 'Role', 'Created by', 'Status', 'Created', 'Last used', 'Expires', 'Actions'],
    rows: tokens.map((token) => {
      const button = token.status === 'active'
        ? h('button', {type: 'button', class: 'danger', 'aria-label': `Revoke ${token.name}`}, 'Revoke')
        : null;
      if (button) button.addEventListener('click', () => revoke(token));
      return [
        token.name,
        h('code', {}, `${token.token_prefix}…`),
        token.role ? token.role.name : '—',
        token.user ? token.user.display_name : '—',
        h('span', {class: `badge ${STATUS_TONES[token.status] || ''}`}, label(token.status)),
        dateTime(token.created_at),
        token.last_used_at ? dateTime(token.last_used_at) : 'Never',
        token.expires_at ? dateTime(token.expires_at) : 'Never',
        button,
      ];
    }),
  });
}
