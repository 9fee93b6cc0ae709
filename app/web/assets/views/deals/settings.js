// Pipeline settings (#/pipeline/settings?pipeline=ID), for pipeline.manage:
// rename the pipeline, add stages, rename, reorder and change stages, and
// remove a stage. A stage that contains deals is removed only by naming
// another stage of the same kind that takes them (the API's move_to).

import {api} from '../../lib/api.js';
import {confirmDialog, openDialog} from '../../lib/dialog.js';
import {h, mount} from '../../lib/dom.js';
import {busy, clearErrors, field, showErrors, summaryBox, value} from '../../lib/form.js';
import {label} from '../../lib/format.js';
import {notice} from '../../lib/notice.js';
import {can} from '../../lib/session.js';
import {noAccess, pageHeader} from '../layout.js';
import {dealCount, loadPipelines} from './common.js';

const KINDS = [['open', 'Open'], ['won', 'Won'], ['lost', 'Lost']];

/** Reads a whole number from a field, or returns the text for the API to reject. */
function numberOf(control) {
  const text = value(control);
  if (text === null) return null;
  return /^\d+$/.test(text) ? Number(text) : text;
}

export async function pipelineSettingsView(main, params, queryParams) {
  if (!can('pipeline.manage')) {
    noAccess(main, 'Pipeline settings');
    return;
  }
  const messages = h('div', {class: 'page-messages'});
  const body = h('div', {class: 'pipeline-settings'});
  let pipeline;
  let counts = new Map();

  async function reload(message) {
    const pipelines = await loadPipelines();
    pipeline = pipelines.find((p) => String(p.id) === String(queryParams.pipeline)) || pipelines[0];
    const {data} = await api.get(`/pipelines/${pipeline.id}/board?limit=1`);
    counts = new Map(data.stages.map((s) => [s.id, s.count]));
    draw(message);
  }

  function draw(message) {
    mount(main,
      h('p', {class: 'breadcrumb'}, h('a', {href: `#/pipeline?pipeline=${pipeline.id}`}, '← Pipeline')),
      pageHeader(`Pipeline settings: ${pipeline.name}`),
      messages, body);
    mount(messages, message);
    mount(body, renameForm(), stageList(), addForm());
    if (message) {
      message.setAttribute('tabindex', '-1');
      message.focus();
    }
  }

  /** Sends a change, then draws the page again with a notice or shows the error on form. */
  async function change(form, send, success) {
    clearErrors(form);
    try {
      await send();
    } catch (err) {
      if (err.status === 409) {
        await reload(notice('error', err.message));
        return;
      }
      showErrors(form, err);
      return;
    }
    await reload(notice('success', success));
  }

  function renameForm() {
    const name = field({name: 'name', label: 'Pipeline name', required: true, maxlength: 80, value: pipeline.name});
    const form = h('form', {class: 'form panel settings-form', novalidate: true, 'aria-label': 'Rename the pipeline'},
      summaryBox(), name, h('div', {class: 'actions'}, h('button', {type: 'submit'}, 'Rename')));
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      const text = value(name.control) ?? '';
      busy(form, () => change(form, () => api.patch(`/pipelines/${pipeline.id}`, {name: text}),
        `The pipeline is called ${text} now.`));
    });
    return form;
  }

  function stageList() {
    return h('section', {class: 'stage-settings', 'aria-labelledby': 'stages-heading'},
      h('h2', {id: 'stages-heading'}, 'Stages'),
      h('p', {class: 'help'}, 'The board shows the stages in this order. A stage\'s kind decides the status of its '
        + 'deals; a pipeline keeps at least one open, one won and one lost stage.'),
      h('ol', {class: 'stage-list'}, pipeline.stages.map((stage, i) => stageRow(stage, i))));
  }

  function stageRow(stage, index) {
    const deals = counts.get(stage.id) || 0;
    const name = field({name: 'name', label: 'Name', required: true, maxlength: 80, value: stage.name});
    const probability = field({name: 'probability', label: 'Probability (%)', inputmode: 'numeric', maxlength: 3,
      value: stage.probability});
    const kind = field({name: 'kind', label: 'Kind', type: 'select', blank: false, value: stage.kind, options: KINDS,
      disabled: deals > 0, help: deals > 0 ? 'Cannot change while the stage contains deals.' : null});
    const up = h('button', {type: 'button', class: 'icon-button', 'aria-label': `Move ${stage.name} up`,
      disabled: index === 0}, '↑');
    const down = h('button', {type: 'button', class: 'icon-button', 'aria-label': `Move ${stage.name} down`,
      disabled: index === pipeline.stages.length - 1}, '↓');
    const remove = h('button', {type: 'button', class: 'danger'}, 'Remove…');

    const form = h('form', {class: 'form stage-row-form', novalidate: true, 'aria-label': `Stage ${stage.name}`},
      summaryBox(),
      h('p', {class: 'stage-row-meta'}, h('strong', {}, `${index + 1}. ${stage.name}`),
        h('span', {class: 'muted'}, ` · ${dealCount(deals)}`)),
      h('div', {class: 'form-grid stage-fields'}, name, probability, kind),
      h('div', {class: 'actions'}, h('button', {type: 'submit'}, 'Save stage'), up, down, remove));

    const path = `/pipelines/${pipeline.id}/stages/${stage.id}`;
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      const typed = {name: value(name.control) ?? '', probability: numberOf(probability.control),
        kind: kind.control.value};
      const patch = Object.fromEntries(Object.entries(typed).filter(([k, v]) => v !== stage[k]));
      if (!Object.keys(patch).length) return;
      busy(form, () => change(form, () => api.patch(path, patch), `Stage ${typed.name} saved.`));
    });
    up.addEventListener('click', () => busy(form, () => change(form,
      () => api.patch(path, {position: stage.position - 1}), `${stage.name} moved up.`)));
    down.addEventListener('click', () => busy(form, () => change(form,
      () => api.patch(path, {position: stage.position + 1}), `${stage.name} moved down.`)));
    remove.addEventListener('click', () => removeStage(stage, deals, form));
    return h('li', {class: 'panel stage-row', dataset: {stageId: stage.id}}, form);
  }

  async function removeStage(stage, deals, form) {
    const path = `/pipelines/${pipeline.id}/stages/${stage.id}`;
    if (!deals) {
      const ok = await confirmDialog({title: `Remove ${stage.name}?`, danger: true, confirmLabel: 'Remove stage',
        message: `${stage.name} contains no deals. It leaves the board, and the history of deals that were in it keeps it.`});
      if (ok) await change(form, () => api.del(path), `${stage.name} removed.`);
      return;
    }
    const targets = pipeline.stages.filter((s) => s.id !== stage.id && s.kind === stage.kind);
    const target = field({name: 'move_to', label: `Move its ${dealCount(deals)} to`, type: 'select', required: true,
      blank: targets.length ? false : 'No other stage of this kind', options: targets.map((s) => [s.id, s.name]),
      help: `Only ${stage.kind} stages can take them, because a stage's kind decides the status of its deals.`});
    const submit = h('button', {type: 'submit', class: 'danger-solid'}, 'Move deals and remove');
    const cancel = h('button', {type: 'button'}, 'Cancel');
    const dialogForm = h('form', {class: 'form', novalidate: true}, summaryBox(),
      h('p', {}, `${stage.name} contains ${dealCount(deals)}. Choose the stage that takes them.`), target,
      h('div', {class: 'actions dialog-actions'}, submit, cancel));
    const dialog = openDialog({title: `Remove ${stage.name}?`, content: dialogForm});
    cancel.addEventListener('click', () => dialog.close());
    dialogForm.addEventListener('submit', (event) => {
      event.preventDefault();
      busy(dialogForm, async () => {
        clearErrors(dialogForm);
        const moveTo = target.control.value;
        try {
          const {data} = await api.del(`${path}?move_to=${encodeURIComponent(moveTo)}`);
          dialog.close();
          await dialog.closed;
          const into = targets.find((s) => String(s.id) === moveTo);
          await reload(notice('success', `${stage.name} removed; ${dealCount(data.moved_deals)} moved to `
            + `${into ? into.name : 'the chosen stage'}.`));
        } catch (err) {
          showErrors(dialogForm, err);
        }
      });
    });
  }

  function addForm() {
    const name = field({name: 'name', label: 'Name', required: true, maxlength: 80});
    const probability = field({name: 'probability', label: 'Probability (%)', required: true, inputmode: 'numeric',
      maxlength: 3});
    const kind = field({name: 'kind', label: 'Kind', type: 'select', blank: false, value: 'open', options: KINDS});
    const position = field({name: 'position', label: 'Position', type: 'select', blank: 'Last',
      options: pipeline.stages.map((s) => [s.position, `Before ${s.name}`])});
    const form = h('form', {class: 'form panel', novalidate: true, 'aria-labelledby': 'add-stage-heading'},
      h('h2', {id: 'add-stage-heading'}, 'Add a stage'), summaryBox(),
      h('div', {class: 'form-grid'}, name, probability, kind, position),
      h('div', {class: 'actions'}, h('button', {type: 'submit', class: 'primary'}, 'Add stage')));
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      const stage = {name: value(name.control) ?? '', probability: numberOf(probability.control),
        kind: kind.control.value};
      if (position.control.value) stage.position = Number(position.control.value);
      busy(form, () => change(form, () => api.post(`/pipelines/${pipeline.id}/stages`, stage),
        `Stage ${stage.name} added as ${label(stage.kind).toLowerCase()}.`));
    });
    return form;
  }

  await reload(null);
}
