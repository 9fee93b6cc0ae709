// The customer or prospect picker of the case form: a combobox (the WAI-ARIA
// combobox pattern with a list box) that searches customers and prospects by
// code, reference, name, email or phone as the user types. The arrow keys move
// through the matches, Enter picks one and Escape closes the list.

import {api, query} from '../../lib/api.js';
import {h} from '../../lib/dom.js';
import {can} from '../../lib/session.js';

const MATCHES_PER_KIND = 8;
const SEARCH_DELAY_MS = 250;
let nextId = 0;

/** Returns the API body member of a picked record: {customer: code} or {prospect: reference}. */
function keyOf(record) {
  return record.lifecycle === 'customer' ? {customer: record.code} : {prospect: record.reference};
}

function optionText(record) {
  const key = record.lifecycle === 'customer' ? record.code : record.reference;
  return `${key} · ${record.display_name} (${record.lifecycle})`;
}

/**
 * Creates the picker, labelled "Customer or prospect", optionally with a
 * record already chosen. The element has read(), which returns a promise of
 * the body member for the chosen record, resolving typed codes and references
 * too, or null when nothing is chosen or the text names no record.
 */
export function recordPicker({selected = null, required = true} = {}) {
  const id = `picker${++nextId}`;
  let chosen = selected;
  let matches = [];
  let active = -1;
  let timer = null;
  let searchNumber = 0;

  const input = h('input', {
    id: `${id}-input`, type: 'text', role: 'combobox', autocomplete: 'off', 'aria-autocomplete': 'list',
    'aria-expanded': 'false', 'aria-controls': `${id}-list`, required,
    'aria-describedby': `${id}-help ${id}-error`, maxlength: 200,
  });
  if (chosen) input.value = optionText(chosen);
  const list = h('ul', {role: 'listbox', id: `${id}-list`, class: 'picker-list', 'aria-label': 'Matching records',
    hidden: true});
  const status = h('p', {class: 'visually-hidden', role: 'status'});
  const wrapper = h('div', {class: 'field picker', dataset: {field: 'customer'}},
    h('label', {for: input.id}, 'Customer or prospect',
      required ? h('span', {class: 'required', 'aria-hidden': 'true'}, ' *') : null),
    h('div', {class: 'picker-box'}, input, list),
    h('p', {class: 'help', id: `${id}-help`}, 'Type a Customer Code, prospect reference or name, then pick a match.'),
    status,
    h('p', {class: 'field-error', id: `${id}-error`, hidden: true}));
  wrapper.control = input;

  function close() {
    list.hidden = true;
    input.setAttribute('aria-expanded', 'false');
    input.removeAttribute('aria-activedescendant');
    active = -1;
  }

  function highlight(index) {
    active = index;
    [...list.children].forEach((li, i) => li.setAttribute('aria-selected', String(i === index)));
    if (index >= 0 && list.children[index]) {
      input.setAttribute('aria-activedescendant', list.children[index].id);
      list.children[index].scrollIntoView({block: 'nearest'});
    } else {
      input.removeAttribute('aria-activedescendant');
    }
  }

  function pick(index) {
    chosen = matches[index];
    input.value = optionText(chosen);
    close();
    status.textContent = `Chosen: ${optionText(chosen)}.`;
  }

  function show() {
    list.replaceChildren(...matches.map((record, i) => {
      const option = h('li', {role: 'option', id: `${id}-option-${i}`, 'aria-selected': 'false'}, optionText(record));
      // pointerdown keeps the focus in the input, which a click would move away first.
      option.addEventListener('pointerdown', (event) => {
        event.preventDefault();
        pick(i);
      });
      return option;
    }));
    if (!matches.length) {
      list.replaceChildren(h('li', {class: 'picker-empty', role: 'presentation'}, 'No matching record.'));
    }
    list.hidden = false;
    input.setAttribute('aria-expanded', 'true');
    status.textContent = matches.length ? `${matches.length} matches. Use the arrow keys to choose.`
      : 'No matching record.';
    highlight(-1);
  }

  async function search(text) {
    const number = ++searchNumber;
    const requests = [];
    if (can('customers.view')) requests.push(api.get(`/customers${query({q: text, limit: MATCHES_PER_KIND})}`));
    if (can('prospects.view')) requests.push(api.get(`/prospects${query({q: text, limit: MATCHES_PER_KIND})}`));
    try {
      const pages = await Promise.all(requests);
      if (number !== searchNumber) return;
      matches = pages.flatMap((p) => p.data.items);
      show();
    } catch (err) {
      if (number !== searchNumber) return;
      matches = [];
      list.replaceChildren(h('li', {class: 'picker-empty', role: 'presentation'}, `Search failed: ${err.message}`));
      list.hidden = false;
    }
  }

  input.addEventListener('input', () => {
    chosen = null;
    clearTimeout(timer);
    const text = input.value.trim();
    if (text.length < 2) {
      close();
      return;
    }
    timer = setTimeout(() => search(text), SEARCH_DELAY_MS);
  });
  input.addEventListener('keydown', (event) => {
    const open = !list.hidden && matches.length > 0;
    if (event.key === 'ArrowDown' && open) {
      event.preventDefault();
      highlight((active + 1) % matches.length);
    } else if (event.key === 'ArrowUp' && open) {
      event.preventDefault();
      highlight((active - 1 + matches.length) % matches.length);
    } else if (event.key === 'Enter' && open && active >= 0) {
      event.preventDefault();
      pick(active);
    } else if (event.key === 'Escape' && !list.hidden) {
      event.preventDefault();
      close();
    }
  });
  input.addEventListener('blur', close);

  wrapper.read = async () => {
    if (chosen) return keyOf(chosen);
    const text = input.value.trim().split(/\s/)[0].toUpperCase();
    if (!text) return null;
    // A code or reference typed in full counts without picking it from the list.
    for (const [resource, permission] of [['customers', 'customers.view'], ['prospects', 'prospects.view']]) {
      if (!can(permission)) continue;
      try {
        const {data} = await api.get(`/${resource}/${encodeURIComponent(text)}`);
        return keyOf(data);
      } catch (err) {
        if (err.status !== 404 && err.status !== 400) throw err;
      }
    }
    return {unknown: text};
  };
  return wrapper;
}

/** Reads the record named by ?customer= or ?prospect=, or returns null. */
export async function prefilledRecord(queryParams) {
  const [resource, key] = queryParams.customer ? ['customers', queryParams.customer]
    : queryParams.prospect ? ['prospects', queryParams.prospect] : [null, null];
  if (!resource) return null;
  try {
    const {data} = await api.get(`/${resource}/${encodeURIComponent(key)}`);
    return data;
  } catch (err) {
    if (err.status === 404) return null;
    throw err;
  }
}
