// The list of customers or prospects: search, filters, sort and paging, with
// an "Add New" menu and an action menu on each row.

import {api, query} from '../../lib/api.js';
import {empty, h, loading, mount} from '../../lib/dom.js';
import {field} from '../../lib/form.js';
import {label} from '../../lib/format.js';
import {firstPage, hashFor, pager, pushState} from '../../lib/list.js';
import {menuButton} from '../../lib/menu.js';
import {dataTable} from '../../lib/table.js';
import {can, canOn} from '../../lib/session.js';
import {noAccess, pageHeader} from '../layout.js';
import {kindLabel, recordHref, resourceOf, statusBadge} from './resource.js';

const PAGE_SIZE = 25;
const FILTER_KEYS = ['q', 'kind', 'status', 'owner', 'tag', 'sort', 'archived'];

const DEFAULT_SORT = '-created_at';
const SORTS = [
  [DEFAULT_SORT, 'Newest first'],
  ['created_at', 'Oldest first'],
  ['-updated_at', 'Recently changed'],
  ['name', 'Name A–Z'],
  ['-name', 'Name Z–A'],
];

/** Returns the "Add New" menu with Person and Business entries, or null without the permission. */
export function addNewMenu(resource) {
  if (!can(resource.permissions.create)) return null;
  const noun = label(resource.noun);
  return menuButton({
    label: 'Add New',
    className: 'primary',
    items: [
      {label: `Person ${noun}`, href: `#${resource.path}/new?kind=person`},
      {label: `Business ${noun}`, href: `#${resource.path}/new?kind=business`},
    ],
  });
}

/** Returns the list state from the hash query, with only the keys the list uses. */
function stateOf(queryParams) {
  const state = {};
  for (const key of [...FILTER_KEYS, 'cursor', 'back']) state[key] = queryParams[key] || '';
  return state;
}

/** Returns the API query of a state: the filters, and for the list also sort, cursor and limit. */
function apiParams(state, forList) {
  const params = {q: state.q, kind: state.kind, status: state.status, owner: state.owner, tag: state.tag};
  if (state.archived === 'only') params.archived = 'true';
  if (state.archived === 'all') params.include_archived = 'true';
  if (forList) Object.assign(params, {sort: state.sort, cursor: state.cursor, limit: PAGE_SIZE});
  return params;
}

/** Returns the address of the CSV export of the records a list state shows, all pages of them. */
function exportHref(resource, state) {
  return `/api/v1${resource.path}/export.csv${query(apiParams(state, false))}`;
}

function hasFilters(state) {
  return FILTER_KEYS.some((key) => key !== 'sort' && state[key]);
}

/** Returns the view function of a resource's list. */
export function listView(resource) {
  return async (main, params, queryParams) => {
    if (!can(resource.permissions.view)) {
      noAccess(main, resource.title);
      return;
    }
    let state = stateOf(queryParams);
    const results = h('div', {class: 'results'});
    // The export takes the list's filters and returns every page of it.
    const exportLink = can('customers.export')
      ? h('a', {class: 'button', href: exportHref(resource, state), download: `${resource.nounPlural}.csv`},
        'Export CSV')
      : null;
    const filters = filterForm(resource, state, (changes) => {
      state = firstPage({...state, ...changes});
      pushState(resource.path, state);
      if (exportLink) exportLink.href = exportHref(resource, state);
      load();
    });
    mount(main,
      pageHeader(resource.title, exportLink, addNewMenu(resource)),
      filters,
      results);

    async function load(focusAfter) {
      mount(results, loading(`Loading ${resource.nounPlural}…`));
      try {
        const [page, count] = await Promise.all([
          api.get(`${resource.path}${query(apiParams(state, true))}`),
          api.get(`${resource.path}/count${query(apiParams(state, false))}`),
        ]);
        drawResults(page.data, count.data.count, focusAfter);
      } catch (err) {
        drawError(err);
      }
    }

    function drawResults(page, count, focusAfter) {
      const noun = count === 1 ? resource.noun : resource.nounPlural;
      const summary = h('p', {class: 'result-count', role: 'status'}, `${count} ${noun}`);
      if (!page.items.length) {
        mount(results, summary, hasFilters(state)
          ? h('p', {class: 'empty'}, `No ${resource.nounPlural} match these filters. `,
            h('a', {href: `#${resource.path}`}, 'Clear the filters'))
          : empty(can(resource.permissions.create)
            ? `No ${resource.nounPlural} yet. Add the first with "Add New".`
            : `No ${resource.nounPlural} yet.`));
        return;
      }
      const nav = pager(state, page.next_cursor, (next, direction) => {
        state = next;
        pushState(resource.path, state);
        load(direction);
      });
      mount(results, summary, recordTable(resource, page.items), nav);
      if (focusAfter) {
        const button = [...nav.querySelectorAll('button')].find((b) => !b.disabled && b.textContent.includes(
          focusAfter === 'next' ? 'Next' : 'Previous'));
        (button || summary).focus();
      }
    }

    function drawError(err) {
      const retry = h('button', {type: 'button'}, 'Try again');
      retry.addEventListener('click', () => load());
      mount(results, h('div', {class: 'notice error', role: 'alert'},
        h('p', {}, `The ${resource.nounPlural} could not be loaded: ${err.message}`),
        h('p', {class: 'actions'}, retry, h('a', {href: `#${resource.path}`}, 'Start again without filters'))));
    }

    load();
  };
}

