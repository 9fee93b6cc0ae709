// The pipeline board (#/pipeline?pipeline=ID): one column per live stage of
// GET /pipelines/{id}/board with its count and totals per currency, and the
// stage's first deals as cards. "Show more deals" follows the stage's
// next_page. Users who may change a deal drag its card to another column or
// use its "Move to…" menu. The board is read again after each move, so both
// columns show the server's totals.

import {api} from '../../lib/api.js';
import {h, loading, mount} from '../../lib/dom.js';
import {date} from '../../lib/format.js';
import {menuButton} from '../../lib/menu.js';
import {notice} from '../../lib/notice.js';
import {go} from '../../lib/router.js';
import {can, canOn} from '../../lib/session.js';
import {noAccess, pageHeader} from '../layout.js';
import {dealAmount, dealCount, dealHref, isConcurrentChange, loadPipelines, moveDeal, moveMessage, ownerName,
  priorityBadge, recordOfDeal, stageText, totalLines} from './common.js';

const DEALS_PER_STAGE = 20;

/** True when the role may move this deal: deals.update for all deals, or for the user's own. */
function canMove(deal) {
  return canOn('deals.update', deal.owner && deal.owner.id);
}

export async function boardView(main, params, query) {
  if (!can('deals.view')) {
    noAccess(main, 'Pipeline');
    return;
  }
  const pipelines = await loadPipelines();
  if (!pipelines.length) {
    mount(main, pageHeader('Pipeline'), h('p', {class: 'empty'}, 'There is no pipeline yet.'));
    return;
  }
  const pipeline = pipelines.find((p) => String(p.id) === query.pipeline) || pipelines[0];
  const messages = h('div', {class: 'page-messages'});
  const board = h('div', {class: 'board', role: 'region', tabindex: '0',
    'aria-label': `Stages of the ${pipeline.name} pipeline; scrolls sideways`});
  let dragging = null;
  let stages = [];

  mount(main,
    pageHeader(`Pipeline: ${pipeline.name}`,
      can('deals.create') ? h('a', {class: 'button primary', href: `#/deals/new?pipeline=${pipeline.id}`}, 'New deal')
        : null,
      can('pipeline.manage')
        ? h('a', {class: 'button', href: `#/pipeline/settings?pipeline=${pipeline.id}`}, 'Pipeline settings') : null),
    pipelines.length > 1 ? chooser(pipelines, pipeline) : null,
    messages,
    board);

  /** Reads the board and draws it. focusDeal names a card whose title gets the focus. */
  async function load({message = null, focusDeal = null} = {}) {
    if (!stages.length) mount(board, loading('Loading the board…'));
    let data;
    try {
      ({data} = await api.get(`/pipelines/${pipeline.id}/board?limit=${DEALS_PER_STAGE}`));
    } catch (err) {
      const retry = h('button', {type: 'button'}, 'Try again');
      retry.addEventListener('click', () => load());
      mount(messages, h('div', {class: 'notice error', role: 'alert'},
        h('p', {}, `The board could not be loaded: ${err.message}`), retry));
      return;
    }
    stages = data.stages;
    mount(messages, message);
    mount(board, stages.map(column));
    if (focusDeal) {
      const title = board.querySelector(`[data-deal-id="${focusDeal}"] .deal-title`);
      if (title) title.focus();
      else if (message) focusMessage(message);
    }
  }

  function focusMessage(message) {
    message.setAttribute('tabindex', '-1');
    message.focus();
  }

  function column(stage) {
    const headingId = `stage-${stage.id}-heading`;
    const cards = h('ol', {class: 'board-cards', 'aria-labelledby': headingId},
      stage.deals.map((deal) => card(deal, stage)));
    const more = h('div', {class: 'board-more'});
    const section = h('section', {class: `board-column kind-${stage.kind}`, 'aria-labelledby': headingId,
      dataset: {stageId: stage.id}},
    h('header', {class: 'column-head'},
      h('h2', {id: headingId}, stage.name),
      h('p', {class: 'column-kind muted'}, stage.kind === 'open' ? `${stage.probability} % probability`
        : `${stage.kind === 'won' ? 'Won' : 'Lost'} stage`),
      columnTotals(stage)),
    cards,
    stage.count === 0 ? h('p', {class: 'empty column-empty'}, 'No deals in this stage.') : null,
    more);
    if (stage.next_page) moreButton(more, cards, stage, stage.next_page);
    dropZone(section, stage);
    return section;
  }

  function moreButton(more, cards, stage, nextPage) {
    const button = h('button', {type: 'button', class: 'link-button'}, 'Show more deals');
    button.addEventListener('click', async () => {
      button.disabled = true;
      try {
        const {data} = await api.get(nextPage.replace(/^\/api\/v1/, ''));
        const first = cards.children.length;
        cards.append(...data.items.map((deal) => card(deal, stage)));
        const added = cards.children[first];
        if (added) added.querySelector('.deal-title').focus();
        const next = data.next_cursor
          ? `/deals?stage=${stage.id}&sort=board&limit=${DEALS_PER_STAGE}&cursor=${encodeURIComponent(data.next_cursor)}`
          : null;
        mount(more);
        if (next) moreButton(more, cards, stage, next);
      } catch (err) {
        button.disabled = false;
        mount(more, button, h('p', {class: 'field-error', role: 'alert'}, `More deals could not be loaded: ${err.message}`));
      }
    });
    mount(more, button);
  }

  function card(deal, stage) {
    const record = recordOfDeal(deal);
    const owner = ownerName(deal);
    const movable = canMove(deal);
    const item = h('li', {class: 'deal-card', draggable: movable ? 'true' : null, dataset: {dealId: deal.id}},
      h('div', {class: 'card-head'},
        movable ? h('span', {class: 'drag-handle', 'aria-hidden': 'true', title: 'Drag to another stage'}, '⠿') : null,
        h('a', {href: dealHref(deal.id), class: 'deal-title', draggable: 'false'}, deal.title)),
      h('p', {class: 'card-record'}, record.name, h('span', {class: 'muted'}, ` · ${record.key}`)),
      h('p', {class: 'card-amount'}, dealAmount(deal)),
      h('p', {class: 'card-meta'}, priorityBadge(deal.priority),
        deal.expected_close_date ? h('span', {class: 'muted'}, `Close ${date(deal.expected_close_date)}`) : null),
      owner || movable ? h('div', {class: 'card-foot'},
        h('span', {class: 'card-owner muted'}, owner || ''),
        movable ? moveMenu(deal, stage) : null) : null);
    if (movable) {
      item.addEventListener('dragstart', (event) => {
        dragging = {deal, stage};
        event.dataTransfer.effectAllowed = 'move';
        event.dataTransfer.setData('text/plain', String(deal.id));
        item.classList.add('dragging');
        board.classList.add('drag-active');
        board.querySelector(`[data-stage-id="${stage.id}"]`).classList.add('drag-source');
      });
      item.addEventListener('dragend', () => {
        dragging = null;
        item.classList.remove('dragging');
        board.classList.remove('drag-active');
        board.querySelectorAll('.drop-target, .drag-source').forEach((el) => el.classList.remove('drop-target',
          'drag-source'));
      });
    }
    return item;
  }

  function moveMenu(deal, stage) {
    const others = stages.filter((s) => s.id !== stage.id);
    return h('div', {class: 'card-actions'}, menuButton({
      label: 'Move to…',
      name: `Move ${deal.title} to another stage`,
      className: 'move-button',
      items: others.map((target) => ({label: stageText(target), onSelect: () => move(deal, target, true)})),
    }));
  }

  function dropZone(section, stage) {
    section.addEventListener('dragover', (event) => {
      if (!dragging || dragging.stage.id === stage.id) return;
      event.preventDefault();
      event.dataTransfer.dropEffect = 'move';
      section.classList.add('drop-target');
    });
    section.addEventListener('dragleave', (event) => {
      if (!section.contains(event.relatedTarget)) section.classList.remove('drop-target');
    });
    section.addEventListener('drop', (event) => {
      event.preventDefault();
      section.classList.remove('drop-target');
      if (!dragging || dragging.stage.id === stage.id) return;
      const {deal} = dragging;
      dragging = null;
      move(deal, stage, false);
    });
  }

  /** Moves a deal and reads the board again. After a keyboard move the card's title gets the focus. */
  async function move(deal, target, fromKeyboard) {
    const item = board.querySelector(`[data-deal-id="${deal.id}"]`);
    if (item) {
      item.classList.add('moving');
      item.setAttribute('aria-busy', 'true');
    }
    try {
      const result = await moveDeal(deal, target);
      if (result.cancelled) {
        if (item) {
          item.classList.remove('moving');
          item.removeAttribute('aria-busy');
        }
        return;
      }
      await load({message: notice('success', moveMessage(result.deal, target)),
        focusDeal: fromKeyboard ? deal.id : null});
    } catch (err) {
      const message = isConcurrentChange(err)
        ? notice('error', `${deal.title} was changed by someone else after the board was loaded, so it was not `
          + `moved. The board shows the current state now; check it and try again.`)
        : notice('error', `${deal.title} could not be moved: ${err.message}`);
      await load({message});
      focusMessage(message);
    }
  }

  await load();
}

function columnTotals(stage) {
  return h('div', {class: 'column-totals', dataset: {stageTotals: stage.id}},
    h('p', {class: 'column-count'}, dealCount(stage.count)),
    totalLines(stage).map((t) => h('p', {class: 'column-amount', dataset: {currency: t.currency}},
      h('span', {class: 'amount'}, t.amount),
      h('span', {class: 'weighted muted'}, `Weighted ${t.weighted}`))));
}

function chooser(pipelines, pipeline) {
  const id = 'pipeline-chooser';
  const select = h('select', {id},
    pipelines.map((p) => h('option', {value: p.id, selected: p.id === pipeline.id},
      p.is_default ? `${p.name} (default)` : p.name)));
  select.addEventListener('change', () => go(`/pipeline?pipeline=${select.value}`));
  return h('div', {class: 'field pipeline-chooser'}, h('label', {for: id}, 'Pipeline'), select);
}
