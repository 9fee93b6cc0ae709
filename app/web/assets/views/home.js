// The start page after sign-in: who is signed in and where to go.

import {h, mount} from '../lib/dom.js';
import {allModules} from '../lib/modules.js';
import {can, session} from '../lib/session.js';
import {pageHeader} from './layout.js';

export function homeView(main) {
  const me = session();
  const modules = allModules().filter((m) => m.path !== '/' && (!m.permission || can(m.permission)));
  mount(main,
    pageHeader(`Welcome, ${me.user.display_name}`),
    h('p', {}, `You are signed in to ${me.tenant.name} as ${me.user.role.name}.`),
    modules.length
      ? h('ul', {class: 'tiles'}, modules.map((m) => h('li', {}, h('a', {href: `#${m.path}`}, m.label))))
      : h('p', {class: 'empty'}, 'Your role gives access to no module yet. Ask an administrator.'));
}
