// The page of one case: every field, the overdue badge, the status moves the
// API offers in next_statuses, assigning, editing, notes and history. Every
// change sends If-Match with the ETag of the version shown, and the page is
// drawn again from the response.

import {api} from '../../lib/api.js';
import {openDialog} from '../../lib/dialog.js';
import {h, mount} from '../../lib/dom.js';
import {busy, clearErrors, field, showErrors, summaryBox, value} from '../../lib/form.js';
import {dateTime, instantFromZonedInput, label, zonedInputValue} from '../../lib/format.js';
import {notice, pageNotice} from '../../lib/notice.js';
import {can, timeZone} from '../../lib/session.js';
import {noAccess, pageHeader} from '../layout.js';
import {historySection, notesSection} from './activity.js';
import {caseBadges, caseSettings, channelName, CHANNELS, PRIORITIES, recordOfCase, staffChoices, statusName}
  from './common.js';

/** Returns the label of the button that moves a case from one status to another. */
function moveLabel(from, to) {
  if (to === 'open') return from === 'resolved' || from === 'closed' ? 'Reopen' : 'Mark as open';
  return {new: 'Back to new', pending: 'Wait on customer', resolved: 'Resolve…',
    closed: from === 'resolved' ? 'Close' : 'Close…'}[to] || label(to);
}

/** Returns the moves the user may make: next_statuses less those their role lacks. */
function allowedMoves(c) {
  if (!can('cases.update')) return [];
  return c.next_statuses.filter((to) => (to !== 'resolved' && to !== 'closed') || can('cases.close'));
}

async function fetchCase(number) {
  const {data, headers} = await api.get(`/cases/${encodeURIComponent(number)}`);
  return {record: data, etag: headers.get('ETag')};
}

