// The signed-in user, the role's permissions and the tenant's settings, as
// /api/v1/auth/me returns them.

import {api, setCsrfToken} from './api.js';

let me = null;
let loadedAt = 0;

/** Loads the current user; returns null when nobody is signed in. */
export async function loadSession() {
  try {
    const {data} = await api.get('/auth/me', {quiet: true});
    me = data;
    loadedAt = Date.now();
    setCsrfToken(data.csrf_token);
  } catch (err) {
    if (err.status !== 401) throw err;
    me = null;
    setCsrfToken(null);
  }
  return me;
}

export function session() {
  return me;
}

/** Returns the milliseconds since the session was loaded. */
export function sessionAge() {
  return Date.now() - loadedAt;
}

export function clearSession() {
  me = null;
  setCsrfToken(null);
}

/** True when the user's role grants the permission (for any scope). */
export function can(permission) {
  return Boolean(me && me.permissions.some((p) => p.name === permission));
}

/**
 * True when the permission covers a record with this owner: "all" covers every
 * record, "own" only the user's own. The API decides in the end; this keeps
 * the UI from offering what it would reject.
 */
export function canOn(permission, ownerId) {
  const grant = me && me.permissions.find((p) => p.name === permission);
  if (!grant) return false;
  return grant.scope === 'all' || ownerId === me.user.id;
}

/** The tenant's IANA time zone, for showing dates and times. */
export function timeZone() {
  return (me && me.tenant && me.tenant.time_zone) || 'UTC';
}

export function currency() {
  return (me && me.tenant && me.tenant.currency) || 'USD';
}
