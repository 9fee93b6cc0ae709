// The page of one deal (#/deals/ID): every field, a move to another stage of
// its pipeline, the edit dialog and the stages the deal went through. Every
// change sends If-Match with the ETag of the version shown. After a 412 the
// page reads the deal again and shows why nothing was saved.

import {api, query} from '../../lib/api.js';
import {openDialog} from '../../lib/dialog.js';
import {h, loading, mount} from '../../lib/dom.js';
import {busy, clearErrors, field, showErrors, summaryBox, value} from '../../lib/form.js';
import {date, dateTime, hours, label} from '../../lib/format.js';
import {notice} from '../../lib/notice.js';
import {can, canOn} from '../../lib/session.js';
import {dataTable} from '../../lib/table.js';
import {noAccess, pageHeader} from '../layout.js';
import {staffChoices} from '../cases/common.js';
import {dealAmount, isConcurrentChange, loadPipelines, moveDeal, moveMessage, ownerName, priorityBadge,
  recordOfDeal, stageText, statusBadge} from './common.js';
import {dealFields} from './form.js';

const HISTORY_PAGE = 50;

async function fetchDeal(id) {
  const {data, headers} = await api.get(`/deals/${encodeURIComponent(id)}`);
  return {deal: data, etag: headers.get('ETag')};
}

export async function dealView(main, params) {
  if (!can('deals.view')) {
    noAccess(main, 'Deal');
    return;
  }
  let current;
  try {
    current = await fetchDeal(params.id);
  } catch (err) {
    if (err.status !== 404 && err.status !== 400) throw err;
    mount(main, pageHeader(`Deal ${params.id}`), h('p', {role: 'alert'}, err.message),
      h('p', {}, h('a', {href: '#/pipeline'}, 'Back to the pipeline')));
    return;
  }
  const pipelines = await loadPipelines().catch(() => []);
  const messages = h('div', {class: 'page-messages'});
  const page = h('div', {class: 'deal-page'});
  mount(main, h('p', {class: 'breadcrumb'},
    h('a', {href: `#/pipeline?pipeline=${current.deal.pipeline.id}`}, '← Pipeline')), page);

  async function refresh(message) {
    current = await fetchDeal(current.deal.id);
    draw(message);
  }

  function draw(message) {
    const d = current.deal;
    const record = recordOfDeal(d);
    const editable = canOn('deals.update', d.owner && d.owner.id);
    mount(messages, message);
    mount(page,
      pageHeader(d.title, editable ? button('Edit deal', () => editDialog()) : null),
      h('p', {class: 'record-subtitle'},
        statusBadge(d.status), h('span', {class: 'badge'}, d.stage.name), priorityBadge(d.priority),
        h('span', {}, 'for ', h('a', {href: record.href}, `${record.key} · ${record.name}`))),
      messages,
      editable ? stagePanel(d) : null,
      h('section', {class: 'panel', 'aria-labelledby': 'deal-details-heading'},
        h('h2', {id: 'deal-details-heading'}, 'Details'), detailsList(d)),
      historySection(d));
    if (message) {
      message.setAttribute('tabindex', '-1');
      message.focus();
    }
  }

  function stagePanel(d) {
    const pipeline = pipelines.find((p) => p.id === d.pipeline.id);
    const stages = pipeline ? pipeline.stages : [];
    const select = field({name: 'stage_id', label: 'Move to stage', type: 'select', blank: false, value: d.stage.id,
      options: stages.map((s) => [s.id, stageText(s)])});
    const form = h('form', {class: 'form stage-form', novalidate: true, 'aria-labelledby': 'deal-stage-heading'},
      summaryBox(), h('div', {class: 'stage-row'}, select, h('button', {type: 'submit'}, 'Move')));
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      const target = stages.find((s) => String(s.id) === select.control.value);
      if (!target || target.id === d.stage.id) return;
      busy(form, async () => {
        clearErrors(form);
        try {
          const result = await moveDeal(d, target);
          if (result.cancelled) return;
          current = await fetchDeal(d.id);
          draw(notice('success', moveMessage(result.deal, target)));
        } catch (err) {
          if (isConcurrentChange(err)) {
            await refresh(notice('error', `${d.title} was changed by someone else after you opened it, so it was `
              + 'not moved. This is the current version; check it and try again.'));
          } else {
            showErrors(form, err);
          }
        }
      });
    });
    return h('section', {class: 'panel status-panel', 'aria-labelledby': 'deal-stage-heading'},
      h('h2', {id: 'deal-stage-heading'}, `Stage: ${d.stage.name}`), form);
  }

  async function editDialog() {
    const d = current.deal;
    const staff = await staffChoices().catch(() => []);
    const fields = dealFields(d, staff);
    const lostReason = d.status === 'lost'
      ? field({name: 'lost_reason', label: 'Lost reason', type: 'textarea', rows: 3, maxlength: 1000,
        value: d.lost_reason, required: true})
      : null;
    const submit = h('button', {type: 'submit', class: 'primary'}, 'Save changes');
    const cancel = h('button', {type: 'button'}, 'Cancel');
    const form = h('form', {class: 'form', novalidate: true}, summaryBox(), fields.title, fields.grid, fields.notes,
      lostReason, h('div', {class: 'actions dialog-actions'}, submit, cancel));
    const dialog = openDialog({title: `Edit ${d.title}`, content: form, wide: true});
    cancel.addEventListener('click', () => dialog.close());
    fields.title.control.focus();
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      busy(form, async () => {
        clearErrors(form);
        let typed;
        try {
          typed = fields.read();
        } catch (err) {
          showErrors(form, err);
          return;
        }
        if (lostReason) typed.lost_reason = value(lostReason.control);
        const before = {...d, owner_id: d.owner ? d.owner.id : null};
        const body = Object.fromEntries(Object.entries(typed).filter(([k, v]) => v !== (before[k] ?? null)));
        if (!Object.keys(body).length) {
          dialog.close();
          return;
        }
        try {
          const {data, headers} = await api.patch(`/deals/${d.id}`, body, {headers: {'If-Match': current.etag}});
          current = {deal: data, etag: headers.get('ETag')};
          dialog.close();
          await dialog.closed;
          draw(notice('success', `Changes to ${data.title} saved.`));
        } catch (err) {
          if (isConcurrentChange(err)) {
            dialog.close();
            await dialog.closed;
            await refresh(notice('error', `${d.title} was changed by someone else after you opened it, so your `
              + 'changes were not saved. This is the current version; check it and try again.'));
          } else {
            showErrors(form, err);
          }
        }
      });
    });
  }

  draw(null);
}

