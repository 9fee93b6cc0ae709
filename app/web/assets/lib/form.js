// Accessible forms: every control has a label, required fields are marked "*",
// and the API's field errors appear next to the field they name. A failed
// submit never clears what the user typed.

import {h} from './dom.js';

let nextId = 0;

/**
 * Creates a labelled control. spec: {name, label, type, required, options,
 * blank, value, help, autocomplete, rows, min, max, step, placeholder,
 * maxlength, inputmode, list, disabled}. The name is the JSON path the API
 * reports in errors, such as "address.city". For a select, blank is the text
 * of an empty first option. Optional fields get one by default ("—"), and
 * blank: false leaves it out. A required field gets one only when blank names it.
 */
export function field(spec) {
  const id = `f${++nextId}`;
  const errorId = `${id}-error`;
  const helpId = spec.help ? `${id}-help` : null;
  const common = {
    id, name: spec.name, required: spec.required, autocomplete: spec.autocomplete,
    'aria-describedby': [helpId, errorId].filter(Boolean).join(' '),
    placeholder: spec.placeholder, maxlength: spec.maxlength, inputmode: spec.inputmode,
    list: spec.list, disabled: spec.disabled,
  };
  let control;
  if (spec.type === 'select') {
    control = h('select', common,
      (spec.required && typeof spec.blank !== 'string') || spec.blank === false
        ? null : h('option', {value: ''}, spec.blank || '—'),
      (spec.options || []).map((o) => {
        const [value, text] = Array.isArray(o) ? o : [o, o];
        return h('option', {value, selected: String(spec.value ?? '') === String(value)}, text);
      }));
  } else if (spec.type === 'textarea') {
    control = h('textarea', {...common, rows: spec.rows || 4});
    control.value = spec.value ?? '';
  } else if (spec.type === 'checkbox') {
    control = h('input', {...common, type: 'checkbox', checked: Boolean(spec.value)});
  } else {
    control = h('input', {...common, type: spec.type || 'text', min: spec.min, max: spec.max, step: spec.step});
    control.value = spec.value ?? '';
  }
  const wrapper = h('div', {class: `field field-${spec.type || 'text'}`, dataset: {field: spec.name}},
    h('label', {for: id}, spec.label, spec.required ? h('span', {class: 'required', 'aria-hidden': 'true'}, ' *') : null),
    control,
    spec.help ? h('p', {class: 'help', id: helpId}, spec.help) : null,
    h('p', {class: 'field-error', id: errorId, hidden: true}));
  wrapper.control = control;
  return wrapper;
}

/** Reads a control's value: trimmed text, null when empty, booleans for checkboxes. */
export function value(control) {
  if (control.type === 'checkbox') return control.checked;
  const text = control.value.trim();
  return text === '' ? null : text;
}

/** Clears every field error and the summary of a form. */
export function clearErrors(form) {
  form.querySelectorAll('.field-error').forEach((p) => {
    p.hidden = true;
    p.textContent = '';
  });
  form.querySelectorAll('[aria-invalid]').forEach((c) => c.removeAttribute('aria-invalid'));
  const summary = form.querySelector('.form-summary');
  if (summary) {
    summary.hidden = true;
    summary.replaceChildren();
  }
}

/**
 * Shows an ApiError on a form: each {field, rule, message} next to the field
 * whose data-field matches (or its closest parent path), the rest and the
 * detail in the summary at the top, and moves focus to the first problem.
 */
export function showErrors(form, err) {
  clearErrors(form);
  const summary = form.querySelector('.form-summary');
  const unplaced = [];
  let first = null;
  for (const e of err.errors || []) {
    const slot = findField(form, e.field);
    if (slot) {
      const p = slot.querySelector('.field-error');
      p.hidden = false;
      p.textContent = p.textContent ? `${p.textContent} ${e.message}` : e.message;
      const control = slot.querySelector('input, select, textarea');
      if (control) {
        control.setAttribute('aria-invalid', 'true');
        first = first || control;
      }
    } else {
      unplaced.push(`${e.field}: ${e.message}`);
    }
  }
  if (summary) {
    const lines = [];
    if (!(err.errors || []).length || unplaced.length) lines.push(err.message);
    lines.push(...unplaced);
    if (lines.length) {
      summary.hidden = false;
      summary.replaceChildren(...lines.map((line) => h('p', {}, line)));
      first = first || summary;
    }
  }
  if (first) first.focus();
}

function findField(form, path) {
  let p = path || '';
  while (p) {
    const slot = form.querySelector(`[data-field="${CSS.escape(p)}"]`);
    if (slot) return slot;
    const cut = Math.max(p.lastIndexOf('.'), p.lastIndexOf('['));
    p = cut > 0 ? p.slice(0, cut) : '';
  }
  return null;
}

/** Returns the box at the top of a form where general errors appear. */
export function summaryBox() {
  return h('div', {class: 'form-summary', role: 'alert', tabindex: '-1', hidden: true});
}

/** Disables a form's submit button and marks it busy while fn runs. */
export async function busy(form, fn) {
  const buttons = form.querySelectorAll('button[type=submit]');
  buttons.forEach((b) => {
    b.disabled = true;
    b.setAttribute('aria-busy', 'true');
  });
  try {
    return await fn();
  } finally {
    buttons.forEach((b) => {
      b.disabled = false;
      b.removeAttribute('aria-busy');
    });
  }
}

