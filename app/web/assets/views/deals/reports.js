// The Reports screen (#/reports?from=&to=&group_by=&pipeline=): the funnel of
// GET /reports/funnel as an SVG chart, and the win rate, average deal size,
// average cycle time and prospect conversion of GET /reports/sales, for a
// period in the tenant's time zone, optionally broken down by owner or source.
// The API computes every figure; this screen only formats them.

import {api, query} from '../../lib/api.js';
import {funnelChart} from '../../lib/chart.js';
import {h, loading, mount} from '../../lib/dom.js';
import {busy, clearErrors, field, showErrors, summaryBox} from '../../lib/form.js';
import {count, date, money} from '../../lib/format.js';
import {go} from '../../lib/router.js';
import {can, timeZone} from '../../lib/session.js';
import {dataTable} from '../../lib/table.js';
import {noAccess, pageHeader} from '../layout.js';

const DEFAULT_DAYS = 90;
const GROUPS = [['owner', 'Owner'], ['source', 'Source']];

/** Returns today's date (YYYY-MM-DD) in the tenant's time zone, and the date days before it. */
function defaultPeriod() {
  const today = new Intl.DateTimeFormat('en-CA', {timeZone: timeZone(), year: 'numeric', month: '2-digit',
    day: '2-digit'}).format(new Date());
  const [y, m, d] = today.split('-').map(Number);
  const start = new Date(Date.UTC(y, m - 1, d - (DEFAULT_DAYS - 1))).toISOString().slice(0, 10);
  return {from: start, to: today};
}

/** Returns "66.7 %" for a rate, or "—" when it has no denominator. */
function rateText(rate) {
  return rate && rate.percent !== null && rate.percent !== undefined ? `${rate.percent} %` : '—';
}

function groupName(group) {
  if ('source' in group) return group.source || 'No source';
  if (group.owner) return group.owner.display_name;
  return group.owner_name || 'No owner';
}

function averageSizes(sizes) {
  if (!sizes || !sizes.length) return '—';
  return sizes.map((s) => h('span', {class: 'line'}, money(s.average, s.currency),
    h('span', {class: 'muted'}, ` (${count(s.deals)} won)`)));
}

function cycleText(cycle) {
  return cycle && cycle.days !== null && cycle.days !== undefined ? `${cycle.days} days` : '—';
}

function tile(key, name, value, note) {
  return h('li', {class: 'stat', dataset: {figure: key}},
    h('div', {class: 'stat-body'}, h('span', {class: 'value'}, value), h('span', {class: 'name'}, name),
      note ? h('span', {class: 'name'}, note) : null));
}

function salesTiles(total) {
  const win = total.win_rate;
  const conversion = total.conversion_rate;
  const cycle = total.average_cycle_time;
  return h('ul', {class: 'stat-grid'},
    tile('win_rate', 'Win rate', rateText(win), `${count(win.won)} won, ${count(win.lost)} lost`),
    h('li', {class: 'stat', dataset: {figure: 'average_deal_size'}},
      h('div', {class: 'stat-body'}, h('span', {class: 'value small-value'}, averageSizes(total.average_deal_size)),
        h('span', {class: 'name'}, 'Average size of won deals'))),
    tile('average_cycle_time', 'Average cycle time', cycleText(cycle),
      `from creation to closing, over ${count(cycle.deals)} closed deal${cycle.deals === 1 ? '' : 's'}`),
    tile('conversion_rate', 'Prospect-to-customer conversion', rateText(conversion),
      `${count(conversion.converted)} of ${count(conversion.prospects_created)} prospects created`));
}

function salesTable(groups, by) {
  return dataTable({
    caption: `Sales figures by ${by}`,
    columns: [by === 'owner' ? 'Owner' : 'Source', 'Win rate', 'Won / lost', 'Average deal size', 'Cycle time',
      'Conversion'],
    rows: groups.map((g) => [
      groupName(g),
      rateText(g.win_rate),
      `${count(g.win_rate.won)} / ${count(g.win_rate.lost)}`,
      averageSizes(g.average_deal_size),
      cycleText(g.average_cycle_time),
      [rateText(g.conversion_rate), h('span', {class: 'muted'},
        ` (${count(g.conversion_rate.converted)} of ${count(g.conversion_rate.prospects_created)})`)],
    ]),
    className: 'report-table',
  });
}