function button(text, onClick) {
  const b = h('button', {type: 'button'}, text);
  b.addEventListener('click', onClick);
  return b;
}

function detailsList(d) {
  const record = recordOfDeal(d);
  const pairs = [
    ['Customer or prospect', h('a', {href: record.href}, `${record.key} · ${record.name}`)],
    ['Pipeline', d.pipeline.name],
    ['Stage', `${d.stage.name} (${d.stage.probability} % probability)`],
    ['Amount', dealAmount(d)],
    ['Expected close', date(d.expected_close_date)],
    ['Owner', ownerName(d)],
    ['Priority', label(d.priority)],
    ['Source', d.source],
    ['Notes', d.notes ? h('p', {class: 'notes'}, d.notes) : null],
    d.lost_reason ? ['Lost reason', h('p', {class: 'notes'}, d.lost_reason)] : null,
    d.won_at ? ['Won', dateTime(d.won_at)] : null,
    d.lost_at ? ['Lost', dateTime(d.lost_at)] : null,
    ['In this stage since', dateTime(d.stage_entered_at)],
    ['Created', `${dateTime(d.created_at)}${d.created_by ? ` by ${d.created_by.display_name}` : ''}`],
    ['Last changed', dateTime(d.updated_at)],
  ];
  return h('dl', {class: 'details'}, pairs.filter(Boolean).map(([term, v]) => [
    h('dt', {}, term),
    h('dd', {}, v === null || v === undefined || v === '' ? '—' : v),
  ]));
}

/** Creates the stage history: the stages the deal entered, oldest first, with the time spent in each. */
function historySection(d) {
  const rows = [];
  const results = h('div', {});
  const more = h('div', {class: 'history-more'});
  const section = h('section', {class: 'deal-history', 'aria-labelledby': 'deal-history-heading'},
    h('h2', {id: 'deal-history-heading'}, 'Stage history'), results, more);

  async function load(cursor) {
    mount(more, loading('Loading the stage history…'));
    try {
      const {data} = await api.get(`/deals/${d.id}/history${query({limit: HISTORY_PAGE, cursor})}`);
      rows.push(...data.items.map((entry) => [
        entry.to_stage.name,
        entry.from_stage ? entry.from_stage.name : 'Created here',
        dateTime(entry.changed_at),
        entry.changed_by ? entry.changed_by.display_name : 'The system',
        [entry.seconds_in_stage < 60 ? 'Under a minute' : hours(entry.seconds_in_stage / 3600), entry.current ? h('span', {class: 'muted'}, ' (current)') : null],
      ]));
      mount(results, rows.length ? dataTable({caption: `Stages of ${d.title}, oldest first`,
        columns: ['Stage', 'From', 'Entered', 'By', 'Time in stage'], rows, className: 'history-table'})
        : h('p', {class: 'empty'}, 'No stage changes yet.'));
      if (data.next_cursor) {
        const b = h('button', {type: 'button'}, 'Show later changes');
        b.addEventListener('click', () => load(data.next_cursor));
        mount(more, b);
      } else mount(more);
    } catch (err) {
      mount(more, h('p', {class: 'notice error', role: 'alert'}, `The stage history could not be loaded: ${err.message}`));
    }
  }

  load('');
  return section;
}
