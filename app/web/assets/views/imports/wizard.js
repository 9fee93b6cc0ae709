// The Import page. The user chooses a CSV file and what it contains, and a
// dry run shows the detected mapping, the unmapped columns and the per-row
// report. The user changes the mapping where needed, chooses what happens to
// invalid rows and duplicates, then imports. The browser reads the file and
// sends it as text/csv. A file of up to 500 rows is imported within the
// request, and a larger one is queued while the page follows its progress.

import {query, request} from '../../lib/api.js';
import {h, mount} from '../../lib/dom.js';
import {count} from '../../lib/format.js';
import {notice} from '../../lib/notice.js';
import {can} from '../../lib/session.js';
import {dataTable} from '../../lib/table.js';
import {noAccess, pageHeader} from '../layout.js';
import {importResult, mappingFieldLabel, pastImports, reportTable, TARGETS} from './report.js';

const PERSON_FIELDS = ['first_name', 'middle_name', 'last_name', 'title', 'gender', 'date_of_birth', 'occupation',
  'employer'];
const BUSINESS_FIELDS = ['legal_name', 'trading_name', 'registration_number', 'industry', 'website',
  'date_of_incorporation', 'number_of_employees'];
const COMMON_FIELDS = ['email', 'phone', 'address.line', 'address.city', 'address.region', 'address.postal_code',
  'address.country', 'notes', 'source', 'status', 'tags', 'external_ref'];
const PROSPECT_FIELDS = ['lead_stage', 'lead_owner_name'];
// The server takes files up to LENDASTACK_MAX_IMPORT_BYTES (32 MiB by default) and names a larger one in its error.
const NOT_KEPT = '';
// The choice that sends no mapping for a column, so the server matches it by its header.
const AS_DETECTED = '*';

/** Returns the fields a column may go to for a target, in the order the select shows them. */
function fieldsFor(target) {
  if (target === 'person_customers') return [...PERSON_FIELDS, ...COMMON_FIELDS];
  if (target === 'business_customers') return [...BUSINESS_FIELDS, ...COMMON_FIELDS];
  return [...PERSON_FIELDS, ...BUSINESS_FIELDS, ...COMMON_FIELDS, ...PROSPECT_FIELDS];
}

/**
 * Returns the column names of a CSV file's first row, for mapping a file whose
 * columns the server could not match. The delimiter is the one of comma,
 * semicolon and tab that the row contains most often outside quotes, as the
 * server detects it.
 */
export function headerColumns(text) {
  const body = text.replace(/^\uFEFF/, '');
  let inQuotes = false;
  let end = body.length;
  for (let i = 0; i < body.length; i++) {
    if (body[i] === '"') inQuotes = !inQuotes;
    else if (!inQuotes && (body[i] === '\n' || body[i] === '\r')) {
      end = i;
      break;
    }
  }

  const line = body.slice(0, end);
  const outside = line.replace(/"[^"]*"/g, '');
  const delimiter = [',', ';', '\t'].reduce((best, d) =>
    (outside.split(d).length > outside.split(best).length ? d : best), ',');

  const cells = [];
  let cell = '';
  inQuotes = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (ch === '"' && inQuotes && line[i + 1] === '"') {
      cell += '"';
      i++;
    } else if (ch === '"') {
      inQuotes = !inQuotes;
    } else if (ch === delimiter && !inQuotes) {
      cells.push(cell.trim());
      cell = '';
    } else {
      cell += ch;
    }
  }
  cells.push(cell.trim());
  return cells.filter(Boolean);
}

/** Creates a group of radio buttons; returns the fieldset with read(). */
function radioGroup({name, legend, options, value, help}) {
  const inputs = options.map(([v, text, hint], i) => {
    const id = `${name}-${i}`;
    const input = h('input', {type: 'radio', name, id, value: v, checked: v === value,
      'aria-describedby': hint ? `${id}-hint` : null});
    return h('div', {class: 'radio'}, input, h('label', {for: id}, text),
      hint ? h('p', {class: 'help', id: `${id}-hint`}, hint) : null);
  });
  const group = h('fieldset', {class: 'section radio-group', dataset: {field: name}},
    h('legend', {}, legend), help ? h('p', {class: 'help'}, help) : null, inputs,
    h('p', {class: 'field-error', hidden: true}));
  group.read = () => {
    const checked = group.querySelector('input:checked');
    return checked ? checked.value : null;
  };
  return group;
}