export async function caseView(main, params) {
  if (!can('cases.view')) {
    noAccess(main, params.number);
    return;
  }
  let current;
  try {
    current = await fetchCase(params.number);
  } catch (err) {
    if (err.status !== 404) throw err;
    mount(main, pageHeader(`Case ${params.number}`), h('p', {role: 'alert'}, err.message),
      h('p', {}, h('a', {href: '#/cases'}, 'Back to the cases')));
    return;
  }
  const messages = h('div', {class: 'page-messages'});
  const page = h('div', {class: 'case-page'});
  mount(main, h('p', {class: 'breadcrumb'}, h('a', {href: '#/cases'}, '← Cases')), page);

  /**
   * Sends a change and keeps the version it returns. After a 409 or 412 it
   * reads the current version and returns the notice that explains why in
   * `conflict`, for the caller to draw once its dialog is closed.
   */
  async function change(body) {
    try {
      const {data, headers} = await api.patch(`/cases/${encodeURIComponent(current.record.number)}`, body,
        {headers: {'If-Match': current.etag}});
      current = {record: data, etag: headers.get('ETag')};
      return {ok: true};
    } catch (err) {
      if (err.status === 409 || err.status === 412) {
        current = await fetchCase(current.record.number);
        const c = current.record;
        const text = err.status === 412
          ? `${c.number} was changed by someone else after you opened it, so your change was not saved. `
            + 'This is the current version; check it and try again.'
          : `${err.message} It is ${label(err.problem.current_status || c.status).toLowerCase()} now and can move to: `
            + `${(err.problem.allowed || c.next_statuses).map((s) => label(s).toLowerCase()).join(', ') || 'nothing'}.`;
        return {ok: false, conflict: notice('error', text)};
      }
      return {ok: false, err};
    }
  }

  function draw(message) {
    const c = current.record;
    const record = recordOfCase(c);
    const closed = c.status === 'closed';
    const editable = can('cases.update') && !closed;
    mount(messages, message);
    mount(page,
      pageHeader(`${c.number}: ${c.subject}`,
        editable ? button('Edit case', () => editDialog(c, change, draw)) : null),
      h('p', {class: 'record-subtitle'},
        h('span', {class: 'record-key'}, c.number), caseBadges(c),
        h('span', {}, 'for ', h('a', {href: record.href}, `${record.key} · ${record.name}`))),
      messages,
      closed ? pageNotice('info', 'This case is closed. Reopen it to change it or add notes.') : null,
      statusPanel(c),
      h('div', {class: 'case-grid'},
        h('section', {class: 'panel', 'aria-labelledby': 'case-details-heading'},
          h('h2', {id: 'case-details-heading'}, 'Details'), detailsList(c)),
        assignPanel(c)),
      notesSection(c, {canAdd: editable, onAdded: refresh}),
      historySection(c));
    if (message) {
      message.setAttribute('tabindex', '-1');
      message.focus();
    }
  }

  async function refresh(message) {
    current = await fetchCase(current.record.number);
    draw(message);
  }

  function statusPanel(c) {
    const moves = allowedMoves(c);
    if (!moves.length) return null;
    const buttons = moves.map((to) => {
      const b = h('button', {type: 'button', class: to === 'resolved' ? 'primary' : null, dataset: {status: to}},
        moveLabel(c.status, to));
      b.addEventListener('click', async () => {
        if (to === 'resolved' || (to === 'closed' && c.status !== 'resolved')) {
          resolutionDialog(c, to, change, draw);
          return;
        }
        b.disabled = true;
        const result = await change({status: to});
        if (result.ok) {
          draw(notice('success', `${c.number} is ${label(to).toLowerCase()} now.`));
        } else {
          draw(result.conflict || notice('error', `The status could not be changed: ${result.err.message}`));
        }
      });
      return b;
    });
    return h('section', {class: 'panel status-panel', 'aria-labelledby': 'case-status-heading'},
      h('h2', {id: 'case-status-heading'}, 'Status: ', statusName(c.status)),
      h('div', {class: 'actions', role: 'group', 'aria-label': 'Change status'}, buttons));
  }

  function assignPanel(c) {
    if (!can('cases.assign') || c.status === 'closed') {
      return h('section', {class: 'panel', 'aria-labelledby': 'case-assignee-heading'},
        h('h2', {id: 'case-assignee-heading'}, 'Assignee'),
        h('p', {}, c.assignee ? c.assignee.display_name : 'Nobody yet.'));
    }
    const form = h('form', {class: 'form assign-form', novalidate: true, 'aria-labelledby': 'case-assignee-heading'},
      summaryBox());
    const panel = h('section', {class: 'panel', 'aria-labelledby': 'case-assignee-heading'},
      h('h2', {id: 'case-assignee-heading'}, 'Assignee'), form);
    staffChoices().then((staff) => {
      const assigned = c.assignee ? String(c.assignee.id) : '';
      // A deactivated assignee is not in the directory but stays shown as chosen.
      const options = c.assignee && !staff.some(([id]) => id === assigned)
        ? [[assigned, c.assignee.display_name], ...staff] : staff;
      const select = field({name: 'assignee_id', label: 'Assign to', type: 'select', blank: 'Nobody',
        value: assigned, options});
      form.append(select, h('div', {class: 'actions'}, h('button', {type: 'submit'}, 'Assign')));
      form.addEventListener('submit', (event) => {
        event.preventDefault();
        busy(form, async () => {
          clearErrors(form);
          const chosen = select.control.value ? Number(select.control.value) : null;
          if (String(chosen ?? '') === assigned) return;
          const result = await change({assignee_id: chosen});
          if (result.ok) {
            const who = select.control.selectedOptions[0].textContent;
            draw(notice('success', chosen === null ? `${c.number} is unassigned now.` : `${c.number} is assigned to ${who}.`));
          } else if (result.conflict) {
            draw(result.conflict);
          } else {
            showErrors(form, result.err);
          }
        });
      });
    }).catch((err) => {
      form.append(h('p', {class: 'notice error', role: 'alert'}, `The staff list could not be loaded: ${err.message}`));
    });
    return panel;
  }

  draw(null);
}

function button(text, onClick) {
  const b = h('button', {type: 'button'}, text);
  b.addEventListener('click', onClick);
  return b;
}

function detailsList(c) {
  const record = recordOfCase(c);
  const who = (user) => (user ? user.display_name : null);
  const pairs = [
    ['Customer', h('a', {href: record.href}, `${record.key} · ${record.name}`)],
    ['Status', statusName(c.status)],
    ['Priority', label(c.priority)],
    ['Category', c.category],
    ['Channel', c.channel ? channelName(c.channel) : null],
    ['Assignee', who(c.assignee)],
    ['Due', [dateTime(c.due_at), c.overdue ? [' ', h('span', {class: 'badge bad'}, 'Overdue')] : null]],
    ['Description', c.description ? h('p', {class: 'notes'}, c.description) : null],
    ['Opened', `${dateTime(c.created_at)}${c.created_by ? ` by ${c.created_by.display_name}` : ''}`],
    ['First response', dateTime(c.first_response_at)],
    c.resolved_at ? ['Resolved', `${dateTime(c.resolved_at)}${c.resolved_by ? ` by ${c.resolved_by.display_name}` : ''}`]
      : null,
    c.resolution_note ? ['Resolution note', h('p', {class: 'notes'}, c.resolution_note)] : null,
    c.closed_at ? ['Closed', dateTime(c.closed_at)] : null,
    ['Last changed', dateTime(c.updated_at)],
  ];
  return h('dl', {class: 'details'}, pairs.filter(Boolean).map(([term, v]) => [
    h('dt', {}, term),
    h('dd', {}, v === null || v === undefined || v === '' ? '—' : v),
  ]));
}

