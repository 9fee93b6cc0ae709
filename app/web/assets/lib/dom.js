// Building DOM nodes. Every piece of data is inserted as text (textContent or
// attribute values), never parsed as HTML, so stored script payloads stay inert.

/**
 * Creates an element: h('a', {href: '#/x', class: 'link'}, 'text', child).
 * Attributes starting with "on" take listeners; `hidden`, `disabled` and the
 * like take booleans; children may be strings, numbers, nodes, arrays or null.
 */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on') && typeof value === 'function') {
      el.addEventListener(name.slice(2).toLowerCase(), value);
    } else if (name === 'dataset') {
      Object.assign(el.dataset, value);
    } else if (value === true) {
      el.setAttribute(name, '');
    } else {
      el.setAttribute(name, String(value));
    }
  }
  append(el, children);
  return el;
}

/** Creates an SVG element with attributes and children. */
export function svg(tag, attrs = {}, ...children) {
  const el = document.createElementNS('http://www.w3.org/2000/svg', tag);
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value !== undefined && value !== null) el.setAttribute(name, String(value));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** Replaces every child of el. */
export function mount(el, ...children) {
  el.replaceChildren();
  append(el, children);
}

/** Returns a paragraph for an empty list or section. */
export function empty(text) {
  return h('p', {class: 'empty'}, text);
}

/** Returns the standard loading line. */
export function loading(text = 'Loading…') {
  return h('p', {class: 'loading', role: 'status'}, text);
}
