// Compound controls of the record form: the list of phones, the tags, the
// contact persons of a business and the address. Each returns an element with
// read(), which gives the value in the shape the API takes, and names its
// slots with the JSON paths the API reports errors for (phones[0].number).

import {h} from '../../lib/dom.js';
import {field, value} from '../../lib/form.js';
import {countryName, countryOptions} from '../../lib/countries.js';

const MAX_PHONES = 10;
const MAX_TAGS = 20;
const MAX_CONTACTS = 50;
const MAX_ADDRESS_LINES = 4;

/**
 * Creates a list of rows that the user adds to and removes from.
 * makeRow(item, number) returns {element, read, name, renumber}: read() gives
 * the row's value, or null to leave the row out, name(prefix) names the row's
 * error slots ("phones[0]"), and renumber(n) updates its legend. The group's
 * read() names the slots of the rows it keeps by their index in the value.
 */
function rowList({name, legend, help, items, max, addLabel, makeRow}) {
  const rows = [];
  const container = h('div', {class: 'row-list'});
  const add = h('button', {type: 'button', class: 'add-row'}, addLabel);
  const errorId = `${name}-list-error`;
  const group = h('fieldset', {class: 'row-group', dataset: {field: name}, 'aria-describedby': errorId},
    h('legend', {}, legend),
    h('p', {class: 'field-error', id: errorId, hidden: true}),
    help ? h('p', {class: 'help'}, help) : null,
    container, add);

  function renumber() {
    rows.forEach((row, i) => row.renumber(i + 1));
    add.disabled = rows.length >= max;
  }

  function addRow(item, focus) {
    const row = makeRow(item || {}, rows.length + 1);
    const remove = h('button', {type: 'button', class: 'remove-row'}, 'Remove');
    row.remove = remove;
    remove.addEventListener('click', () => {
      const index = rows.indexOf(row);
      rows.splice(index, 1);
      row.element.remove();
      renumber();
      const next = rows[Math.min(index, rows.length - 1)];
      (next ? next.remove : add).focus();
    });
    row.element.append(remove);
    rows.push(row);
    container.append(row.element);
    renumber();
    if (focus) row.element.querySelector('input, select').focus();
  }

  add.addEventListener('click', () => addRow(null, true));
  for (const item of items) addRow(item, false);

  group.read = () => {
    const values = [];
    for (const row of rows) {
      const v = row.read();
      row.element.dataset.field = '';
      if (v === null) continue;
      row.name(`${name}[${values.length}]`);
      values.push(v);
    }
    return values;
  };
  return group;
}

/** Sets the error slot names of a row's fields: prefix + "." + the field's own name. */
function namer(slots) {
  return (prefix) => {
    for (const [key, slot] of Object.entries(slots)) slot.dataset.field = `${prefix}.${key}`;
  };
}

/** Creates the phones of a record: label and number per row. */
export function phonesControl(phones) {
  return rowList({
    name: 'phones',
    legend: 'Phones',
    help: 'With a country code such as +44, or a number of your own country.',
    items: phones,
    max: MAX_PHONES,
    addLabel: 'Add phone',
    makeRow(phone, number) {
      const legend = h('legend', {});
      const labelField = field({name: '', label: 'Label', value: phone.label, maxlength: 40, list: 'phone-labels'});
      const numberField = field({name: '', label: 'Number', type: 'tel', value: phone.number, maxlength: 40,
        autocomplete: 'tel'});
      const element = h('fieldset', {class: 'row phone-row'}, legend, labelField, numberField);
      const row = {
        element,
        read() {
          const entry = {label: value(labelField.control), number: value(numberField.control)};
          return entry.label === null && entry.number === null ? null : {...entry, number: entry.number ?? ''};
        },
        name: namer({label: labelField, number: numberField}),
        renumber(n) {
          legend.textContent = `Phone ${n}`;
          if (row.remove) row.remove.setAttribute('aria-label', `Remove phone ${n}`);
        },
      };
      row.renumber(number);
      return row;
    },
  });
}

/**
 * Creates the contact persons of a business. Existing ones show their name and
 * code, and new ones are named by the Customer Code of a person.
 */
export function contactsControl(contacts) {
  return rowList({
    name: 'contacts',
    legend: 'Contact persons',
    help: 'People who are customers themselves, named by their Customer Code, such as CUS-000042.',
    items: contacts,
    max: MAX_CONTACTS,
    addLabel: 'Add contact person',
    makeRow(contact, number) {
      const legend = h('legend', {});
      const known = contact.customer_id !== undefined && contact.customer_id !== null;
      const codeField = known ? null : field({name: '', label: 'Customer Code', value: contact.code, maxlength: 40});
      const who = known
        ? h('p', {class: 'contact-name'}, contact.display_name || '', contact.code ? ` (${contact.code})` : '')
        : codeField;
      const roleField = field({name: '', label: 'Role', value: contact.role, maxlength: 80, list: 'contact-roles'});
      const element = h('fieldset', {class: 'row contact-row'}, legend, who, roleField);
      const row = {
        element,
        read() {
          const role = value(roleField.control);
          if (known) return {customer_id: contact.customer_id, role};
          const code = value(codeField.control);
          return code === null && role === null ? null : {code: code ?? '', role};
        },
        name(prefix) {
          element.dataset.field = prefix;
          roleField.dataset.field = `${prefix}.role`;
          if (codeField) codeField.dataset.field = `${prefix}.code`;
        },
        renumber(n) {
          legend.textContent = `Contact person ${n}`;
          if (row.remove) row.remove.setAttribute('aria-label', `Remove contact person ${n}`);
        },
      };
      row.renumber(number);
      return row;
    },
  });
}

