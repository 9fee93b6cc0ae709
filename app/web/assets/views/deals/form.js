// The fields of a deal, for "New deal" (#/deals/new) and the edit dialog of
// the deal page. "#/deals/new?customer=CUS-000001" (or ?prospect=PRO-000001)
// starts with that record chosen, and ?pipeline= and ?stage= with that stage,
// as the Deals tab of a record page and the board link it. Amounts are typed
// in major units and sent in integer minor units of the chosen currency.

import {api, idempotencyKey} from '../../lib/api.js';
import {h, mount} from '../../lib/dom.js';
import {busy, clearErrors, field, showErrors, summaryBox, value} from '../../lib/form.js';
import {label, money, parseMoney} from '../../lib/format.js';
import {flash} from '../../lib/notice.js';
import {go, link} from '../../lib/router.js';
import {can, currency, session} from '../../lib/session.js';
import {noAccess, pageHeader} from '../layout.js';
import {staffChoices} from '../cases/common.js';
import {prefilledRecord, recordPicker} from '../cases/picker.js';
import {dealHref, loadPipelines, PRIORITIES, stageText} from './common.js';

/** Returns the amount as shown in the amount field, "1250.00" for 125000 EUR, without grouping. */
function amountInput(minor, code) {
  if (minor === null || minor === undefined) return '';
  const text = money(minor, code);
  return text.slice(text.indexOf(' ') + 1).replace(/,/g, '');
}

/**
 * Creates the shared fields: title, amount, currency, expected close, owner,
 * priority, source and notes, filled from deal when given. read() returns the
 * body members, or throws an error object for showErrors() when the amount
 * is no number.
 */
export function dealFields(deal, staff) {
  const title = field({name: 'title', label: 'Title', required: true, maxlength: 200, value: deal && deal.title});
  const code = (deal && deal.currency) || currency();
  const amount = field({name: 'amount', label: 'Amount', inputmode: 'decimal', maxlength: 24,
    value: deal ? amountInput(deal.amount, code) : '', help: 'In the currency below, such as 1250.00.'});
  const currencyField = field({name: 'currency', label: 'Currency', maxlength: 3, value: code,
    autocomplete: 'off', help: 'ISO 4217 code, such as EUR.'});
  const close = field({name: 'expected_close_date', label: 'Expected close', type: 'date',
    value: deal && deal.expected_close_date});
  // A new deal belongs to the user unless they choose another owner.
  let ownerId = String(session().user.id);
  if (deal) ownerId = deal.owner ? String(deal.owner.id) : '';
  const ownerOptions = deal && deal.owner && !staff.some(([id]) => id === ownerId)
    ? [[ownerId, deal.owner.display_name], ...staff] : staff;
  const owner = field({name: 'owner_id', label: 'Owner', type: 'select', blank: 'Nobody', value: ownerId,
    options: ownerOptions});
  const priority = field({name: 'priority', label: 'Priority', type: 'select', required: true,
    value: (deal && deal.priority) || 'medium', options: PRIORITIES.map((p) => [p, label(p)])});
  const source = field({name: 'source', label: 'Source', maxlength: 80, value: deal && deal.source,
    help: 'Where the deal came from, such as Referral or Web form.'});
  const notes = field({name: 'notes', label: 'Notes', type: 'textarea', rows: 4, maxlength: 10000,
    value: deal && deal.notes});

  function read() {
    const code = (value(currencyField.control) || currency()).toUpperCase();
    const typed = value(amount.control);
    const minor = typed === null ? '0' : parseMoney(typed, /^[A-Z]{3}$/.test(code) ? code : currency());
    if (minor === null || minor.startsWith('-')) {
      throw {message: 'Check the amount.', errors: [{field: 'amount', rule: 'format',
        message: 'Must be an amount such as 1250.00, with no more decimals than the currency has.'}]};
    }
    return {
      title: value(title.control) ?? '',
      amount: Number(minor),
      currency: code,
      expected_close_date: value(close.control),
      owner_id: owner.control.value ? Number(owner.control.value) : null,
      priority: priority.control.value,
      source: value(source.control),
      notes: value(notes.control),
    };
  }

  return {
    title,
    grid: h('div', {class: 'form-grid'}, amount, currencyField, close, owner, priority, source),
    notes,
    read,
  };
}

export async function newDealView(main, params, queryParams) {
  if (!can('deals.create')) {
    noAccess(main, 'New deal');
    return;
  }
  const [record, pipelines, staff] = await Promise.all([
    prefilledRecord(queryParams), loadPipelines(), staffChoices().catch(() => [])]);
  const key = idempotencyKey();
  const picker = recordPicker({selected: record});
  const fields = dealFields(null, staff);
  const startPipeline = pipelines.find((p) => String(p.id) === queryParams.pipeline) || pipelines[0];
  const pipeline = field({name: 'pipeline_id', label: 'Pipeline', type: 'select', required: true, blank: false,
    value: startPipeline && startPipeline.id, options: pipelines.map((p) => [p.id, p.name])});
  const stage = field({name: 'stage_id', label: 'Stage', type: 'select', required: true, blank: false, options: []});

  function fillStages(chosenStage) {
    const p = pipelines.find((x) => String(x.id) === pipeline.control.value);
    const live = p ? p.stages : [];
    mount(stage.control, live.map((s) => h('option', {value: s.id, selected: String(s.id) === String(chosenStage)},
      stageText(s))));
  }
  pipeline.control.addEventListener('change', () => fillStages(null));
  fillStages(queryParams.stage);

  const back = record ? recordHrefOf(record) : '#/pipeline';
  const form = h('form', {class: 'form deal-form', novalidate: true, 'aria-label': 'New deal'},
    h('p', {class: 'help'}, 'Fields marked ', h('span', {class: 'required'}, '*'), ' are required.'),
    summaryBox(),
    h('fieldset', {class: 'section'}, h('legend', {}, 'Deal'),
      fields.title, picker, h('div', {class: 'form-grid'}, pipeline, stage)),
    h('fieldset', {class: 'section'}, h('legend', {}, 'Value and follow-up'), fields.grid, fields.notes),
    h('div', {class: 'actions form-actions'},
      h('button', {type: 'submit', class: 'primary'}, 'Create deal'),
      h('a', {class: 'button', href: back}, 'Cancel')));
  mount(main, h('p', {class: 'breadcrumb'}, h('a', {href: '#/pipeline'}, '← Pipeline')), pageHeader('New deal'), form);

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    busy(form, async () => {
      clearErrors(form);
      let body;
      try {
        body = Object.fromEntries(Object.entries(fields.read()).filter(([k, v]) => v !== null || k === 'owner_id'));
        const target = await picker.read();
        if (target && target.unknown) body.customer = target.unknown;
        else if (target) Object.assign(body, target);
      } catch (err) {
        showErrors(form, err);
        return;
      }
      if (stage.control.value) body.stage_id = Number(stage.control.value);
      else if (pipeline.control.value) body.pipeline_id = Number(pipeline.control.value);
      try {
        const {data} = await api.post('/deals', body, {headers: {'Idempotency-Key': key}});
        flash(`Deal ${data.title} created for ${data.customer.display_name} in ${data.stage.name}.`);
        go(dealHref(data.id).slice(1));
      } catch (err) {
        // The picker is one field for both members of the body.
        err.errors = (err.errors || []).map((e) => (e.field === 'prospect' ? {...e, field: 'customer'} : e));
        showErrors(form, err);
      }
    });
  });
}

function recordHrefOf(record) {
  return record.lifecycle === 'customer' ? link('customers', record.code) : link('prospects', record.reference);
}
