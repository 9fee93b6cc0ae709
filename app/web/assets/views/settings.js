// The Settings module: session timeouts, case targets per priority, case
// categories and whether winning a deal converts its prospect. Every signed-in
// user can read the values, and changing them needs settings.manage.

import {api} from '../lib/api.js';
import {h, mount} from '../lib/dom.js';
import {busy, clearErrors, field, showErrors, summaryBox, value} from '../lib/form.js';
import {registerModule} from '../lib/modules.js';
import {notice, pageNotice} from '../lib/notice.js';
import {route} from '../lib/router.js';
import {can} from '../lib/session.js';
import {pageHeader} from './layout.js';

const MAX_CATEGORIES = 100;

const NUMBERS = [
  ['Sessions', [
    ['session_idle_minutes', 'Sign out after inactivity (minutes)', 5, 1440],
    ['session_lifetime_hours', 'Longest session (hours)', 1, 720],
  ]],
  ['Case targets', [
    ['case_target_hours_urgent', 'Urgent cases: resolve within (hours)', 1, 8760],
    ['case_target_hours_high', 'High priority: resolve within (hours)', 1, 8760],
    ['case_target_hours_normal', 'Normal priority: resolve within (hours)', 1, 8760],
    ['case_target_hours_low', 'Low priority: resolve within (hours)', 1, 8760],
  ]],
];

registerModule({path: '/settings', label: 'Settings', order: 90});
route('/settings', settingsView);

async function settingsView(main) {
  const {data} = await api.get('/settings');
  drawSettings(main, data, null);
}

function drawSettings(main, settings, message) {
  const editable = can('settings.manage');
  const readers = {};
  const sections = NUMBERS.map(([title, fields]) => h('fieldset', {class: 'section'}, h('legend', {}, title),
    h('div', {class: 'form-grid'}, fields.map(([key, text, min, max]) => {
      const f = field({name: key, label: text, type: 'number', min, max, step: 1, required: true,
        value: settings[key], help: `From ${min} to ${max}.`, disabled: !editable});
      readers[key] = () => {
        const v = value(f.control);
        // Anything but an integer goes to the API as typed, which names the error.
        return v !== null && /^-?\d+$/.test(v) ? Number(v) : v;
      };
      return f;
    }))));

  const categories = categoriesControl(settings.case_categories || [], editable);
  readers.case_categories = () => categories.read();
  const converts = field({name: 'deal_win_converts_prospect', type: 'checkbox',
    label: 'Winning a deal converts its prospect to a customer', value: settings.deal_win_converts_prospect,
    disabled: !editable});
  readers.deal_win_converts_prospect = () => converts.control.checked;

  const form = h('form', {class: 'form settings-form', novalidate: true, 'aria-label': 'Settings'},
    summaryBox(), sections, categories,
    h('fieldset', {class: 'section'}, h('legend', {}, 'Deals'), converts),
    editable ? h('div', {class: 'actions form-actions'}, h('button', {type: 'submit', class: 'primary'}, 'Save settings'))
      : null);
  mount(main, pageHeader('Settings'),
    message,
    editable ? null : pageNotice('info', 'Your role may see these settings but not change them.'),
    form);

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    busy(form, async () => {
      clearErrors(form);
      const changes = {};
      for (const [key, read] of Object.entries(readers)) {
        const v = read();
        if (JSON.stringify(v) !== JSON.stringify(settings[key])) changes[key] = v;
      }
      if (!Object.keys(changes).length) {
        drawSettings(main, settings, notice('info', 'Nothing changed.'));
        return;
      }
      try {
        const {data} = await api.patch('/settings', changes);
        drawSettings(main, data, notice('success', 'Settings saved.'));
        main.querySelector('.notice').setAttribute('tabindex', '-1');
        main.querySelector('.notice').focus();
      } catch (err) {
        showErrors(form, err);
      }
    });
  });
}

/** Creates the editable list of case categories: one text field per category, with move and remove buttons. */
function categoriesControl(names, editable) {
  const list = h('ol', {class: 'category-list'});
  const add = h('button', {type: 'button', class: 'add-row', disabled: !editable}, 'Add category');
  const errorId = 'case-categories-error';
  const group = h('fieldset', {class: 'section', dataset: {field: 'case_categories'}, 'aria-describedby': errorId},
    h('legend', {}, 'Case categories'),
    h('p', {class: 'field-error', id: errorId, hidden: true}),
    h('p', {class: 'help'}, 'Up to 100 names of 1 to 80 characters, in the order case forms offer them.'),
    list, add);

  function renumber() {
    [...list.children].forEach((item, i) => {
      item.querySelector('label').textContent = `Category ${i + 1}`;
      item.querySelectorAll('button').forEach((b) => {
        b.setAttribute('aria-label', `${b.dataset.action} category ${i + 1}`);
      });
    });
    add.disabled = !editable || list.children.length >= MAX_CATEGORIES;
  }

  function addItem(text, focus) {
    const f = field({name: '', label: 'Category', value: text, maxlength: 80, disabled: !editable});
    const button = (action, symbol) => h('button', {type: 'button', class: 'icon-button', dataset: {action},
      disabled: !editable}, symbol);
    const up = button('Move up', '↑');
    const down = button('Move down', '↓');
    const remove = button('Remove', '×');
    const item = h('li', {class: 'category-row'}, f, h('div', {class: 'row-buttons'}, up, down, remove));
    up.addEventListener('click', () => {
      if (item.previousElementSibling) item.previousElementSibling.before(item);
      renumber();
      up.focus();
    });
    down.addEventListener('click', () => {
      if (item.nextElementSibling) item.nextElementSibling.after(item);
      renumber();
      down.focus();
    });
    remove.addEventListener('click', () => {
      const next = item.nextElementSibling || item.previousElementSibling;
      item.remove();
      renumber();
      (next ? next.querySelector('input') : add).focus();
    });
    list.append(item);
    renumber();
    if (focus) f.control.focus();
  }

  names.forEach((name) => addItem(name, false));
  add.addEventListener('click', () => addItem('', true));
  group.read = () => [...list.querySelectorAll('input')].map((input) => input.value.trim()).filter(Boolean);
  return group;
}
