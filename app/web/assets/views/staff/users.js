// The list of staff members: invite, change role, deactivate and reactivate,
// and one-time links for invitations and password resets.

import {api, query} from '../../lib/api.js';
import {confirmDialog, openDialog} from '../../lib/dialog.js';
import {empty, h, loading, mount} from '../../lib/dom.js';
import {busy, field, showErrors, summaryBox, value} from '../../lib/form.js';
import {dateTime, label} from '../../lib/format.js';
import {firstPage, pager, pushState} from '../../lib/list.js';
import {menuButton} from '../../lib/menu.js';
import {notice} from '../../lib/notice.js';
import {dataTable} from '../../lib/table.js';
import {can, session} from '../../lib/session.js';
import {noAccess, pageHeader} from '../layout.js';
import {roleChoices, secretDialog, staffNav} from './common.js';

const PAGE_SIZE = 50;
const STATUS_TONES = {active: 'good', invited: 'warn', deactivated: 'bad'};

/** The If-Match value for a user read from the list. */
const etagOf = (user) => `"${user.version}"`;

export async function usersView(main, params, queryParams) {
  if (!can('users.manage')) {
    noAccess(main, 'Staff');
    return;
  }
  let state = {status: queryParams.status || '', cursor: queryParams.cursor || '', back: queryParams.back || ''};
  const invite = h('button', {type: 'button', class: 'primary'}, 'Invite staff member');
  const status = field({name: 'status', label: 'Status', type: 'select', value: state.status, blank: 'Any status',
    options: ['invited', 'active', 'deactivated'].map((s) => [s, label(s)])});
  const messages = h('div', {class: 'page-messages'});
  const results = h('div', {class: 'results'});
  mount(main, pageHeader('Staff', invite), staffNav(),
    h('form', {class: 'filters', role: 'search', 'aria-label': 'Filter staff members'},
      h('div', {class: 'filter-fields'}, status)),
    messages, results);

  status.control.addEventListener('change', () => {
    state = firstPage({...state, status: status.control.value});
    pushState('/staff', state);
    load();
  });
  invite.addEventListener('click', () => inviteDialog().then((invited) => {
    if (invited) load();
  }));

  async function load() {
    mount(results, loading('Loading staff…'));
    try {
      const {data} = await api.get(`/users${query({status: state.status, cursor: state.cursor, limit: PAGE_SIZE})}`);
      if (!data.items.length) {
        mount(results, empty(state.status ? 'No staff members with this status.' : 'No staff members yet.'));
        return;
      }
      mount(results, usersTable(data.items, {onChanged: load, say}), pager(state, data.next_cursor, (next) => {
        state = next;
        pushState('/staff', state);
        load();
      }));
    } catch (err) {
      mount(results, h('p', {class: 'notice error', role: 'alert'}, `Staff could not be loaded: ${err.message}`));
    }
  }

  /** Shows the outcome of an action above the list. */
  function say(kind, text) {
    const box = notice(kind, text);
    box.tabIndex = -1;
    mount(messages, box);
    box.focus();
  }

  await load();
}

function usersTable(users, handlers) {
  const me = session().user.id;
  return dataTable({
    caption: 'Staff members',
    columns: ['Name', 'Email', 'Role', 'Status', 'Last sign-in', 'Actions'],
    rows: users.map((user) => [
      [user.display_name, user.id === me ? h('span', {class: 'muted'}, ' (you)') : null],
      user.email,
      user.role.name,
      h('span', {class: `badge ${STATUS_TONES[user.status] || ''}`}, label(user.status)),
      user.last_login_at ? dateTime(user.last_login_at) : 'Never',
      userMenu(user, handlers),
    ]),
  });
}

function userMenu(user, {onChanged, say}) {
  const items = [{label: 'Change role', onSelect: () => changeRoleDialog(user).then((saved) => {
    if (saved) {
      say('success', `${user.display_name} has the role ${saved} now.`);
      onChanged();
    }
  })}];
  if (user.status === 'deactivated') {
    items.push({label: 'Reactivate', onSelect: () => setStatus(user, 'active', {onChanged, say})});
  } else {
    items.push({label: 'Deactivate', onSelect: () => setStatus(user, 'deactivated', {onChanged, say})});
  }
  if (user.status === 'active') {
    items.push({label: 'Send password-reset link', onSelect: () => issueLink(user, 'password-reset', say)});
  }
  if (user.status === 'invited') {
    items.push({label: 'Send new invitation link', onSelect: () => issueLink(user, 'invitation', say)});
  }
  return menuButton({label: 'Actions', name: `Actions for ${user.display_name}`, items});
}

