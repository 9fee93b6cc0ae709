// Notices that survive one page change, such as "Customer CUS-000042 created"
// shown on the page a form goes to after saving.

import {h} from './dom.js';

let pending = null;

/** Keeps a notice for the next page drawn; parts are strings or nodes. */
export function flash(...parts) {
  pending = parts;
}

/** Returns the pending notice as an element and clears it, or null when there is none. */
export function takeFlash() {
  if (!pending) return null;
  const parts = pending;
  pending = null;
  return notice('success', parts);
}

/**
 * Creates a notice box for the outcome of an action, which screen readers
 * announce. kind is "success", "info", "warning" or "error" (role="alert").
 */
export function notice(kind, ...parts) {
  const role = kind === 'error' ? 'alert' : 'status';
  return h('div', {class: `notice ${kind}`, role}, parts);
}

/** Creates a notice box that is part of the page, such as "This role is read-only", and is not announced. */
export function pageNotice(kind, ...parts) {
  return h('div', {class: `notice ${kind}`}, parts);
}
