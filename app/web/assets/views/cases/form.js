// "New case": the record it is for, subject, description, category, priority,
// channel, assignee and, for users with cases.update, a due time that
// overrides the one the server computes from the priority's target.
// "#/cases/new?customer=CUS-000001" (or ?prospect=PRO-000001) starts with
// that record chosen, as the Cases tab of a record page links it.

import {api, idempotencyKey} from '../../lib/api.js';
import {h, mount} from '../../lib/dom.js';
import {busy, clearErrors, field, showErrors, summaryBox, value} from '../../lib/form.js';
import {instantFromZonedInput, label} from '../../lib/format.js';
import {flash} from '../../lib/notice.js';
import {go} from '../../lib/router.js';
import {can, timeZone} from '../../lib/session.js';
import {noAccess, pageHeader} from '../layout.js';
import {caseHref, caseSettings, CHANNELS, PRIORITIES, staffChoices, targetText} from './common.js';
import {prefilledRecord, recordPicker} from './picker.js';

export async function newCaseView(main, params, queryParams) {
  if (!can('cases.create')) {
    noAccess(main, 'New case');
    return;
  }
  const [record, settings, staff] = await Promise.all([
    prefilledRecord(queryParams),
    caseSettings(),
    can('cases.assign') ? staffChoices().catch(() => null) : null,
  ]);
  const key = idempotencyKey();
  const picker = recordPicker({selected: record});
  const subject = field({name: 'subject', label: 'Subject', required: true, maxlength: 200});
  const description = field({name: 'description', label: 'Description', type: 'textarea', rows: 5, maxlength: 10000});
  const category = field({name: 'category', label: 'Category', type: 'select', blank: 'No category',
    options: settings.categories});
  const priority = field({name: 'priority', label: 'Priority', type: 'select', required: true, value: 'normal',
    options: PRIORITIES.map((p) => [p, label(p)])});
  const channel = field({name: 'channel', label: 'Channel', type: 'select', blank: 'Not recorded', options: CHANNELS,
    help: 'How the customer reached you.'});
  const assignee = staff ? field({name: 'assignee_id', label: 'Assignee', type: 'select', blank: 'Nobody yet',
    options: staff}) : null;
  const due = can('cases.update')
    ? field({name: 'due_at', label: `Due time (${timeZone()})`, type: 'datetime-local', help: ''})
    : null;
  const dueNote = h('p', {class: 'help due-note', role: 'status'});

  function describeDue() {
    const target = targetText(settings.targets[priority.control.value]);
    dueNote.textContent = due && due.control.value
      ? 'The case is due at the time you set.'
      : `The server sets the due time from the priority's target: ${target} after the case is opened. `
        + 'The case page shows it.';
  }
  priority.control.addEventListener('change', describeDue);
  if (due) due.control.addEventListener('input', describeDue);
  describeDue();

  const form = h('form', {class: 'form case-form', novalidate: true, 'aria-label': 'New case'},
    h('p', {class: 'help'}, 'Fields marked ', h('span', {class: 'required'}, '*'), ' are required.'),
    summaryBox(),
    h('fieldset', {class: 'section'}, h('legend', {}, 'Case'),
      picker, subject, description,
      h('div', {class: 'form-grid'}, category, priority, channel, assignee)),
    h('fieldset', {class: 'section'}, h('legend', {}, 'When it is due'), due, dueNote),
    h('div', {class: 'actions form-actions'},
      h('button', {type: 'submit', class: 'primary'}, 'Create case'),
      h('a', {class: 'button', href: record ? recordHrefOf(record) : '#/cases'}, 'Cancel')));
  mount(main, h('p', {class: 'breadcrumb'}, h('a', {href: '#/cases'}, '← Cases')), pageHeader('New case'), form);

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    busy(form, async () => {
      clearErrors(form);
      const body = {subject: value(subject.control) ?? '', priority: priority.control.value};
      try {
        const target = await picker.read();
        if (target && target.unknown) body.customer = target.unknown;
        else if (target) Object.assign(body, target);
      } catch (err) {
        showErrors(form, err);
        return;
      }
      const optional = {description: value(description.control), category: value(category.control),
        channel: value(channel.control)};
      for (const [name, v] of Object.entries(optional)) if (v !== null) body[name] = v;
      if (assignee && assignee.control.value) body.assignee_id = Number(assignee.control.value);
      if (due && due.control.value) body.due_at = instantFromZonedInput(due.control.value) ?? due.control.value;
      if (!body.customer && !body.prospect) {
        showErrors(form, {message: 'Choose the customer or prospect the case is for.', errors: [
          {field: 'customer', rule: 'required', message: 'Choose a customer or prospect.'}]});
        return;
      }
      try {
        const {data} = await api.post('/cases', body, {headers: {'Idempotency-Key': key}});
        flash(`Case ${data.number} created for ${data.customer.display_name}.`);
        go(caseHref(data.number).slice(1));
      } catch (err) {
        // The picker is one field for both members of the body.
        err.errors = (err.errors || []).map((e) => (e.field === 'prospect' ? {...e, field: 'customer'} : e));
        showErrors(form, err);
      }
    });
  });
}

function recordHrefOf(record) {
  return record.lifecycle === 'customer' ? `#/customers/${encodeURIComponent(record.code)}`
    : `#/prospects/${encodeURIComponent(record.reference)}`;
}