/** Opens the invitation dialog, then the link to send. Resolves true when someone was invited. */
async function inviteDialog() {
  const roles = await roleChoices().catch(() => []);
  const email = field({name: 'email', label: 'Email', type: 'email', required: true, autocomplete: 'off'});
  const name = field({name: 'display_name', label: 'Name', required: true, maxlength: 120, autocomplete: 'off'});
  const role = field({name: 'role_id', label: 'Role', type: 'select', required: true, options: roles,
    value: roles.find(([, n]) => n === 'Officer')?.[0]});

  const submit = h('button', {type: 'submit', class: 'primary'}, 'Send invitation');
  const cancel = h('button', {type: 'button'}, 'Cancel');
  const form = h('form', {class: 'form', novalidate: true}, summaryBox(), email, name, role,
    h('div', {class: 'actions dialog-actions'}, submit, cancel));
  const {close, closed} = openDialog({title: 'Invite a staff member', content: form});

  cancel.addEventListener('click', () => close(null));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    busy(form, async () => {
      try {
        const {data} = await api.post('/users', {
          email: value(email.control) || '', display_name: value(name.control) || '',
          role_id: Number(role.control.value) || 0,
        });
        close(data);
      } catch (err) {
        showErrors(form, err);
      }
    });
  });
  // The link dialog opens once the invitation dialog has closed and given focus back.
  const invited = await closed;
  if (!invited) return false;
  await secretDialog({
    title: 'Invitation created',
    intro: `Send ${invited.user.display_name} this link. It works once; with it they choose a password and sign in.`,
    fieldLabel: 'Invitation link',
    secret: invited.invitation_url,
    expiresAt: invited.expires_at,
  });
  return true;
}

/** Opens the role dialog and resolves with the new role's name when it is saved. */
async function changeRoleDialog(user) {
  const roles = await roleChoices().catch(() => [[String(user.role.id), user.role.name]]);
  const role = field({name: 'role_id', label: 'Role', type: 'select', required: true, options: roles,
    value: String(user.role.id)});
  const submit = h('button', {type: 'submit', class: 'primary'}, 'Save role');
  const cancel = h('button', {type: 'button'}, 'Cancel');
  const form = h('form', {class: 'form', novalidate: true}, summaryBox(),
    h('p', {}, `${user.display_name} (${user.email}) has the role ${user.role.name}. The change applies to their next request.`),
    role, h('div', {class: 'actions dialog-actions'}, submit, cancel));
  const {close, closed} = openDialog({title: `Role of ${user.display_name}`, content: form});
  cancel.addEventListener('click', () => close(null));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    busy(form, async () => {
      try {
        const {data} = await api.patch(`/users/${user.id}`, {role_id: Number(role.control.value)},
          {headers: {'If-Match': etagOf(user)}});
        close(data.role.name);
      } catch (err) {
        showErrors(form, staleUserError(err));
      }
    });
  });
  return closed;
}

/** Replaces the message of a 412 problem with one that explains what to do next. */
function staleUserError(err) {
  if (err.status === 412) {
    err.errors = [];
    err.message = 'Someone changed this staff member after the list was loaded. Close this dialog; '
      + 'the list shows the current state when you open the page again.';
  }
  return err;
}

async function setStatus(user, status, {onChanged, say}) {
  const deactivating = status === 'deactivated';
  const ok = await confirmDialog({
    title: deactivating ? `Deactivate ${user.display_name}?` : `Reactivate ${user.display_name}?`,
    message: deactivating
      ? 'Their sessions and API tokens end at once and they cannot sign in until reactivated.'
      : 'They can sign in again with their password. Someone who never set one is invited again.',
    confirmLabel: deactivating ? 'Deactivate' : 'Reactivate',
    danger: deactivating,
  });
  if (!ok) return;
  try {
    await api.patch(`/users/${user.id}`, {status}, {headers: {'If-Match': etagOf(user)}});
    say('success', deactivating ? `${user.display_name} is deactivated.` : `${user.display_name} is reactivated.`);
  } catch (err) {
    say('error', staleUserError(err).message);
  }
  onChanged();
}

async function issueLink(user, kind, say) {
  const reset = kind === 'password-reset';
  const ok = await confirmDialog({
    title: reset ? `Password reset for ${user.display_name}` : `New invitation for ${user.display_name}`,
    message: reset
      ? 'A link to choose a new password is created. Their sessions and tokens end when they use it.'
      : 'A new invitation link is created; the previous one stops working.',
    confirmLabel: 'Create link',
  });
  if (!ok) return;
  try {
    const {data} = await api.post(`/users/${user.id}/${kind}`);
    await secretDialog({
      title: reset ? 'Password-reset link' : 'Invitation link',
      intro: `Send ${user.display_name} this link. It works once.`,
      fieldLabel: reset ? 'Password-reset link' : 'Invitation link',
      secret: reset ? data.reset_url : data.invitation_url,
      expiresAt: data.expires_at,
    });
  } catch (err) {
    say('error', err.message);
  }
}
