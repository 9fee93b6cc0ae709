// The start page after sign-in: counts of customers and prospects, and the
// modules the user's role opens.

import {api} from '../lib/api.js';
import {h, mount} from '../lib/dom.js';
import {allModules} from '../lib/modules.js';
import {can, session} from '../lib/session.js';
import {pageHeader} from './layout.js';

const COUNTS = [
  {permission: 'customers.view', path: '/customers', label: 'Customers', query: ''},
  {permission: 'customers.view', path: '/customers', label: 'Active customers', query: '?status=active'},
  {permission: 'prospects.view', path: '/prospects', label: 'Open prospects', query: '?status=open'},
  {permission: 'prospects.view', path: '/prospects', label: 'Qualified prospects', query: '?status=qualified'},
];

export function homeView(main) {
  const me = session();
  const modules = allModules().filter((m) => m.path !== '/' && (!m.permission || can(m.permission)));
  const counts = COUNTS.filter((c) => can(c.permission));
  const stats = counts.map((c) => {
    const number = h('span', {class: 'value'}, '…');
    const tile = h('li', {class: 'stat'},
      h('a', {href: `#${c.path}${c.query}`}, number, h('span', {class: 'name'}, c.label)));
    api.get(`${c.path}/count${c.query}`)
      .then(({data}) => {
        number.textContent = new Intl.NumberFormat().format(data.count);
      })
      .catch(() => {
        number.textContent = '—';
        number.title = 'The count could not be loaded.';
      });
    return tile;
  });
  mount(main,
    pageHeader(`Welcome, ${me.user.display_name}`),
    h('p', {}, `You are signed in to ${me.tenant.name} as ${me.user.role.name}.`),
    stats.length ? [h('h2', {}, 'At a glance'), h('ul', {class: 'stat-grid'}, stats)] : null,
    h('h2', {}, 'Modules'),
    modules.length
      ? h('ul', {class: 'tiles'}, modules.map((m) => h('li', {}, h('a', {href: `#${m.path}`}, m.label))))
      : h('p', {class: 'empty'}, 'Your role gives access to no module yet. Ask an administrator.'));
}
