// The modules of the sidebar. Each view file registers its module with the
// permission it needs; the sidebar shows only what the user may use.

const modules = [];

/** Adds a module: {path: '/customers', label: 'Customer Management', permission, order}. */
export function registerModule(module) {
  modules.push(module);
  modules.sort((a, b) => (a.order ?? 50) - (b.order ?? 50));
}

export function allModules() {
  return modules.slice();
}