/** Creates the search and filter form. onChange receives the form's values when one changes. */
function filterForm(resource, state, onChange) {
  const search = field({name: 'q', label: 'Search', type: 'search', value: state.q,
    help: 'Code, name, email or phone number'});
  const kind = field({name: 'kind', label: 'Customer Type', type: 'select', value: state.kind, blank: 'All types',
    options: [['person', 'Person'], ['business', 'Business']]});
  const status = field({name: 'status', label: 'Status', type: 'select', value: state.status, blank: 'Any status',
    options: resource.filterStatuses.map((s) => [s, label(s)])});
  const owner = field({name: 'owner', label: 'Owner', type: 'select', value: state.owner, blank: 'Anyone',
    options: [['me', 'Me']]});
  const tag = field({name: 'tag', label: 'Tag', value: state.tag, maxlength: 40});
  const sort = field({name: 'sort', label: 'Sort by', type: 'select', value: state.sort || DEFAULT_SORT, blank: false,
    options: [...SORTS, ['code', `${resource.keyLabel} ascending`], ['-code', `${resource.keyLabel} descending`]]});
  const archived = can('customers.archive')
    ? field({name: 'archived', label: 'Archived records', type: 'select', value: state.archived, blank: 'Hidden',
      options: [['all', 'Shown too'], ['only', 'Only archived']]})
    : null;
  const form = h('form', {class: 'filters', role: 'search', novalidate: true,
    'aria-label': `Search ${resource.nounPlural}`},
    h('div', {class: 'filter-search'}, search,
      h('button', {type: 'submit', class: 'primary'}, 'Search')),
    // On phones the filters start folded unless one is set.
    h('details', {class: 'filter-more', open: !window.matchMedia('(max-width: 48rem)').matches || hasFilters(state)},
      h('summary', {}, 'Filters and sort'),
      h('div', {class: 'filter-fields'}, kind, status, owner, tag, sort, archived),
      h('p', {class: 'filter-clear'}, h('a', {href: hashFor(resource.path, {})}, 'Clear filters'))));

  const read = () => ({
    q: search.control.value.trim(), kind: kind.control.value, status: status.control.value,
    owner: owner.control.value, tag: tag.control.value.trim(),
    sort: sort.control.value === DEFAULT_SORT ? '' : sort.control.value,
    archived: archived ? archived.control.value : '',
  });
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    onChange(read());
  });
  // Choices apply at once; text fields apply on Enter or "Search".
  for (const select of form.querySelectorAll('select')) {
    select.addEventListener('change', () => onChange(read()));
  }
  form.querySelector('.filter-clear a').addEventListener('click', (event) => {
    event.preventDefault();
    form.reset();
    for (const control of form.querySelectorAll('input, select')) control.value = '';
    sort.control.value = DEFAULT_SORT;
    onChange(read());
    search.control.focus();
  });
  return form;
}

/** Returns the contact shown in the list: the email and first phone number, or else the website. */
function contactOf(record) {
  const phone = record.phones && record.phones[0];
  const lines = [];
  if (record.email) lines.push(h('span', {class: 'contact-email'}, record.email));
  if (phone) lines.push(h('span', {class: 'contact-phone'}, phone.number));
  if (!lines.length && record.website) lines.push(h('span', {}, record.website));
  return lines.length ? lines : h('span', {class: 'muted'}, '—');
}

function badge(status) {
  const {tone, text} = statusBadge(status);
  return h('span', {class: `badge ${tone}`}, text);
}

/** Creates the table of records, one card per record on phones. */
function recordTable(resource, items) {
  const prospect = resource.lifecycle === 'prospect';
  const columns = [resource.keyLabel, 'Name', 'Customer Type', 'Email / Contact',
    ...(prospect ? ['Lead Stage', 'Source', 'Lead Owner'] : []), 'Status', 'Actions'];
  const rows = items.map((record) => {
    const own = resourceOf(record);
    const key = record[resource.key];
    const href = recordHref(record);
    const name = record.archived_at
      ? [record.display_name, ' ', h('span', {class: 'badge'}, 'Archived')]
      : record.display_name;
    const status = prospect && record.lifecycle === 'customer'
      ? [badge('converted'), ' ', h('a', {href}, record.code)]
      : badge(record.status);
    return [
      h('a', {href, class: 'record-key'}, key),
      h('span', {class: 'record-name'}, name),
      kindLabel(record.kind),
      contactOf(record),
      ...(prospect ? [record.lead_stage || '—', record.source || '—', leadOwner(record)] : []),
      status,
      menuButton({
        label: 'Actions',
        name: `Actions for ${key}`,
        items: [
          {label: 'View Details', href},
          canOn(own.permissions.update, record.owner && record.owner.id) && !record.archived_at
            ? {label: 'Edit Information', href: `${href}/edit`} : null,
        ],
      }),
    ];
  });
  return dataTable({
    caption: `${label(resource.nounPlural)}, ${items.length} on this page`,
    columns, rows, className: 'records',
  });
}

/** Returns the lead owner of a prospect: the name typed on create, or else the owning user. */
export function leadOwner(record) {
  return record.lead_owner_name || (record.owner && record.owner.display_name) || '—';
}
