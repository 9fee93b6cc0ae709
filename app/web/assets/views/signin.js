// Sign-in, invitation acceptance and password reset: the pages before a session.

import {api, setCsrfToken} from '../lib/api.js';
import {h, mount} from '../lib/dom.js';
import {busy, field, showErrors, summaryBox, value} from '../lib/form.js';
import {go} from '../lib/router.js';
import {flash, takeFlash} from '../lib/notice.js';
import {loadSession} from '../lib/session.js';

function page(title, intro, form) {
  document.title = `${title} · Lendastack CRM`;
  return h('main', {id: 'main', class: 'auth-page'},
    h('div', {class: 'auth-card'},
      h('p', {class: 'brand'}, 'Lendastack CRM'),
      h('h1', {}, title),
      intro ? h('p', {class: 'intro'}, intro) : null,
      form));
}

/** The sign-in page; after success goes to the page the user wanted. */
export function signInView(root, params, query) {
  const email = field({name: 'email', label: 'Email', type: 'email', required: true, autocomplete: 'username'});
  const password = field({name: 'password', label: 'Password', type: 'password', required: true,
    autocomplete: 'current-password'});
  const form = h('form', {class: 'form', novalidate: true},
    summaryBox(), email, password,
    h('div', {class: 'actions'}, h('button', {type: 'submit', class: 'primary'}, 'Sign in')));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    busy(form, async () => {
      try {
        const {data} = await api.post('/auth/login',
          {email: value(email.control) || '', password: password.control.value}, {quiet: true});
        setCsrfToken(data.csrf_token);
        await loadSession();
        go(query.next || '/');
      } catch (err) {
        showErrors(form, err);
        password.control.value = '';
      }
    });
  });
  mount(root, page('Sign in', 'Use the email and password of your staff account.', form));
  const note = takeFlash();
  if (note) form.before(note);
  email.control.focus();
}

function passwordPage(root, query, {title, intro, endpoint, withName}) {
  const name = withName ? field({name: 'display_name', label: 'Your name', required: true, autocomplete: 'name'}) : null;
  const password = field({name: 'password', label: 'New password', type: 'password', required: true,
    autocomplete: 'new-password', help: 'At least 10 characters.'});
  const form = h('form', {class: 'form', novalidate: true},
    summaryBox(), name, password,
    h('div', {class: 'actions'}, h('button', {type: 'submit', class: 'primary'}, 'Continue')));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    busy(form, async () => {
      const body = {token: query.token || '', password: password.control.value};
      if (name) body.display_name = value(name.control) || '';
      try {
        const {data} = await api.post(endpoint, body, {quiet: true});
        if (data && data.csrf_token) {
          // Accepting an invitation signs in.
          setCsrfToken(data.csrf_token);
          await loadSession();
          go('/');
        } else {
          flash('Your new password is set. Sign in with it.');
          go('/sign-in');
        }
      } catch (err) {
        // The user cannot correct the token, so only the summary shows, with what to do next.
        if (err.status === 410) err.errors = [];
        showErrors(form, err);
      }
    });
  });
  mount(root, page(title, intro, form));
  (name || password).control.focus();
}

/** The page an invitation link opens: choose a name and password, then sign in. */
export function acceptInvitationView(root, params, query) {
  passwordPage(root, query, {
    title: 'Join your team', intro: 'Set your name and a password to finish your account.',
    endpoint: '/invitations/accept', withName: true,
  });
}

/** The page a password-reset link opens. */
export function resetPasswordView(root, params, query) {
  passwordPage(root, query, {
    title: 'Choose a new password', intro: 'Your other sessions end when you save it.',
    endpoint: '/password-reset/complete', withName: false,
  });
}
