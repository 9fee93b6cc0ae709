// The frame around every signed-in page: header, sidebar of modules, main area.

import {api} from '../lib/api.js';
import {h, mount} from '../lib/dom.js';
import {allModules} from '../lib/modules.js';
import {current, go} from '../lib/router.js';
import {can, clearSession, session} from '../lib/session.js';

/** Draws the frame and returns the main element for the view to fill. */
export function frame(root) {
  const me = session();
  const path = current().path;
  const visible = allModules().filter((m) => !m.permission || can(m.permission));
  const nav = h('nav', {class: 'sidebar', id: 'sidebar', 'aria-label': 'Modules'},
    h('ul', {},
      visible.map((m) => {
        const active = path === m.path || path.startsWith(`${m.path}/`);
        return h('li', {}, h('a', {href: `#${m.path}`, 'aria-current': active ? 'page' : null}, m.label));
      })));
  const menuButton = h('button', {type: 'button', class: 'menu-toggle', 'aria-controls': 'sidebar',
    'aria-expanded': 'false'}, 'Menu');
  menuButton.addEventListener('click', () => {
    const open = nav.classList.toggle('open');
    menuButton.setAttribute('aria-expanded', String(open));
  });
  const signOut = h('button', {type: 'button', class: 'link-button'}, 'Sign out');
  signOut.addEventListener('click', async () => {
    try {
      await api.post('/auth/logout');
    } finally {
      clearSession();
      go('/sign-in');
    }
  });
  const main = h('main', {id: 'main', class: 'content', tabindex: '-1'});
  mount(root,
    h('header', {class: 'topbar'},
      menuButton,
      h('a', {class: 'brand', href: '#/'}, me.tenant.name),
      h('div', {class: 'user'},
        h('span', {class: 'user-name'}, me.user.display_name),
        h('span', {class: 'user-role'}, me.user.role.name),
        signOut)),
    h('div', {class: 'shell'}, nav, main));
  return main;
}

/** A page heading with optional actions at the right. */
export function pageHeader(title, ...actions) {
  document.title = `${title} · Lendastack CRM`;
  return h('div', {class: 'page-header'}, h('h1', {}, title), h('div', {class: 'page-actions'}, actions));
}

/** Fills main with a page saying the user's role does not allow this page. */
export function noAccess(main, title) {
  mount(main, pageHeader(title),
    h('p', {role: 'alert'}, 'Your role does not give access to this page. Ask an administrator if you need it.'),
    h('p', {}, h('a', {href: '#/'}, 'Go to the start page')));
}