function funnelFigure(pipeline, period) {
  const stages = pipeline.stages.map((s) => ({name: s.removed ? `${s.name} (removed)` : s.name, value: s.deals}));
  const total = stages.reduce((sum, s) => sum + s.value, 0);
  if (!total) {
    return h('div', {class: 'chart-figure'}, h('h3', {class: 'chart-title'}, `Funnel of ${pipeline.name}`),
      h('p', {class: 'empty'}, 'No deal entered a stage of this pipeline in the period.'));
  }
  return funnelChart({
    title: `Funnel of ${pipeline.name}`,
    summary: `Deals that entered each stage from ${date(period.from)} to ${date(period.to)}: `
      + `${stages.map((s) => `${s.name} ${count(s.value)}`).join(', ')}.`,
    tableCaption: 'Deals that entered each stage',
    valueLabel: 'Deals',
    stages,
  });
}

/** Creates the table of the funnel by owner or source: one row per group, one column per stage. */
function funnelGroupTable(pipeline, by) {
  const names = new Map();
  for (const stage of pipeline.stages) {
    for (const g of stage.groups || []) names.set(groupName(g), true);
  }
  if (!names.size) return null;
  const rows = [...names.keys()].map((name) => [name, ...pipeline.stages.map((stage) => {
    const found = (stage.groups || []).find((g) => groupName(g) === name);
    return count(found ? found.deals : 0);
  })]);
  return dataTable({caption: `Funnel of ${pipeline.name} by ${by}`,
    columns: [by === 'owner' ? 'Owner' : 'Source', ...pipeline.stages.map((s) => s.name)], rows,
    className: 'report-table funnel-groups'});
}

export async function reportsView(main, params, queryParams) {
  if (!can('reports.view')) {
    noAccess(main, 'Reports');
    return;
  }
  const start = defaultPeriod();
  const state = {
    from: queryParams.from || start.from,
    to: queryParams.to || start.to,
    group_by: GROUPS.some(([g]) => g === queryParams.group_by) ? queryParams.group_by : '',
    pipeline: queryParams.pipeline || '',
  };
  const pipelines = can('deals.view')
    ? await api.get('/pipelines').then(({data}) => data.items).catch(() => []) : [];
  const from = field({name: 'from', label: 'From', type: 'date', required: true, value: state.from});
  const to = field({name: 'to', label: 'To', type: 'date', required: true, value: state.to});
  const group = field({name: 'group_by', label: 'Break down by', type: 'select', value: state.group_by,
    blank: 'Nothing', options: GROUPS});
  const pipeline = pipelines.length > 1
    ? field({name: 'pipeline', label: 'Pipeline', type: 'select', value: state.pipeline, blank: false,
      options: pipelines.map((p) => [p.id, p.name])})
    : null;
  const form = h('form', {class: 'filters report-filters', novalidate: true, 'aria-label': 'Report period'},
    summaryBox(),
    h('div', {class: 'filter-fields'}, from, to, group, pipeline),
    h('div', {class: 'actions'}, h('button', {type: 'submit', class: 'primary'}, 'Show report')));
  const results = h('div', {class: 'report-results'});
  mount(main, pageHeader('Reports'),
    h('p', {class: 'muted'}, `Dates are days in ${timeZone()}; both days are included.`), form, results);

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const next = {from: from.control.value, to: to.control.value, group_by: group.control.value,
      pipeline: pipeline ? pipeline.control.value : ''};
    go(`/reports${query(next)}`);
  });

  await busy(form, async () => {
    clearErrors(form);
    mount(results, loading('Loading the reports…'));
    const period = {from: state.from, to: state.to, group_by: state.group_by};
    let funnel;
    let sales;
    try {
      [{data: funnel}, {data: sales}] = await Promise.all([
        api.get(`/reports/funnel${query({...period, pipeline: state.pipeline})}`),
        api.get(`/reports/sales${query(period)}`)]);
    } catch (err) {
      mount(results);
      showErrors(form, err);
      return;
    }
    const by = sales.group_by;
    const shown = funnel.pipelines.find((p) => String(p.id) === state.pipeline)
      || funnel.pipelines.find((p) => p.is_default) || funnel.pipelines[0];
    mount(results,
      h('section', {class: 'report-section', 'aria-labelledby': 'report-sales-heading'},
        h('h2', {id: 'report-sales-heading'}, `Sales from ${date(sales.from)} to ${date(sales.to)}`),
        salesTiles(sales.total),
        by && sales.groups.length ? [h('h3', {}, `By ${by}`), salesTable(sales.groups, by)] : null),
      h('section', {class: 'report-section', 'aria-labelledby': 'report-funnel-heading'},
        h('h2', {id: 'report-funnel-heading'}, 'Funnel'),
        shown ? funnelFigure(shown, funnel) : h('p', {class: 'empty'}, 'There is no pipeline yet.'),
        shown && by ? funnelGroupTable(shown, by) : null));
  });
}
