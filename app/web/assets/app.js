// Starts the UI: checks the session, then shows the page the hash names.

import {onUnauthenticated} from './lib/api.js';
import {h, loading, mount} from './lib/dom.js';
import {registerModule} from './lib/modules.js';
import {takeFlash} from './lib/notice.js';
import {current, go, notFound, resolve, route} from './lib/router.js';
import {clearSession, loadSession, session, sessionAge} from './lib/session.js';
import {dashboardView} from './views/dashboard.js';
import {frame, pageHeader} from './views/layout.js';
import {acceptInvitationView, resetPasswordView, signInView} from './views/signin.js';
import './views/records/index.js';
import './views/cases/index.js';
import './views/deals/index.js';
import './views/timeline.js';
import './views/imports/index.js';
import './views/staff/index.js';
import './views/settings.js';

const root = document.getElementById('app');
const PUBLIC = new Set(['/sign-in', '/accept-invitation', '/reset-password']);
// A role change applies to the API at once. The UI loads the session again on
// the first page change after this long, so the sidebar and buttons follow it.
const SESSION_REFRESH_MS = 60 * 1000;

route('/sign-in', signInView);
route('/accept-invitation', acceptInvitationView);
route('/reset-password', resetPasswordView);
route('/', dashboardView);
registerModule({path: '/', label: 'Dashboard', order: 0});
notFound((main) => mount(main, pageHeader('Page not found'),
  h('p', {}, 'Nothing lives at this address. '), h('a', {href: '#/'}, 'Go to the start page')));

onUnauthenticated(() => {
  clearSession();
  const {path} = current();
  if (!PUBLIC.has(path)) go(`/sign-in?next=${encodeURIComponent(path)}`);
});

async function render() {
  const target = resolve();
  if (PUBLIC.has(target.path)) {
    target.view(root, target.params, target.query);
    return;
  }
  if (!session() || sessionAge() > SESSION_REFRESH_MS) {
    if (!session()) mount(root, loading());
    try {
      await loadSession();
    } catch (err) {
      mount(root, h('main', {id: 'main', class: 'auth-page'}, h('p', {role: 'alert'}, err.message)));
      return;
    }
    if (!session()) {
      go(`/sign-in?next=${encodeURIComponent(target.path)}`);
      return;
    }
  }
  const main = frame(root);
  mount(main, loading());
  try {
    await target.view(main, target.params, target.query);
  } catch (err) {
    mount(main, pageHeader('Something went wrong'), h('p', {role: 'alert'}, err.message));
  }
  // A view that went elsewhere leaves the pending notice to the page it went to.
  if (current().path === target.path) {
    const note = takeFlash();
    if (note) {
      const header = main.querySelector('.page-header');
      if (header) header.after(note);
      else main.prepend(note);
    }
  }
  if (main.isConnected) main.focus({preventScroll: true});
}

window.addEventListener('hashchange', render);
render();
