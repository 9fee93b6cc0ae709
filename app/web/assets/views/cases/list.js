// The list of cases: search by number or subject, filters, sort and paging,
// all kept in the hash as the customer list keeps them.

import {api, query} from '../../lib/api.js';
import {empty, h, loading, mount} from '../../lib/dom.js';
import {field} from '../../lib/form.js';
import {dateTime, label} from '../../lib/format.js';
import {firstPage, hashFor, pager, pushState} from '../../lib/list.js';
import {can} from '../../lib/session.js';
import {dataTable} from '../../lib/table.js';
import {noAccess, pageHeader} from '../layout.js';
import {caseBadges, caseHref, caseSettings, PRIORITIES, recordOfCase, staffChoices, STATUSES, statusName}
  from './common.js';

const PAGE_SIZE = 25;
const FILTER_KEYS = ['q', 'status', 'priority', 'assignee', 'customer', 'category', 'overdue', 'created_from',
  'created_to', 'sort'];
const DEFAULT_SORT = '-created_at';
const SORTS = [
  [DEFAULT_SORT, 'Newest first'],
  ['created_at', 'Oldest first'],
  ['due_at', 'Due soonest'],
  ['-due_at', 'Due latest'],
  ['-updated_at', 'Recently changed'],
  ['number', 'Number ascending'],
  ['-number', 'Number descending'],
];

function stateOf(queryParams) {
  const state = {};
  for (const key of [...FILTER_KEYS, 'cursor', 'back']) state[key] = queryParams[key] || '';
  return state;
}

function hasFilters(state) {
  return FILTER_KEYS.some((key) => key !== 'sort' && state[key]);
}

/** Returns the API query of a list state. */
function apiParams(state) {
  const params = {};
  for (const key of FILTER_KEYS) params[key] = state[key];
  return {...params, cursor: state.cursor, limit: PAGE_SIZE};
}

export async function casesListView(main, params, queryParams) {
  if (!can('cases.view')) {
    noAccess(main, 'Cases');
    return;
  }
  let state = stateOf(queryParams);
  const results = h('div', {class: 'results'});
  const [staff, settings] = await Promise.all([staffChoices().catch(() => []), caseSettings().catch(() => null)]);
  const filters = filterForm(state, staff, settings ? settings.categories : [], (changes) => {
    state = firstPage({...state, ...changes});
    pushState('/cases', state);
    load();
  });
  mount(main,
    pageHeader('Cases', can('cases.create') ? h('a', {class: 'button primary', href: '#/cases/new'}, 'New case') : null),
    filters,
    results);

  async function load(focusAfter) {
    mount(results, loading('Loading cases…'));
    try {
      const {data} = await api.get(`/cases${query(apiParams(state))}`);
      draw(data, focusAfter);
    } catch (err) {
      const retry = h('button', {type: 'button'}, 'Try again');
      retry.addEventListener('click', () => load());
      mount(results, h('div', {class: 'notice error', role: 'alert'},
        h('p', {}, `The cases could not be loaded: ${err.message}`),
        h('p', {class: 'actions'}, retry, h('a', {href: '#/cases'}, 'Start again without filters'))));
    }
  }

  function draw(page, focusAfter) {
    if (!page.items.length) {
      mount(results, hasFilters(state)
        ? h('p', {class: 'empty', role: 'status'}, 'No cases match these filters. ',
          h('a', {href: '#/cases'}, 'Clear the filters'))
        : empty(can('cases.create') ? 'No cases yet. Log the first with "New case".' : 'No cases yet.'));
      return;
    }
    const nav = pager(state, page.next_cursor, (next, direction) => {
      state = next;
      pushState('/cases', state);
      load(direction);
    });
    const summary = h('p', {class: 'result-count', role: 'status', tabindex: '-1'},
      `${page.items.length} case${page.items.length === 1 ? '' : 's'} on this page`);
    mount(results, summary, caseTable(page.items), nav);
    if (focusAfter) {
      const button = [...nav.querySelectorAll('button')].find((b) => !b.disabled && b.textContent.includes(
        focusAfter === 'next' ? 'Next' : 'Previous'));
      (button || summary).focus();
    }
  }

  load();
}