/** Creates the tags control: tags are typed into a text field and added with Enter or a comma, and each has a remove button. */
export function tagsControl(tags) {
  const current = [...tags];
  const list = h('ul', {class: 'tag-list', 'aria-label': 'Tags of this record'});
  const input = field({name: 'tags', label: 'Tags', maxlength: 40,
    help: 'Press Enter or type a comma after each tag.'});
  const add = h('button', {type: 'button'}, 'Add tag');
  const status = h('p', {class: 'visually-hidden', role: 'status'});

  function draw() {
    list.replaceChildren(...current.map((tag) => {
      const remove = h('button', {type: 'button', class: 'tag-remove', 'aria-label': `Remove tag ${tag}`}, '×');
      remove.addEventListener('click', () => {
        current.splice(current.indexOf(tag), 1);
        draw();
        status.textContent = `Removed tag ${tag}.`;
        input.control.focus();
      });
      return h('li', {class: 'tag'}, h('span', {}, tag), remove);
    }));
    list.hidden = current.length === 0;
  }

  function commit() {
    const parts = input.control.value.split(',').map((t) => t.trim()).filter(Boolean);
    for (const tag of parts) {
      if (!current.includes(tag) && current.length < MAX_TAGS) current.push(tag);
    }
    input.control.value = '';
    if (parts.length) status.textContent = `Added tag ${parts.join(', ')}.`;
    draw();
  }

  input.control.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' || event.key === ',') {
      event.preventDefault();
      commit();
    }
  });
  // Pasted or filled text with commas becomes tags at once too.
  input.control.addEventListener('input', () => {
    if (input.control.value.includes(',')) commit();
  });
  add.addEventListener('click', () => {
    commit();
    input.control.focus();
  });
  draw();
  const wrapper = h('div', {class: 'tags-control'}, input, h('div', {class: 'tag-entry'}, add), list, status);
  // Text still in the field counts as a tag, so nothing typed is lost on save.
  wrapper.read = () => {
    const pending = input.control.value.split(',').map((t) => t.trim()).filter(Boolean);
    return [...current, ...pending.filter((t) => !current.includes(t))];
  };
  return wrapper;
}

/** Creates the address: up to four street lines, city, region, postal code and a country select. */
export function addressControl(address) {
  const a = address || {};
  const existing = a.lines || [];
  const lineFields = [];
  const lines = h('div', {class: 'address-lines', dataset: {field: 'address.lines'}});
  const addLine = h('button', {type: 'button', class: 'add-row'}, 'Add address line');

  function addLineField(text, focus) {
    const n = lineFields.length + 1;
    const f = field({name: `address.lines[${n - 1}]`, label: `Address line ${n}`, value: text, maxlength: 200,
      autocomplete: `address-line${Math.min(n, 3)}`});
    lineFields.push(f);
    lines.append(f);
    addLine.hidden = lineFields.length >= MAX_ADDRESS_LINES;
    if (focus) f.control.focus();
  }
  for (let i = 0; i < Math.max(2, existing.length); i++) addLineField(existing[i], false);
  addLine.addEventListener('click', () => addLineField('', true));

  const options = countryOptions();
  const country = a.country && !options.some(([code]) => code === a.country)
    ? [[a.country, `${countryName(a.country)} (${a.country})`], ...options]
    : options;
  const city = field({name: 'address.city', label: 'City', value: a.city, maxlength: 120,
    autocomplete: 'address-level2'});
  const region = field({name: 'address.region', label: 'Region or state', value: a.region, maxlength: 120,
    autocomplete: 'address-level1'});
  const postal = field({name: 'address.postal_code', label: 'Postal code', value: a.postal_code, maxlength: 20,
    autocomplete: 'postal-code'});
  const countryField = field({name: 'address.country', label: 'Country', type: 'select', value: a.country,
    blank: 'Choose a country', options: country, autocomplete: 'country'});
  const group = h('fieldset', {class: 'section', dataset: {field: 'address'}},
    h('legend', {}, 'Address'),
    lines, addLine,
    h('div', {class: 'form-grid'}, postal, city, region, countryField));
  group.read = () => ({
    lines: lineFields.map((f) => value(f.control)).filter((line) => line !== null),
    city: value(city.control),
    region: value(region.control),
    postal_code: value(postal.control),
    country: value(countryField.control),
  });
  return group;
}

/** Creates the suggestion lists (datalist) of the form's free-text fields. */
export function suggestionLists() {
  const list = (id, values) => h('datalist', {id}, values.map((v) => h('option', {value: v})));
  return [
    list('phone-labels', ['Mobile', 'Work', 'Home', 'Fax']),
    list('contact-roles', ['Director', 'Owner', 'Accountant', 'Assistant']),
    list('id-types', ['Passport', 'National ID card', 'Driving licence', 'Residence permit']),
    list('sources', ['Referral', 'Website', 'Walk-in', 'Event', 'Campaign', 'Partner']),
    list('lead-stages', ['New', 'Contacted', 'Qualified', 'Proposal', 'Negotiation']),
  ];
}
