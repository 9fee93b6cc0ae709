// The form that creates and edits customers and prospects. When a create gets
// 409 possible_duplicate, the form lists the matching records and offers "Create anyway".
// An edit sends only the changed fields with If-Match. After a 412 it loads the
// current version and keeps what the user typed.

import {api, idempotencyKey} from '../../lib/api.js';
import {h, mount} from '../../lib/dom.js';
import {busy, clearErrors, field, showErrors, summaryBox, value} from '../../lib/form.js';
import {label} from '../../lib/format.js';
import {flash, notice} from '../../lib/notice.js';
import {go, link} from '../../lib/router.js';
import {can} from '../../lib/session.js';
import {noAccess, pageHeader} from '../layout.js';
import {addressControl, contactsControl, phonesControl, suggestionLists, tagsControl} from './controls.js';
import {convertSection} from './convert.js';
import {fieldLabel} from './fields.js';
import {kindLabel, recordHref} from './resource.js';

const PERSON_KEYS = ['title', 'first_name', 'middle_name', 'last_name', 'gender', 'date_of_birth', 'occupation',
  'employer', 'identification'];
const BUSINESS_KEYS = ['legal_name', 'trading_name', 'registration_number', 'industry', 'website',
  'date_of_incorporation', 'number_of_employees', 'contacts'];
const COMMON_KEYS = ['status', 'email', 'phones', 'address', 'notes', 'source', 'tags', 'external_ref'];
const PROSPECT_KEYS = ['lead_stage', 'lead_owner_name'];

/** Returns the API input of a record: the keys its kind and resource accept, in the shape the form reads. */
function inputOf(record, resource, withOwner) {
  const keys = [...(record.kind === 'business' ? BUSINESS_KEYS : PERSON_KEYS), ...COMMON_KEYS,
    ...(resource.lifecycle === 'prospect' ? PROSPECT_KEYS : [])];
  const input = {};
  for (const key of keys) input[key] = record[key] ?? null;
  input.phones = (record.phones || []).map((p) => ({label: p.label ?? null, number: p.number}));
  input.tags = record.tags || [];
  const a = record.address || {};
  input.address = {lines: a.lines || [], city: a.city ?? null, region: a.region ?? null,
    postal_code: a.postal_code ?? null, country: a.country ?? null};
  if (record.kind === 'business') {
    input.contacts = (record.contacts || []).map((c) => ({customer_id: c.customer_id, role: c.role ?? null}));
  } else {
    const id = record.identification || {};
    input.identification = {type: id.type ?? null, number: id.number ?? null};
  }
  if (withOwner) input.owner_id = record.owner ? record.owner.id : null;
  return input;
}

/** JSON text with sorted keys, for comparing values. */
function canonical(v) {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v && typeof v === 'object') {
    return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${canonical(v[k])}`).join(',')}}`;
  }
  return JSON.stringify(v ?? null);
}

const same = (a, b) => canonical(a) === canonical(b);

/** Returns the keys whose values differ between two inputs. */
function changedKeys(before, after) {
  return Object.keys(after).filter((k) => !same(before[k], after[k]));
}

/** Returns the body of a create: the input without empty values, and the kind. */
function createBody(input, kind) {
  const body = {kind};
  for (const [key, v] of Object.entries(input)) {
    if (v === null || (Array.isArray(v) && v.length === 0)) continue;
    if (typeof v === 'object' && !Array.isArray(v)) {
      const members = Object.entries(v).filter(([, m]) => m !== null && !(Array.isArray(m) && m.length === 0));
      if (members.length) body[key] = Object.fromEntries(members);
      continue;
    }
    body[key] = v;
  }
  return body;
}

/** Returns the active staff members for the owner select, or null when the role may not list staff. */
async function ownerChoices() {
  if (!can('users.manage')) return null;
  try {
    const {data} = await api.get('/users?status=active&limit=200');
    return data.items.map((u) => [String(u.id), u.display_name]);
  } catch {
    return null;
  }
}

/** Returns the view of "#/customers/new?kind=person" and its prospect equivalent. */
export function newRecordView(resource) {
  return async (main, params, query) => {
    const kind = query.kind === 'business' ? 'business' : 'person';
    const title = `New ${kindLabel(kind).toLowerCase()} ${resource.noun}`;
    if (!can(resource.permissions.create)) {
      noAccess(main, title);
      return;
    }
    const owners = await ownerChoices();
    const record = {kind, status: resource.statuses[0], tags: [], phones: [{label: null, number: ''}]};
    const start = inputOf(record, resource, Boolean(owners));
    delete start.owner_id;
    recordForm(main, {resource, kind, title, input: start, owners, create: true});
  };
}

