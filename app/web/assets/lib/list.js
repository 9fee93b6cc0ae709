// The state of a paged list (filters, sort and page) lives in the hash, so a
// link shows the same page and Back returns to the previous one. The API pages
// by keyset with opaque cursors, so to go back a page the hash also keeps the
// cursors of the earlier pages in `back`, where "." is the first page.

import {h} from './dom.js';

const FIRST_PAGE = '.';

/** Returns the hash for path with the non-empty values of state as its query. */
export function hashFor(path, state) {
  const q = new URLSearchParams();
  for (const [key, value] of Object.entries(state)) {
    if (value !== undefined && value !== null && value !== '') q.set(key, value);
  }
  const text = q.toString();
  return `#${path}${text ? `?${text}` : ''}`;
}

/**
 * Shows a new list state: adds a history entry without the hashchange event,
 * so the view updates itself in place and keeps the focus where it is. Back
 * fires hashchange and draws the earlier state.
 */
export function pushState(path, state) {
  const hash = hashFor(path, state);
  if (location.hash !== hash) history.pushState(null, '', hash);
}

/** Returns the cursors of the earlier pages from the `back` value. */
function trail(state) {
  return state.back ? state.back.split(',') : [];
}

/** Returns the 1-based number of the page that state shows. */
export function pageNumber(state) {
  return trail(state).length + 1;
}

/** Returns the state of the next page, whose cursor is next. */
export function nextPage(state, next) {
  return {...state, cursor: next, back: [...trail(state), state.cursor || FIRST_PAGE].join(',')};
}

/** Returns the state of the previous page. */
export function previousPage(state) {
  const earlier = trail(state);
  const cursor = earlier.pop();
  return {...state, cursor: cursor === FIRST_PAGE ? '' : cursor, back: earlier.join(',')};
}

/** Returns the state at the first page, for a change of filters or sort. */
export function firstPage(state) {
  return {...state, cursor: '', back: ''};
}

/**
 * Creates the pager: Previous and Next buttons and the page number. onMove
 * receives the new state.
 */
export function pager(state, nextCursor, onMove) {
  const page = pageNumber(state);
  const previous = h('button', {type: 'button', disabled: page === 1}, '← Previous');
  const next = h('button', {type: 'button', disabled: !nextCursor}, 'Next →');
  previous.addEventListener('click', () => onMove(previousPage(state), 'previous'));
  next.addEventListener('click', () => onMove(nextPage(state, nextCursor), 'next'));
  return h('nav', {class: 'pager', 'aria-label': 'Pages'},
    previous, h('span', {class: 'page-number'}, `Page ${page}`), next);
}
