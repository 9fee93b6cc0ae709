// Views of an import after a check or a run: its counts, its per-row report
// a page at a time, its progress while a job runner imports it, and "Undo
// import". Also the list of past imports and the page of one import.

import {api, query} from '../../lib/api.js';
import {confirmDialog} from '../../lib/dialog.js';
import {h, loading, mount} from '../../lib/dom.js';
import {count, dateTime, label} from '../../lib/format.js';
import {notice} from '../../lib/notice.js';
import {link} from '../../lib/router.js';
import {can} from '../../lib/session.js';
import {dataTable} from '../../lib/table.js';
import {noAccess, pageHeader} from '../layout.js';
import {fieldLabel} from '../records/fields.js';

const REPORT_PAGE = 25;
const POLL_MS = 1000;

export const TARGETS = [
  ['person_customers', 'Person customers'],
  ['business_customers', 'Business customers'],
  ['prospects', 'Prospects'],
];

export function targetName(target) {
  const found = TARGETS.find(([t]) => t === target);
  return found ? found[1] : label(target);
}

const STATUS_TONES = {done: 'good', failed: 'bad', undone: '', queued: 'info', running: 'info'};

export function importStatusBadge(status) {
  return h('span', {class: `badge ${STATUS_TONES[status] || ''}`}, label(status));
}

// Names of the fields a column may go to, as the mapping parameter of POST /imports names them.
const MAPPING_FIELD_LABELS = {
  phone: 'Phone',
  'address.line': 'Address line',
  'address.city': 'City',
  'address.region': 'Region or state',
  'address.postal_code': 'Postal code',
  'address.country': 'Country',
  notes: 'Notes',
  tags: 'Tags',
};

/** Returns the label of a field that an import column goes to. */
export function mappingFieldLabel(name) {
  return MAPPING_FIELD_LABELS[name] || fieldLabel(name);
}

/** Returns the href of the record a report entry's match names. */
function matchHref(key) {
  return /^[A-Z]+-\d+$/.test(key) && key.startsWith('PRO') ? link('prospects', key) : link('customers', key);
}

/**
 * Creates the report of a check or an import: {row, column, field, rule,
 * message, matches} entries, 25 a page with Previous and Next. omitted counts
 * the entries the server did not keep.
 */
export function reportTable(entries, omitted = 0, caption = 'Report') {
  const wrapper = h('div', {class: 'import-report'});
  if (!entries.length) {
    mount(wrapper, h('p', {class: 'empty'}, 'Every row is fine: the report is empty.'));
    return wrapper;
  }
  let start = 0;
  const status = h('p', {class: 'result-count', role: 'status'});
  const slot = h('div', {});
  const previous = h('button', {type: 'button'}, '← Previous');
  const next = h('button', {type: 'button'}, 'Next →');
  const all = h('button', {type: 'button', class: 'link-button'}, `Show all ${count(entries.length)}`);
  let pageSize = REPORT_PAGE;

  function draw() {
    const shown = entries.slice(start, start + pageSize);
    status.textContent = `Entries ${count(start + 1)} to ${count(start + shown.length)} of ${count(entries.length)}`
      + (omitted ? `; ${count(omitted)} more were only counted.` : '.');
    slot.replaceChildren(dataTable({
      caption: `${caption}, entries ${start + 1} to ${start + shown.length}`,
      columns: ['Row', 'Column', 'Field', 'Rule', 'Message'],
      rows: shown.map((e) => [
        String(e.row),
        e.column || '—',
        e.field ? mappingFieldLabel(e.field) : '—',
        h('span', {class: 'badge'}, e.rule),
        [e.message, e.matches && e.matches.length
          ? h('span', {class: 'line'}, 'Matches: ', e.matches.map((key, i) => [i ? ', ' : '',
            h('a', {href: matchHref(key)}, key)]))
          : null],
      ]),
      className: 'report-table',
    }));
    previous.disabled = start === 0;
    next.disabled = start + pageSize >= entries.length;
    all.hidden = pageSize >= entries.length;
  }
  previous.addEventListener('click', () => {
    start = Math.max(0, start - pageSize);
    draw();
  });
  next.addEventListener('click', () => {
    start += pageSize;
    draw();
  });
  all.addEventListener('click', () => {
    start = 0;
    pageSize = entries.length;
    draw();
    status.setAttribute('tabindex', '-1');
    status.focus();
  });
  draw();
  const pagerNav = entries.length > REPORT_PAGE
    ? h('nav', {class: 'pager', 'aria-label': 'Report pages'}, previous, all, next) : null;
  mount(wrapper, status, slot, pagerNav);
  return wrapper;
}