/** Returns the view of "#/customers/CUS-000001/edit" and its prospect equivalent. */
export function editRecordView(resource) {
  return async (main, params) => {
    const key = params.key;
    if (!can(resource.permissions.update)) {
      noAccess(main, `Update ${key}`);
      return;
    }
    const [{data: record, headers}, owners] = await Promise.all([
      api.get(`${resource.path}/${encodeURIComponent(key)}`), ownerChoices()]);
    if (record.lifecycle !== resource.lifecycle) {
      // A prospect converted since the link was made: edit it as a customer.
      go(`${recordHref(record).slice(1)}/edit`);
      return;
    }
    recordForm(main, {
      resource, kind: record.kind, record, etag: headers.get('ETag'), owners,
      title: `Update ${record.display_name}`, input: inputOf(record, resource, Boolean(owners)),
    });
  };
}

/**
 * Draws the form. state: {resource, kind, title, input, owners, create} and,
 * for an edit, {record, etag}; input is what the controls start with.
 */
function recordForm(main, state) {
  const {resource, kind, create} = state;
  let original = create ? null : inputOf(state.record, resource, Boolean(state.owners));
  const key = create ? null : state.record[resource.key];
  const backHref = create ? `#${resource.path}` : recordHref(state.record);
  const parts = buildFields(state);
  const summary = summaryBox();
  const alerts = h('div', {class: 'form-alerts'});
  const submit = h('button', {type: 'submit', class: 'primary'},
    create ? `Create ${resource.noun}` : 'Save changes');
  const form = h('form', {class: 'form record-form', novalidate: true, 'aria-label': state.title},
    h('p', {class: 'help'}, 'Fields marked ', h('span', {class: 'required'}, '*'), ' are required.'),
    summary, alerts, suggestionLists(), parts.sections,
    h('div', {class: 'actions form-actions'}, submit, h('a', {href: backHref, class: 'button'}, 'Cancel')));
  const convert = !create && resource.lifecycle === 'prospect' && can('prospects.convert')
    ? convertSection({record: state.record, form, hasChanges: () => changedKeys(original, parts.read()).length > 0,
      saveChanges: () => save({quietNoChanges: true})})
    : null;

  mount(main,
    pageHeader(state.title),
    !create ? h('p', {class: 'record-subtitle'}, `${resource.keyLabel} ${key} · ${kindLabel(kind)}`) : null,
    form,
    convert);

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    busy(form, () => (create ? createRecord(false) : save({})));
  });

  async function createRecord(allowDuplicate) {
    clearErrors(form);
    alerts.replaceChildren();
    const body = createBody(parts.read(), kind);
    if (allowDuplicate) body.allow_duplicate = true;
    try {
      const {data} = await api.post(resource.path, body, {headers: {'Idempotency-Key': state.idempotencyKey}});
      flash(`${label(resource.noun)} ${data[resource.key]} created: ${data.display_name}.`);
      go(recordHref(data).slice(1));
    } catch (err) {
      if (err.status === 409 && err.code === 'possible_duplicate') {
        showDuplicates(err);
      } else {
        showErrors(form, placeErrors(err));
      }
    }
  }

  function showDuplicates(err) {
    const anyway = h('button', {type: 'button', class: 'primary'}, 'Create anyway');
    anyway.addEventListener('click', () => busy(form, () => createRecord(true)));
    const matches = err.problem.matches || [];
    const hidden = err.problem.hidden_matches || 0;
    const total = matches.length + hidden;
    const box = h('div', {class: 'notice warning duplicates', role: 'alert', tabindex: '-1'},
      h('h2', {}, 'Possible duplicate'),
      h('p', {}, `${total === 1 ? 'One existing record shares' : `${total} existing records share`} the email, `
        + 'a phone number or the registration number with this one. Check them before you create another.'),
      matches.length ? h('ul', {}, matches.map((m) => {
        const href = m.code ? link('customers', m.code) : link('prospects', m.reference);
        return h('li', {}, h('a', {href, target: '_blank', rel: 'noopener'}, m.code || m.reference,
          h('span', {class: 'visually-hidden'}, ' (opens in a new tab)')),
        ` matches on ${m.matched_on.map((on) => fieldLabel(on).toLowerCase()).join(', ')}`);
      })) : null,
      hidden ? h('p', {}, `${hidden} more matching record${hidden === 1 ? ' is' : 's are'} not visible to you.`) : null,
      h('p', {class: 'actions'}, anyway,
        h('span', {class: 'help'}, 'Or change the form and save again.')));
    alerts.replaceChildren(box);
    box.focus();
  }

  /**
   * Saves the changed fields. Returns true when the record is saved (or had
   * no changes); with quietNoChanges it stays on the page, as conversion needs.
   */
  async function save({quietNoChanges = false}) {
    clearErrors(form);
    alerts.replaceChildren();
    const current = parts.read();
    const keys = changedKeys(original, current);
    if (!keys.length) {
      if (quietNoChanges) return true;
      flash('No changes to save.');
      go(backHref.slice(1));
      return true;
    }
    const body = Object.fromEntries(keys.map((k) => [k, current[k]]));
    try {
      const {data, headers} = await api.patch(`${resource.path}/${encodeURIComponent(key)}`, body,
        {headers: {'If-Match': state.etag}});
      if (quietNoChanges) {
        // The form stays: later saves start from the version just written.
        state.etag = headers.get('ETag');
        state.record = data;
        original = inputOf(data, resource, Boolean(state.owners));
        return true;
      }
      flash(`Changes to ${data[resource.key]} saved.`);
      go(recordHref(data).slice(1));
      return true;
    } catch (err) {
      if (err.status === 412) showConflict(current);
      else showErrors(form, placeErrors(err));
      return false;
    }
  }

  function showConflict(typed) {
    const reload = h('button', {type: 'button', class: 'primary'}, 'Load the current version');
    const box = h('div', {class: 'notice warning', role: 'alert', tabindex: '-1'},
      h('h2', {}, 'Someone else changed this record'),
      h('p', {}, `${key} was saved by someone else after you opened this form, so your changes were not saved. `
        + 'Load the current version: the fields you changed keep what you typed, the others show the new values.'),
      h('p', {}, reload));
    reload.addEventListener('click', async () => {
      reload.disabled = true;
      try {
        const {data: latest, headers} = await api.get(`${resource.path}/${encodeURIComponent(key)}`);
        const fresh = inputOf(latest, resource, Boolean(state.owners));
        const merged = {};
        for (const k of Object.keys(typed)) merged[k] = same(typed[k], original[k]) ? fresh[k] : typed[k];
        const theirs = changedKeys(original, fresh);
        const clashes = theirs.filter((k) => !same(typed[k], original[k]) && !same(typed[k], fresh[k]));
        recordForm(main, {...state, record: latest, etag: headers.get('ETag'), input: merged});
        const alertsNow = main.querySelector('.form-alerts');
        alertsNow.replaceChildren(notice('info',
          h('p', {}, `Loaded version ${latest.version}. `,
            theirs.length ? `Changed by someone else: ${theirs.map(fieldLabel).join(', ')}.` : ''),
          clashes.length
            ? h('p', {}, `You and they both changed ${clashes.map(fieldLabel).join(', ')}; the form keeps your values.`)
            : null,
          h('p', {}, 'Check the form and save again.')));
        alertsNow.firstChild.setAttribute('tabindex', '-1');
        alertsNow.firstChild.focus();
      } catch (err) {
        reload.disabled = false;
        showErrors(form, err);
      }
    });
    alerts.replaceChildren(box);
    box.focus();
  }

  state.idempotencyKey = state.idempotencyKey || idempotencyKey();
}

