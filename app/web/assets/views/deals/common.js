// Pieces the deal screens share: priorities and their badges, the record a
// deal is for, amounts and stage totals, the tenant's pipelines, and moving a
// deal to another stage, with a dialog for the lost reason of a lost stage.

import {api} from '../../lib/api.js';
import {openDialog} from '../../lib/dialog.js';
import {h} from '../../lib/dom.js';
import {busy, clearErrors, field, showErrors, summaryBox, value} from '../../lib/form.js';
import {count, label, money} from '../../lib/format.js';
import {link} from '../../lib/router.js';

export const PRIORITIES = ['low', 'medium', 'high'];
const PRIORITY_TONES = {high: 'warn', medium: '', low: ''};
const STATUS_TONES = {open: 'info', won: 'good', lost: 'bad'};

/** Returns the href of a deal's page. */
export function dealHref(id) {
  return link('deals', id);
}

/** Creates the priority badge of a deal. */
export function priorityBadge(priority) {
  return h('span', {class: `badge ${PRIORITY_TONES[priority] || ''}`.trim()}, `${label(priority)} priority`);
}

/** Creates the status badge of a deal or a stage kind: open, won or lost. */
export function statusBadge(status) {
  return h('span', {class: `badge ${STATUS_TONES[status] || ''}`.trim()}, label(status));
}

/** Returns the code or reference of a deal's record, its name and the href of its page. */
export function recordOfDeal(deal) {
  const record = deal.customer;
  const key = record.code || record.reference;
  const href = record.code ? link('customers', record.code) : link('prospects', record.reference);
  return {key, href, name: record.display_name};
}

/** Returns the name of a deal's owner: the user, an imported owner name, or null. */
export function ownerName(deal) {
  if (deal.owner) return deal.owner.display_name;
  return deal.owner_name || null;
}

/** Formats a deal's amount in its currency. */
export function dealAmount(deal) {
  return money(deal.amount, deal.currency);
}

/**
 * Returns the totals of a stage, one entry per currency with the count and the
 * formatted amount and weighted amount ("EUR 12,500.00"). Amounts are decimal strings of
 * minor units, which money() formats without floating point.
 */
export function totalLines(stage) {
  return (stage.totals || []).map((t) => ({
    currency: t.currency,
    amount: money(t.amount, t.currency),
    weighted: money(t.weighted_amount, t.currency),
    count: t.count,
  }));
}

/** Returns "1 deal" or "12 deals". */
export function dealCount(n) {
  return `${count(n)} deal${n === 1 ? '' : 's'}`;
}

/** Returns every pipeline with its live stages, the default first (GET /pipelines). */
export async function loadPipelines() {
  const {data} = await api.get('/pipelines');
  return data.items;
}

/** Returns the text of a stage for selects: "Qualified (40 %)" or "Closed Won (won)". */
export function stageText(stage) {
  return stage.kind === 'open' ? `${stage.name} (${stage.probability} %)` : `${stage.name} (${stage.kind})`;
}

/** True for a failure that means the deal changed since it was read: 412 on its ETag, or 409. */
export function isConcurrentChange(err) {
  return err && (err.status === 409 || err.status === 412);
}

/**
 * Moves a deal to a stage with POST /deals/{id}/move, sending the version the
 * caller read as If-Match. A move into a lost stage from another kind first
 * requests the lost reason in a dialog, which shows the API's field errors.
 * Resolves {deal} with the moved deal and its `conversion`, {cancelled: true}
 * when the user closes the dialog, or rejects with the ApiError.
 */
export async function moveDeal(deal, stage) {
  const send = (body) => api.post(`/deals/${deal.id}/move`, body,
    {headers: deal.version ? {'If-Match': `"${deal.version}"`} : {}});
  if (stage.kind !== 'lost' || deal.status === 'lost') {
    const {data} = await send({stage_id: stage.id});
    return {deal: data};
  }
  return lostReasonDialog(deal, stage, send);
}

function lostReasonDialog(deal, stage, send) {
  const reason = field({name: 'lost_reason', label: 'Lost reason', type: 'textarea', rows: 4, required: true,
    maxlength: 1000, help: 'Why the deal was lost, for the reports and for anyone who reopens it.'});
  const submit = h('button', {type: 'submit', class: 'primary'}, `Move to ${stage.name}`);
  const cancel = h('button', {type: 'button'}, 'Cancel');
  const form = h('form', {class: 'form', novalidate: true}, summaryBox(),
    h('p', {}, `${deal.title} moves to ${stage.name}, a lost stage.`), reason,
    h('div', {class: 'actions dialog-actions'}, submit, cancel));
  const dialog = openDialog({title: `Why was ${deal.title} lost?`, content: form});
  cancel.addEventListener('click', () => dialog.close());
  reason.control.focus();
  return new Promise((resolve, reject) => {
    let settled = false;
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      busy(form, async () => {
        clearErrors(form);
        // An empty reason goes to the API too, whose "required" error shows next to the field.
        const text = value(reason.control);
        try {
          const {data} = await send(text === null ? {stage_id: stage.id} : {stage_id: stage.id, lost_reason: text});
          settled = true;
          dialog.close();
          await dialog.closed;
          resolve({deal: data});
        } catch (err) {
          if (err.status === 422) {
            showErrors(form, err);
            return;
          }
          settled = true;
          dialog.close();
          await dialog.closed;
          reject(err);
        }
      });
    });
    dialog.closed.then(() => {
      if (!settled) resolve({cancelled: true});
    });
  });
}

/**
 * Returns the parts of the notice after a move: where the deal went and, for
 * a won deal of a prospect, the conversion and the new Customer Code.
 */
export function moveMessage(deal, stage) {
  const parts = [`${deal.title} moved to ${stage.name}.`];
  const c = deal.conversion;
  if (c && c.converted) {
    const reference = deal.customer.reference;
    parts.push(` The deal is won, so ${reference ? `prospect ${reference}, ` : ''}${deal.customer.display_name}`
      + `${reference ? ',' : ''} is a customer now with the Customer Code `,
    h('a', {href: link('customers', c.customer_code), class: 'record-key'}, c.customer_code), '.');
  } else if (c && c.reason && c.reason !== 'already_customer') {
    parts.push(` ${c.detail}`);
  }
  return parts;
}