/** Creates the table of cases, one card per case on phones. */
export function caseTable(items, {withRecord = true} = {}) {
  const columns = ['Case', 'Subject', ...(withRecord ? ['Customer'] : []), 'Status', 'Assignee', 'Due'];
  const rows = items.map((c) => {
    const record = recordOfCase(c);
    return [
      h('a', {href: caseHref(c.number), class: 'record-key'}, c.number),
      h('span', {class: 'case-subject'}, c.subject, c.category ? h('span', {class: 'muted line'}, c.category) : null),
      ...(withRecord ? [[h('a', {href: record.href}, record.key), h('span', {class: 'line'}, record.name)]] : []),
      caseBadges(c),
      c.assignee ? c.assignee.display_name : h('span', {class: 'muted'}, 'Unassigned'),
      h('span', {class: c.overdue ? 'overdue-time' : null}, dateTime(c.due_at)),
    ];
  });
  return dataTable({caption: `Cases, ${items.length} on this page`, columns, rows, className: 'cases',
    rowClass: (i) => (items[i].overdue ? 'overdue' : null)});
}

function filterForm(state, staff, categories, onChange) {
  const search = field({name: 'q', label: 'Search', type: 'search', value: state.q, help: 'Case number or subject'});
  const status = field({name: 'status', label: 'Status', type: 'select', value: state.status, blank: 'Any status',
    options: STATUSES.map((s) => [s, statusName(s)])});
  const priority = field({name: 'priority', label: 'Priority', type: 'select', value: state.priority,
    blank: 'Any priority', options: PRIORITIES.map((p) => [p, label(p)])});
  const assignee = field({name: 'assignee', label: 'Assignee', type: 'select', value: state.assignee, blank: 'Anyone',
    options: [['me', 'Me'], ...staff]});
  const customer = field({name: 'customer', label: 'Customer', value: state.customer, maxlength: 40,
    placeholder: 'CUS-000001', help: 'Customer Code or prospect reference'});
  const knownCategory = !state.category || categories.includes(state.category);
  const category = field({name: 'category', label: 'Category', type: 'select', value: state.category,
    blank: 'Any category', options: knownCategory ? categories : [state.category, ...categories]});
  const overdue = field({name: 'overdue', label: 'Due', type: 'select', value: state.overdue, blank: 'Any',
    options: [['true', 'Overdue'], ['false', 'Not overdue']]});
  const from = field({name: 'created_from', label: 'Created from', type: 'date', value: state.created_from});
  const to = field({name: 'created_to', label: 'Created until', type: 'date', value: state.created_to});
  const sort = field({name: 'sort', label: 'Sort by', type: 'select', value: state.sort || DEFAULT_SORT, blank: false,
    options: SORTS});
  const form = h('form', {class: 'filters', role: 'search', novalidate: true, 'aria-label': 'Search cases'},
    h('div', {class: 'filter-search'}, search, h('button', {type: 'submit', class: 'primary'}, 'Search')),
    h('details', {class: 'filter-more', open: !window.matchMedia('(max-width: 48rem)').matches || hasFilters(state)},
      h('summary', {}, 'Filters and sort'),
      h('div', {class: 'filter-fields'}, status, priority, assignee, customer, category, overdue, from, to, sort),
      h('p', {class: 'filter-clear'}, h('a', {href: hashFor('/cases', {})}, 'Clear filters'))));

  const read = () => ({
    q: search.control.value.trim(), status: status.control.value, priority: priority.control.value,
    assignee: assignee.control.value, customer: customer.control.value.trim().toUpperCase(),
    category: category.control.value, overdue: overdue.control.value,
    created_from: from.control.value, created_to: to.control.value,
    sort: sort.control.value === DEFAULT_SORT ? '' : sort.control.value,
  });
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    onChange(read());
  });
  // Choices and dates apply at once; text fields apply on Enter or "Search".
  for (const control of form.querySelectorAll('select, input[type=date]')) {
    control.addEventListener('change', () => onChange(read()));
  }
  form.querySelector('.filter-clear a').addEventListener('click', (event) => {
    event.preventDefault();
    for (const control of form.querySelectorAll('input, select')) control.value = '';
    sort.control.value = DEFAULT_SORT;
    onChange(read());
    search.control.focus();
  });
  return form;
}