/**
 * Moves the "give a contact channel" error from the email field to the
 * Contact section it is about, and returns the error for showErrors().
 */
function placeErrors(err) {
  err.errors = err.errors.map((e) => (e.rule === 'contact_channel' ? {...e, field: 'contact'} : e));
  return err;
}

/** Builds the sections of the form for a kind; returns {sections, read}. */
function buildFields({resource, kind, input, owners, create}) {
  const f = (name, labelText, spec = {}) => field({name, label: labelText, value: input[name], ...spec});
  const readers = {};
  const text = (name, labelText, spec) => {
    const el = f(name, labelText, spec);
    readers[name] = () => value(el.control);
    return el;
  };
  const sections = [];

  if (kind === 'person') {
    const id = input.identification || {};
    const idType = field({name: 'identification.type', label: 'ID document type', value: id.type, maxlength: 60,
      list: 'id-types'});
    const idNumber = field({name: 'identification.number', label: 'ID document number', value: id.number,
      maxlength: 60});
    readers.identification = () => ({type: value(idType.control), number: value(idNumber.control)});
    sections.push(h('fieldset', {class: 'section'}, h('legend', {}, 'Person'),
      h('div', {class: 'form-grid'},
        text('title', 'Title', {maxlength: 40, autocomplete: 'honorific-prefix'}),
        text('first_name', 'First name', {required: true, maxlength: 100, autocomplete: 'given-name'}),
        text('middle_name', 'Middle name', {maxlength: 100, autocomplete: 'additional-name'}),
        text('last_name', 'Last name', {required: true, maxlength: 100, autocomplete: 'family-name'}),
        text('gender', 'Gender', {maxlength: 40}),
        text('date_of_birth', 'Date of birth', {type: 'date'}),
        text('occupation', 'Occupation', {maxlength: 120}),
        text('employer', 'Employer', {maxlength: 200}),
        h('div', {class: 'field-group', dataset: {field: 'identification'}}, idType, idNumber))));
  } else {
    const employees = f('number_of_employees', 'Number of employees', {inputmode: 'numeric', maxlength: 9});
    readers.number_of_employees = () => {
      const v = value(employees.control);
      // Anything but digits goes to the API as typed, which names the error.
      return v !== null && /^\d+$/.test(v) ? Number(v) : v;
    };
    const contacts = contactsControl(input.contacts || []);
    readers.contacts = () => contacts.read();
    sections.push(h('fieldset', {class: 'section'}, h('legend', {}, 'Business'),
      h('div', {class: 'form-grid'},
        text('legal_name', 'Legal name', {required: true, maxlength: 200, autocomplete: 'organization'}),
        text('trading_name', 'Trading name', {maxlength: 200}),
        text('registration_number', 'Registration number', {maxlength: 60}),
        text('industry', 'Industry', {maxlength: 120}),
        text('website', 'Website', {type: 'url', maxlength: 300, placeholder: 'https://www.example.com/'}),
        text('date_of_incorporation', 'Date of incorporation', {type: 'date'}),
        employees)),
    contacts);
  }

  const phones = phonesControl(input.phones || []);
  readers.phones = () => phones.read();
  const contactError = h('p', {class: 'field-error', id: 'contact-error', hidden: true});
  sections.push(h('fieldset', {class: 'section', dataset: {field: 'contact'}, 'aria-describedby': 'contact-error'},
    h('legend', {}, 'Contact', h('span', {class: 'required', 'aria-hidden': 'true'}, ' *')),
    contactError,
    h('p', {class: 'help'}, kind === 'person'
      ? 'Give at least an email address or a phone number.'
      : 'Give at least an email address, a phone number or a website.'),
    text('email', 'Email', {type: 'email', maxlength: 254, autocomplete: 'email'}),
    phones));

  const address = addressControl(input.address);
  readers.address = () => address.read();
  sections.push(address);

  const tags = tagsControl(input.tags || []);
  readers.tags = () => tags.read();
  const status = f('status', 'Status', {type: 'select', required: true,
    options: resource.statuses.map((s) => [s, label(s)])});
  readers.status = () => status.control.value;
  const recordFields = [status,
    text('source', 'Source', {maxlength: 80, list: 'sources'}),
    text('external_ref', 'External reference', {maxlength: 100, help: 'The id of this record in another system.'})];
  if (owners) {
    const owner = field({name: 'owner_id', label: 'Owner', type: 'select', blank: create ? 'Me' : 'Nobody',
      value: input.owner_id ?? '', options: owners});
    readers.owner_id = () => (owner.control.value ? Number(owner.control.value) : null);
    recordFields.push(owner);
  }
  if (resource.lifecycle === 'prospect') {
    recordFields.push(text('lead_stage', 'Lead stage', {maxlength: 80, list: 'lead-stages'}),
      text('lead_owner_name', 'Lead owner', {maxlength: 120,
        help: create ? 'The name of a staff member makes them the owner; another name is kept as text.' : null}));
  }
  sections.push(h('fieldset', {class: 'section'}, h('legend', {}, 'Record'),
    h('div', {class: 'form-grid'}, recordFields), tags));

  sections.push(h('fieldset', {class: 'section'}, h('legend', {}, 'Notes'),
    text('notes', 'Notes', {type: 'textarea', rows: 5, maxlength: 10000})));

  const read = () => {
    const out = {};
    for (const [name, reader] of Object.entries(readers)) out[name] = reader();
    // Without a choice the API makes the creator the owner.
    if (create && out.owner_id === null) delete out.owner_id;
    return out;
  };
  return {sections, read};
}
