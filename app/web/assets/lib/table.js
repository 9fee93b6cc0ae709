// Data tables. Below 48rem the stylesheet shows each row as a card, and each
// cell shows its column name from data-label, so no table scrolls sideways on
// a phone.

import {h} from './dom.js';

/**
 * Creates a table in its wrapper. columns: the header texts; rows: one array
 * of cells (strings, nodes or arrays) per row, whose first cell names the row
 * (a row header). rowClass, when given, returns a class for each row's index.
 */
export function dataTable({caption, columns, rows, className = '', rowClass}) {
  return h('div', {class: 'table-wrap cards'},
    h('table', {class: className || null},
      caption ? h('caption', {class: 'visually-hidden'}, caption) : null,
      h('thead', {}, h('tr', {}, columns.map((c) => h('th', {scope: 'col'}, c)))),
      h('tbody', {}, rows.map((cells, r) => h('tr', {class: rowClass ? rowClass(r) : null},
        cells.map((cell, i) => h(i === 0 ? 'th' : 'td',
          {scope: i === 0 ? 'row' : null, 'data-label': columns[i]}, cell)))))));
}
