// The notes and the history of a case page. Notes are internal (for staff) or
// shareable (may be shown to the customer), and they list oldest first with
// author and time. The history lists changes newest first, a page at a time.

import {api, query} from '../../lib/api.js';
import {h, loading, mount} from '../../lib/dom.js';
import {busy, clearErrors, field, showErrors, summaryBox, value} from '../../lib/form.js';
import {dateTime, label} from '../../lib/format.js';
import {notice} from '../../lib/notice.js';
import {dataTable} from '../../lib/table.js';
import {channelName} from './common.js';

const NOTES_PAGE = 50;
const HISTORY_PAGE = 20;

function noteElement(note) {
  return h('li', {class: `case-note ${note.visibility}`},
    h('p', {class: 'note-meta'},
      h('span', {class: `badge ${note.visibility === 'shareable' ? 'info' : ''}`},
        note.visibility === 'shareable' ? 'Shareable' : 'Internal'),
      ' ', h('strong', {}, note.author ? note.author.display_name : 'The system'),
      h('span', {class: 'muted'}, ` · ${dateTime(note.created_at)}`)),
    h('p', {class: 'notes'}, note.body));
}

/**
 * Creates the notes section, with the form for a new note when canAdd is
 * true. onAdded(message) is called after a note is saved, because a note
 * raises the case's version and may set its first response time.
 */
export function notesSection(c, {canAdd, onAdded}) {
  const list = h('ol', {class: 'case-notes', 'aria-label': `Notes of ${c.number}, oldest first`});
  const more = h('div', {class: 'history-more'});
  const section = h('section', {class: 'panel case-notes-panel', 'aria-labelledby': 'case-notes-heading'},
    h('h2', {id: 'case-notes-heading'}, 'Notes'), list, more, canAdd ? noteForm() : null);

  async function load(cursor) {
    mount(more, loading('Loading notes…'));
    try {
      const {data} = await api.get(`/cases/${encodeURIComponent(c.number)}/notes${query({limit: NOTES_PAGE, cursor})}`);
      list.append(...data.items.map(noteElement));
      if (!list.children.length) mount(more, h('p', {class: 'empty'}, 'No notes yet.'));
      else if (data.next_cursor) {
        const button = h('button', {type: 'button'}, 'Show later notes');
        button.addEventListener('click', () => load(data.next_cursor));
        mount(more, button);
      } else mount(more);
    } catch (err) {
      mount(more, h('p', {class: 'notice error', role: 'alert'}, `The notes could not be loaded: ${err.message}`));
    }
  }

  function noteForm() {
    const body = field({name: 'body', label: 'New note', type: 'textarea', rows: 4, required: true, maxlength: 10000});
    const visibility = field({name: 'visibility', label: 'Visibility', type: 'select', required: true,
      value: 'internal', options: [['internal', 'Internal: for staff only'],
        ['shareable', 'Shareable: may be shown to the customer']]});
    const form = h('form', {class: 'form note-form', novalidate: true, 'aria-label': 'Add a note'},
      summaryBox(), body, visibility,
      h('div', {class: 'actions'}, h('button', {type: 'submit', class: 'primary'}, 'Add note')));
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      busy(form, async () => {
        clearErrors(form);
        try {
          await api.post(`/cases/${encodeURIComponent(c.number)}/notes`,
            {body: value(body.control) ?? '', visibility: visibility.control.value});
          await onAdded(notice('success', `${label(visibility.control.value)} note added to ${c.number}.`));
        } catch (err) {
          showErrors(form, err);
        }
      });
    });
    return form;
  }

  load('');
  return section;
}

const ACTIONS = {
  'case.created': 'Opened',
  'case.updated': 'Changed',
  'case.note_added': 'Note added',
};

const FIELD_NAMES = {
  assignee_id: 'Assignee', due_at: 'Due', first_response_at: 'First response', resolved_at: 'Resolved',
  resolved_by: 'Resolved by', closed_at: 'Closed', resolution_note: 'Resolution note',
};

/** Shows a history value: times in the tenant's zone, people by name when known, a dash for none. */
function shown(name, v, names) {
  if (v === null || v === undefined || v === '') return '—';
  if (/_at$/.test(name)) return dateTime(v);
  if ((name === 'assignee_id' || name === 'resolved_by') && names.has(v)) return names.get(v);
  if (name === 'status' || name === 'priority') return label(v);
  if (name === 'channel') return channelName(v);
  return typeof v === 'object' ? JSON.stringify(v) : String(v);
}

/** Creates the history section: changes newest first, 20 at a time. */
export function historySection(c) {
  const list = h('ol', {class: 'history', 'aria-label': `Changes to ${c.number}, newest first`});
  const more = h('div', {class: 'history-more'});
  const section = h('section', {class: 'case-history', 'aria-labelledby': 'case-history-heading'},
    h('h2', {id: 'case-history-heading'}, 'History'), list, more);
  // The history names users by id; the names known here are those on the case and of the actors.
  const names = new Map();
  for (const user of [c.assignee, c.created_by, c.resolved_by]) if (user) names.set(user.id, user.display_name);

  async function load(cursor) {
    mount(more, loading('Loading history…'));
    try {
      const {data} = await api.get(`/cases/${encodeURIComponent(c.number)}/history${
        query({limit: HISTORY_PAGE, cursor})}`);
      for (const entry of data.items) if (entry.actor) names.set(entry.actor.id, entry.actor.display_name);
      const first = list.children.length;
      list.append(...data.items.map((entry) => {
        const changes = Object.entries(entry.changes || {});
        const who = entry.actor ? entry.actor.display_name : 'The system';
        const title = entry.action === 'case.note_added'
          ? `${label(entry.note_visibility || 'internal')} note added` : (ACTIONS[entry.action] || entry.action);
        return h('li', {class: 'history-entry panel'},
          h('h3', {}, title, h('span', {class: 'muted'}, ` · ${dateTime(entry.occurred_at)} · ${who}`)),
          changes.length ? dataTable({
            caption: `Fields changed on ${dateTime(entry.occurred_at)}`,
            columns: ['Field', 'Before', 'After'],
            rows: changes.map(([name, change]) => [FIELD_NAMES[name] || label(name),
              shown(name, change.before, names), shown(name, change.after, names)]),
            className: 'history-table',
          }) : null);
      }));
      if (!list.children.length) mount(more, h('p', {class: 'empty'}, 'No history yet.'));
      else if (data.next_cursor) {
        const button = h('button', {type: 'button'}, 'Show older changes');
        button.addEventListener('click', () => load(data.next_cursor));
        mount(more, button);
      } else mount(more);
      if (cursor && list.children[first]) {
        list.children[first].setAttribute('tabindex', '-1');
        list.children[first].focus();
      }
    } catch (err) {
      mount(more, h('p', {class: 'notice error', role: 'alert'}, `The history could not be loaded: ${err.message}`));
    }
  }

  load('');
  return section;
}