/** Creates the counts of a finished import as a row of figures. */
function importCounts(imp) {
  const c = imp.counts || {};
  const figures = [['Created', c.created], ['Updated', c.updated], ['Duplicates', c.duplicates],
    ['Invalid', c.invalid]];
  return h('ul', {class: 'stat-grid small', 'aria-label': 'Counts'}, figures.map(([name, v]) =>
    h('li', {class: 'stat', dataset: {figure: name.toLowerCase()}},
      h('div', {class: 'stat-body'}, h('span', {class: 'value'}, count(v || 0)), h('span', {class: 'name'}, name)))));
}

/** Creates the progress bar of a queued or running import. */
function progressBar(imp) {
  const {rows_done: done = 0, rows_total: total = 0} = imp.progress || {};
  const id = `import-${imp.id}-progress`;
  return h('div', {class: 'import-progress'},
    h('label', {for: id}, imp.status === 'queued' ? 'Waiting for a job runner…' : 'Importing…'),
    h('progress', {id, max: Math.max(total, 1), value: done}),
    h('p', {class: 'muted', role: 'status'}, `${count(done)} of ${count(total)} rows done`));
}

/**
 * Creates the view of one import that follows it while it runs: the progress
 * bar, polled from GET /imports/{id}, then the counts, the report and "Undo
 * import". onChange(imp) is called when its status changes.
 */
export function importResult(start, {onChange} = {}) {
  const box = h('div', {class: 'import-result', dataset: {importId: start.id}});
  let timer = null;
  let lastStatus = start.status;

  async function poll() {
    timer = null;
    if (!box.isConnected) return;
    try {
      const {data} = await api.get(`/imports/${start.id}`);
      draw(data);
      if (onChange && data.status !== lastStatus) onChange(data);
      lastStatus = data.status;
    } catch (err) {
      const retry = h('button', {type: 'button'}, 'Try again');
      retry.addEventListener('click', poll);
      mount(box, h('p', {class: 'notice error', role: 'alert'}, `The import's progress could not be loaded: ${err.message} `,
        retry));
    }
  }

  /** Draws an import; undoRefused hides "Undo import" after the API refused it. */
  function draw(imp, message, undoRefused = false) {
    const running = imp.status === 'queued' || imp.status === 'running';
    const wrote = imp.counts && (imp.counts.created > 0 || imp.counts.updated > 0);
    const undo = !undoRefused && can('customers.import') && (imp.status === 'done' || imp.status === 'failed') && wrote
      ? undoButton(imp) : null;
    mount(box,
      h('p', {class: 'import-status'}, importStatusBadge(imp.status), ' ',
        `Import ${imp.id} of ${imp.file_name || 'a file'} as ${targetName(imp.target).toLowerCase()}`,
        imp.finished_at ? `, finished ${dateTime(imp.finished_at)}` : '',
        imp.undone_at ? `, undone ${dateTime(imp.undone_at)}${imp.undone_by ? ` by ${imp.undone_by.display_name}` : ''}`
          : ''),
      message,
      imp.failure ? h('p', {class: 'notice error'}, imp.failure) : null,
      running ? progressBar(imp) : importCounts(imp),
      undo ? h('p', {class: 'actions'}, undo) : null,
      running ? null : [h('h3', {}, 'Report'), reportTable(imp.report || [], imp.report_omitted || 0,
        `Report of import ${imp.id}`)]);
    if (running && !timer) timer = setTimeout(poll, POLL_MS);
  }

  function undoButton(imp) {
    const button = h('button', {type: 'button', class: 'danger'}, 'Undo import');
    button.addEventListener('click', async () => {
      const ok = await confirmDialog({
        title: `Undo import ${imp.id}?`,
        message: ['The records it created are removed and the records it updated get their earlier values back.',
          'This works only while none of them has changed since.'],
        confirmLabel: 'Undo import',
        danger: true,
      });
      if (!ok) return;
      button.disabled = true;
      try {
        const {data} = await api.post(`/imports/${imp.id}/undo`);
        draw(data, notice('success', `Import ${imp.id} is undone.`));
        if (onChange) onChange(data);
      } catch (err) {
        // A 409 means the API no longer allows the undo, so the button goes.
        draw(imp, notice('error', `The import could not be undone: ${err.message}`), err.status === 409);
      }
      const shown = box.querySelector('.notice');
      if (shown) {
        shown.setAttribute('tabindex', '-1');
        shown.focus();
      }
    });
    return button;
  }

  draw(start);
  return box;
}

