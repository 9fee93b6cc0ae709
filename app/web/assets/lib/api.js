// The JSON API client. Changes carry the session's CSRF token; failures become
// ApiError objects that keep the problem document, so forms can show each field
// error next to its field.

let csrfToken = null;

/** Remembers the CSRF token of the session (from sign-in or /auth/me). */
export function setCsrfToken(token) {
  csrfToken = token || null;
}

/** A failed request: status, code and the RFC 9457 problem document. */
export class ApiError extends Error {
  constructor(status, problem) {
    super((problem && (problem.detail || problem.title)) || `Request failed with status ${status}`);
    this.status = status;
    this.problem = problem || {};
    this.code = this.problem.code || 'error';
    this.errors = Array.isArray(this.problem.errors) ? this.problem.errors : [];
  }
}

const listeners = {unauthenticated: []};

/** Calls fn when any request answers 401, for example to show the sign-in page. */
export function onUnauthenticated(fn) {
  listeners.unauthenticated.push(fn);
}

/**
 * Sends a request to /api/v1 + path. body is sent as JSON unless it is a string
 * with options.contentType. Returns {status, data, headers}; throws ApiError.
 */
export async function request(method, path, body, options = {}) {
  const headers = {Accept: 'application/json', ...(options.headers || {})};
  const init = {method, headers, credentials: 'same-origin'};
  if (body !== undefined && body !== null) {
    if (typeof body === 'string' && options.contentType) {
      headers['Content-Type'] = options.contentType;
      init.body = body;
    } else {
      headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(body);
    }
  }
  if (method !== 'GET' && method !== 'HEAD' && csrfToken) headers['X-CSRF-Token'] = csrfToken;

  let response;
  try {
    response = await fetch(`/api/v1${path}`, init);
  } catch (err) {
    throw new ApiError(0, {title: 'No connection', detail: 'The server cannot be reached. Check your connection and try again.'});
  }
  const type = response.headers.get('Content-Type') || '';
  let data = null;
  if (type.includes('json')) {
    data = await response.json().catch(() => null);
  } else if (response.status !== 204) {
    data = await response.text();
  }
  if (!response.ok) {
    if (response.status === 401 && !options.quiet) listeners.unauthenticated.forEach((fn) => fn());
    throw new ApiError(response.status, data && typeof data === 'object' ? data : null);
  }
  return {status: response.status, data, headers: response.headers};
}

export const api = {
  get: (path, options) => request('GET', path, null, options),
  post: (path, body, options) => request('POST', path, body ?? {}, options),
  patch: (path, body, options) => request('PATCH', path, body, options),
  del: (path, options) => request('DELETE', path, null, options),
};

/** Builds a query string from an object, leaving out empty values. */
export function query(params) {
  const q = new URLSearchParams();
  for (const [key, value] of Object.entries(params || {})) {
    if (value !== undefined && value !== null && value !== '') q.set(key, value);
  }
  const text = q.toString();
  return text ? `?${text}` : '';
}

/** Returns a new random Idempotency-Key for a create, kept while the form is retried. */
export function idempotencyKey() {
  if (crypto.randomUUID) return crypto.randomUUID();
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, '0')).join('');
}