function step(number, title, ...content) {
  const id = `import-step-${number}`;
  return h('section', {class: 'panel import-step', 'aria-labelledby': id, dataset: {step: number}},
    h('h2', {id}, h('span', {class: 'step-number'}, `${number}.`), ' ', title), content);
}

export async function importView(main) {
  if (!can('customers.import')) {
    noAccess(main, 'Import');
    return;
  }
  // The state of the page: the file's text and name, the last check, and the user's mapping changes.
  const file = {name: '', text: null};
  let checked = null;
  let overrides = {};

  const fileInput = h('input', {type: 'file', id: 'import-file', name: 'file', accept: '.csv,text/csv',
    'aria-describedby': 'import-file-help import-file-error'});
  const fileField = h('div', {class: 'field', dataset: {field: 'file'}},
    h('label', {for: 'import-file'}, 'CSV file', h('span', {class: 'required', 'aria-hidden': 'true'}, ' *')),
    fileInput,
    h('p', {class: 'help', id: 'import-file-help'},
      'UTF-8, with the column names in the first row; commas, semicolons or tabs between cells.'),
    h('p', {class: 'field-error', id: 'import-file-error', hidden: true}));
  const target = radioGroup({name: 'target', legend: 'The file holds', value: 'person_customers',
    options: TARGETS.map(([v, text]) => [v, text])});
  const checkButton = h('button', {type: 'submit', class: 'primary'}, 'Check the file');
  const chooseForm = h('form', {class: 'form', novalidate: true, 'aria-label': 'Choose the file'},
    fileField, target, h('div', {class: 'actions'}, checkButton));

  const mappingSlot = h('div', {});
  const checkSlot = h('div', {});
  const importSlot = h('div', {});
  const resultSlot = h('div', {});
  const past = pastImports();
  const steps = h('div', {class: 'import-steps'},
    step(1, 'Choose the file', chooseForm), mappingSlot, checkSlot, importSlot, resultSlot);
  mount(main, pageHeader('Import'),
    h('p', {}, 'Add customers or prospects from a CSV file. A check shows what would happen before anything is '
      + 'written, and an import can be undone while none of its records has changed.'),
    steps, past);

  const onInvalid = radioGroup({name: 'on_invalid', legend: 'Invalid rows', value: 'skip', options: [
    ['skip', 'Skip them', 'Import the valid rows; the report names the others.'],
    ['abort', 'Import nothing', 'Write nothing when any row is invalid.']]});
  const onDuplicate = radioGroup({name: 'on_duplicate', legend: 'Rows that match an existing record',
    value: 'skip', help: 'A row matches when it shares the email, a phone number, the registration number or the '
      + 'external reference with a record, or with an earlier row of the file.',
    options: [
      ['skip', 'Skip them', 'Leave the existing record as it is.'],
      can('customers.update') ? ['update', 'Update the record', 'Fill in the row\'s non-empty cells.'] : null,
      can('customers.create') ? ['create', 'Create another record', 'Keep both.'] : null,
    ].filter(Boolean)});
  for (const group of [onInvalid, onDuplicate]) {
    group.addEventListener('change', () => {
      if (checked) staleNote.hidden = false;
    });
  }
  const staleNote = h('p', {class: 'notice warning', hidden: true},
    'The check above used other choices. Check again to see what these do, or import now.');

  function errorIn(slot, text) {
    const p = slot.querySelector('.field-error');
    p.hidden = !text;
    p.textContent = text || '';
  }

  function params(dryRun) {
    return {
      target: checked ? checked.target : target.read(),
      dry_run: dryRun ? 'true' : '',
      mapping: Object.keys(overrides).length ? JSON.stringify(overrides) : '',
      on_invalid: onInvalid.read(),
      on_duplicate: onDuplicate.read(),
      file_name: file.name.slice(0, 200),
    };
  }

  /**
   * Runs the dry run and draws its steps. When the server cannot match the
   * columns (422 invalid_header), only the mapping step is drawn, with the
   * columns of the file's first row and the server's reasons.
   */
  async function runCheck(focusResult) {
    const targetNow = params(true).target;
    let data;
    try {
      ({data} = await request('POST', `/imports${query(params(true))}`, file.text, {contentType: 'text/csv'}));
    } catch (err) {
      if (err.code !== 'invalid_header') throw err;
      checked = {target: targetNow, headerProblem: err, mapping: [], unmapped_columns: []};
      mount(checkSlot);
      mount(importSlot);
      drawMapping(focusResult);
      return;
    }
    checked = data;
    staleNote.hidden = true;
    drawMapping(false);
    drawCheck(focusResult);
    drawImport();
  }

  chooseForm.addEventListener('submit', async (event) => {
    event.preventDefault();
    errorIn(fileField, '');
    errorIn(target, '');
    const chosen = fileInput.files[0];
    if (!chosen) {
      errorIn(fileField, 'Choose a CSV file.');
      fileInput.focus();
      return;
    }
    checkButton.disabled = true;
    checkButton.setAttribute('aria-busy', 'true');
    try {
      file.name = chosen.name;
      file.text = await chosen.text();
      overrides = {};
      checked = null;
      mount(resultSlot);
      await runCheck(true);
    } catch (err) {
      mount(mappingSlot);
      mount(checkSlot);
      mount(importSlot);
      errorIn(fileField, err.message);
      fileInput.focus();
    } finally {
      checkButton.disabled = false;
      checkButton.removeAttribute('aria-busy');
    }
  });
  // A new file or target needs a new check.
  for (const control of [fileInput, ...target.querySelectorAll('input')]) {
    control.addEventListener('change', () => {
      if (!checked) return;
      checked = null;
      mount(mappingSlot);
      mount(checkSlot);
      mount(importSlot);
    });
  }

  /** Returns the columns of the mapping step: those of the check, or else those of the file's first row. */
  function mappingRows() {
    if (checked.headerProblem) {
      return headerColumns(file.text).map((column) => ({column, field: overrides[column] ?? null, auto: true,
        note: column in overrides ? '' : 'Not matched automatically.'}));
    }
    return [...checked.mapping, ...checked.unmapped_columns
      .filter((c) => !checked.mapping.some((m) => m.column === c))
      .map((c) => ({column: c, field: null, note: 'Matches no field; not kept.'}))];
  }

  function drawMapping(focusProblem) {
    const fields = fieldsFor(checked.target);
    const columns = mappingRows();
    const selects = columns.map((m, i) => {
      const select = h('select', {id: `mapping-${i}`, name: m.column, 'aria-label': `Field for column ${m.column}`},
        h('option', {value: NOT_KEPT}, 'Not kept'),
        fields.map((f) => h('option', {value: f, selected: m.field === f}, mappingFieldLabel(f))));
      if (m.field && !fields.includes(m.field)) {
        select.prepend(h('option', {value: m.field, selected: true}, mappingFieldLabel(m.field)));
      }
      if (m.auto) select.prepend(h('option', {value: AS_DETECTED, selected: !(m.column in overrides)}, 'As detected'));
      return select;
    });
    const again = h('button', {type: 'button', class: checked.headerProblem ? 'primary' : null},
      'Check again with this mapping');
    const againError = h('p', {class: 'field-error', role: 'alert', hidden: true});
    again.addEventListener('click', async () => {
      const next = {};
      columns.forEach((m, i) => {
        if (selects[i].value === AS_DETECTED) return;
        const v = selects[i].value || null;
        if (m.auto || v !== (m.field || null)) next[m.column] = v;
      });
      overrides = {...overrides, ...next};
      again.disabled = true;
      try {
        await runCheck(true);
      } catch (err) {
        again.disabled = false;
        againError.hidden = false;
        againError.textContent = err.message;
      }
    });
    const problem = checked.headerProblem
      ? h('div', {class: 'notice error', role: 'alert', tabindex: '-1'},
        h('p', {}, `${checked.headerProblem.message} Choose the fields below and check again.`),
        checked.headerProblem.errors.length
          ? h('ul', {}, checked.headerProblem.errors.map((e) => h('li', {}, e.message))) : null)
      : null;
    const unmapped = checked.unmapped_columns;
    mount(mappingSlot, step(2, 'Match the columns',
      problem,
      checked.headerProblem ? null : h('p', {}, `${file.name}: ${count(checked.rows_total)} rows, `
        + `${columns.length} columns.`),
      unmapped.length
        ? h('p', {class: 'notice warning'}, `Columns that match no field: ${unmapped.join(', ')}. `
          + 'Choose a field for them below, or leave them out.')
        : null,
      !checked.headerProblem && !unmapped.length
        ? h('p', {class: 'muted'}, 'Every column matches a field or is left out on purpose.') : null,
      dataTable({
        caption: 'Columns of the file and the fields they go to',
        columns: ['Column', 'Field', 'Note'],
        rows: columns.map((m, i) => [m.column, selects[i], m.note || '']),
        className: 'mapping-table',
      }),
      h('p', {class: 'actions'}, again), againError));
    if (focusProblem && problem) problem.focus();
  }

  function drawCheck(focusResult) {
    const c = checked.counts;
    const summary = h('p', {class: 'check-summary', tabindex: '-1'},
      `Checked ${count(checked.rows_total)} rows: ${count(c.would_create)} would be created, `
      + `${count(c.would_update)} updated, ${count(c.duplicates)} are duplicates and ${count(c.invalid)} invalid.`);
    mount(checkSlot, step(3, 'Check the rows',
      summary,
      h('ul', {class: 'stat-grid small', 'aria-label': 'Counts of the check'},
        [['Would create', c.would_create, 'would_create'], ['Would update', c.would_update, 'would_update'],
          ['Duplicates', c.duplicates, 'duplicates'], ['Invalid', c.invalid, 'invalid']].map(([name, v, key]) =>
          h('li', {class: 'stat', dataset: {figure: key}},
            h('div', {class: 'stat-body'}, h('span', {class: 'value'}, count(v)), h('span', {class: 'name'}, name))))),
      reportTable(checked.report, checked.report_omitted, 'Report of the check')));
    if (focusResult) summary.focus();
  }

  function drawImport() {
    const again = h('button', {type: 'button'}, 'Check again');
    const go = h('button', {type: 'button', class: 'primary'}, 'Import');
    again.addEventListener('click', async () => {
      again.disabled = true;
      try {
        await runCheck(true);
      } catch (err) {
        again.disabled = false;
        mount(resultSlot, notice('error', `The check failed: ${err.message}`));
      }
    });
    go.addEventListener('click', () => runImport(go));
    mount(importSlot, step(4, 'Import',
      h('div', {class: 'form-grid'}, onInvalid, onDuplicate),
      staleNote,
      h('p', {class: 'actions'}, go, again)));
  }

  async function runImport(button) {
    button.disabled = true;
    button.setAttribute('aria-busy', 'true');
    let message = null;
    let imp = null;
    try {
      const {data} = await request('POST', `/imports${query(params(false))}`, file.text, {contentType: 'text/csv'});
      imp = data;
    } catch (err) {
      if (err.code === 'import_rejected' && err.problem.import) {
        // Nothing was written, so the user may choose other policies and import again.
        imp = err.problem.import;
        message = notice('error', err.message);
        button.disabled = false;
      } else {
        mount(resultSlot, notice('error', `The import failed: ${err.message}`));
        button.disabled = false;
        button.removeAttribute('aria-busy');
        return;
      }
    }
    button.removeAttribute('aria-busy');
    const heading = h('h2', {id: 'import-result-heading', tabindex: '-1'}, `Import ${imp.id}`);
    mount(resultSlot, h('section', {class: 'panel import-step', 'aria-labelledby': 'import-result-heading'},
      heading, message, importResult(imp, {onChange: () => past.reload()})));
    past.reload();
    heading.focus();
  }
}