/** Creates the list of past imports, newest first, with a "Show more" button. */
export function pastImports() {
  const items = [];
  const slot = h('div', {});
  const more = h('div', {class: 'history-more'});
  const section = h('section', {class: 'past-imports', 'aria-labelledby': 'past-imports-heading'},
    h('h2', {id: 'past-imports-heading'}, 'Past imports'), slot, more);

  async function load(cursor) {
    mount(more, loading('Loading past imports…'));
    try {
      const {data} = await api.get(`/imports${query({limit: 20, cursor})}`);
      items.push(...data.items);
      mount(slot, items.length ? dataTable({
        caption: 'Past imports, newest first',
        columns: ['Import', 'File', 'Holds', 'Status', 'Rows', 'Created / updated', 'Started'],
        rows: items.map((imp) => [
          h('a', {href: link('imports', imp.id)}, `Import ${imp.id}`),
          imp.file_name || '—',
          targetName(imp.target),
          importStatusBadge(imp.status),
          `${count(imp.progress.rows_done)} of ${count(imp.progress.rows_total)}`,
          `${count(imp.counts.created)} / ${count(imp.counts.updated)}`,
          `${dateTime(imp.created_at)}${imp.created_by ? ` by ${imp.created_by.display_name}` : ''}`,
        ]),
        className: 'imports-table',
      }) : h('p', {class: 'empty'}, 'No imports yet.'));
      if (data.next_cursor) {
        const button = h('button', {type: 'button'}, 'Show more imports');
        button.addEventListener('click', () => load(data.next_cursor));
        mount(more, button);
      } else mount(more);
    } catch (err) {
      mount(more, h('p', {class: 'notice error', role: 'alert'}, `The past imports could not be loaded: ${err.message}`));
    }
  }
  section.reload = () => {
    items.length = 0;
    return load('');
  };
  load('');
  return section;
}

/** Draws the page of one import, "#/imports/12". */
export async function importDetailsView(main, params) {
  if (!can('customers.import')) {
    noAccess(main, `Import ${params.id}`);
    return;
  }
  let imp;
  try {
    ({data: imp} = await api.get(`/imports/${encodeURIComponent(params.id)}`));
  } catch (err) {
    if (err.status !== 404 && err.status !== 400) throw err;
    mount(main, pageHeader(`Import ${params.id}`), h('p', {role: 'alert'}, err.message),
      h('p', {}, h('a', {href: '#/imports'}, 'Back to the imports')));
    return;
  }
  const mapping = (imp.mapping || []).filter((m) => m.field || m.note);
  mount(main,
    h('p', {class: 'breadcrumb'}, h('a', {href: '#/imports'}, '← Import')),
    pageHeader(`Import ${imp.id}`),
    importResult(imp),
    mapping.length ? [h('h3', {}, 'Columns'), dataTable({
      caption: `Columns of import ${imp.id}`,
      columns: ['Column', 'Field', 'Note'],
      rows: mapping.map((m) => [m.column, m.field ? mappingFieldLabel(m.field) : 'Not kept', m.note || '']),
      className: 'mapping-table',
    })] : null);
}
