// Pieces the staff pages share: their sub-navigation, the roles a user may
// choose from, and the dialog that shows a one-time link or token to copy.

import {api} from '../../lib/api.js';
import {openDialog} from '../../lib/dialog.js';
import {h} from '../../lib/dom.js';
import {dateTime} from '../../lib/format.js';
import {current} from '../../lib/router.js';
import {can} from '../../lib/session.js';

/** Creates the links between the staff pages, with the current one marked. */
export function staffNav() {
  const path = current().path;
  const pages = [
    ['/staff', 'Staff members'],
    can('roles.manage') ? ['/staff/roles', 'Roles'] : null,
    ['/staff/tokens', 'API tokens'],
  ].filter(Boolean);
  return h('nav', {class: 'subnav', 'aria-label': 'Staff pages'}, h('ul', {},
    pages.map(([href, text]) => {
      const active = href === '/staff' ? path === '/staff' : path.startsWith(href);
      return h('li', {}, h('a', {href: `#${href}`, 'aria-current': active ? 'page' : null}, text));
    })));
}

/**
 * Returns the roles to offer in role selects as [id, name] pairs. GET /roles
 * needs roles.manage, so without it the choices are the roles that listed staff
 * members hold.
 */
export async function roleChoices() {
  if (can('roles.manage')) {
    const {data} = await api.get('/roles');
    return data.items.map((r) => [String(r.id), r.name]);
  }
  const {data} = await api.get('/users?limit=200');
  const seen = new Map();
  for (const user of data.items) seen.set(String(user.role.id), user.role.name);
  return [...seen.entries()].sort((a, b) => a[1].localeCompare(b[1]));
}

/**
 * Shows a secret (an invitation or reset link, an API token) in a read-only
 * field with a Copy button. Resolves when the dialog closes.
 */
export function secretDialog({title, intro, fieldLabel, secret, expiresAt, warning}) {
  const input = h('input', {type: 'text', readonly: true, id: 'secret-value', class: 'secret', spellcheck: 'false'});
  input.value = secret;
  const copy = h('button', {type: 'button', class: 'primary'}, 'Copy');
  const status = h('p', {class: 'copy-status', role: 'status'});
  const done = h('button', {type: 'button'}, 'Done');
  copy.addEventListener('click', async () => {
    input.select();
    try {
      await navigator.clipboard.writeText(secret);
      status.textContent = 'Copied.';
    } catch {
      status.textContent = 'Select the text and copy it with your keyboard.';
    }
  });
  const {close, closed} = openDialog({
    title,
    content: [
      h('p', {}, intro),
      h('div', {class: 'field'}, h('label', {for: 'secret-value'}, fieldLabel),
        h('div', {class: 'secret-row'}, input, copy)),
      status,
      expiresAt ? h('p', {class: 'help'}, `Valid until ${dateTime(expiresAt)}.`) : null,
      warning ? h('p', {class: 'notice warning'}, warning) : null,
      h('div', {class: 'actions dialog-actions'}, done),
    ],
  });
  done.addEventListener('click', () => close());
  input.focus();
  input.select();
  return closed;
}