/**
 * Asks for the resolution note of a move to resolved, or to closed from an
 * open status. An empty note goes to the API, whose error shows next to the field.
 */
function resolutionDialog(c, to, change, draw) {
  const verb = to === 'resolved' ? 'Resolve' : 'Close';
  const note = field({name: 'resolution_note', label: 'Resolution note', type: 'textarea', rows: 5, required: true,
    maxlength: 10000, help: 'How the case ended; the customer\'s timeline shows it.'});
  const submit = h('button', {type: 'submit', class: 'primary'}, `${verb} case`);
  const cancel = h('button', {type: 'button'}, 'Cancel');
  const form = h('form', {class: 'form', novalidate: true}, summaryBox(), note,
    h('div', {class: 'actions dialog-actions'}, submit, cancel));
  const dialog = openDialog({title: `${verb} ${c.number}`, content: form});
  cancel.addEventListener('click', () => dialog.close());
  note.control.focus();
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    busy(form, async () => {
      clearErrors(form);
      const body = {status: to};
      const text = value(note.control);
      if (text !== null) body.resolution_note = text;
      const result = await change(body);
      if (result.ok) {
        dialog.close();
        await dialog.closed;
        draw(notice('success', `${c.number} is ${to} now.`));
      } else if (result.conflict) {
        dialog.close();
        await dialog.closed;
        draw(result.conflict);
      } else {
        showErrors(form, result.err);
      }
    });
  });
}

/** Opens the form that changes subject, description, category, priority, channel and due time. */
async function editDialog(c, change, draw) {
  const settings = await caseSettings().catch(() => ({categories: []}));
  const categories = c.category && !settings.categories.includes(c.category)
    ? [c.category, ...settings.categories] : settings.categories;
  const subject = field({name: 'subject', label: 'Subject', required: true, maxlength: 200, value: c.subject});
  const description = field({name: 'description', label: 'Description', type: 'textarea', rows: 4, maxlength: 10000,
    value: c.description});
  const category = field({name: 'category', label: 'Category', type: 'select', blank: 'No category',
    value: c.category, options: categories});
  const priority = field({name: 'priority', label: 'Priority', type: 'select', required: true, value: c.priority,
    options: PRIORITIES.map((p) => [p, label(p)])});
  const channel = field({name: 'channel', label: 'Channel', type: 'select', blank: 'Not recorded', value: c.channel,
    options: CHANNELS});
  const due = field({name: 'due_at', label: `Due time (${timeZone()})`, type: 'datetime-local',
    value: zonedInputValue(c.due_at),
    help: 'A new priority moves the due time to its target unless you change the due time too.'});
  const submit = h('button', {type: 'submit', class: 'primary'}, 'Save changes');
  const cancel = h('button', {type: 'button'}, 'Cancel');
  const form = h('form', {class: 'form', novalidate: true}, summaryBox(), subject, description,
    h('div', {class: 'form-grid'}, category, priority, channel), due,
    h('div', {class: 'actions dialog-actions'}, submit, cancel));
  const dialog = openDialog({title: `Edit ${c.number}`, content: form, wide: true});
  cancel.addEventListener('click', () => dialog.close());
  subject.control.focus();
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    busy(form, async () => {
      clearErrors(form);
      const typed = {
        subject: value(subject.control) ?? '', description: value(description.control),
        category: value(category.control), priority: priority.control.value, channel: value(channel.control),
      };
      const body = Object.fromEntries(Object.entries(typed).filter(([k, v]) => v !== (c[k] ?? null)));
      const dueText = due.control.value;
      if (dueText !== zonedInputValue(c.due_at)) body.due_at = instantFromZonedInput(dueText) ?? dueText;
      if (!Object.keys(body).length) {
        dialog.close();
        return;
      }
      const result = await change(body);
      if (result.ok) {
        dialog.close();
        await dialog.closed;
        draw(notice('success', `Changes to ${c.number} saved.`));
      } else if (result.conflict) {
        dialog.close();
        await dialog.closed;
        draw(result.conflict);
      } else {
        showErrors(form, result.err);
      }
    });
  });
}
