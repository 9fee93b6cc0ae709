// Hash routes such as #/customers/CUS-000001?tab=cases. Each route maps a
// pattern to a view function that fills the main area.

const routes = [];
let fallback = null;

/** Adds a route: pattern like '/customers/:code', view(params, query). */
export function route(pattern, view) {
  const names = [];
  const source = pattern.replace(/:([a-z_]+)/g, (_, name) => {
    names.push(name);
    return '([^/]+)';
  });
  routes.push({regex: new RegExp(`^${source}$`), names, view});
}

/** Sets the view for paths no route matches. */
export function notFound(view) {
  fallback = view;
}

/** Returns the current path and query parameters of the hash. */
export function current() {
  const hash = location.hash.replace(/^#/, '') || '/';
  const [path, search = ''] = hash.split('?');
  return {path, query: Object.fromEntries(new URLSearchParams(search))};
}

/** Finds the view of the current hash; returns {view, params, query}. */
export function resolve() {
  const {path, query} = current();
  for (const r of routes) {
    const m = r.regex.exec(path);
    if (m) {
      const params = {};
      r.names.forEach((name, i) => {
        params[name] = decodeURIComponent(m[i + 1]);
      });
      return {view: r.view, params, query, path};
    }
  }
  return {view: fallback, params: {}, query, path};
}

/** Goes to a path such as '/customers'. */
export function go(path) {
  if (location.hash === `#${path}`) {
    window.dispatchEvent(new HashChangeEvent('hashchange'));
  } else {
    location.hash = path;
  }
}

/** Returns an href for a path with its segments encoded. */
export function link(...segments) {
  return `#/${segments.map((s) => encodeURIComponent(String(s))).join('/')}`;
}
