// The start page after sign-in: the figures of GET /api/v1/dashboard (records
// and open cases by status, overdue cases, cases opened and resolved per week,
// the pipeline funnel) and the user's own and overdue cases. A figure the role
// may not see is null in the API and left out here, never shown as zero. Users
// whose role shows few figures also get links to their modules.

import {api} from '../lib/api.js';
import {groupedBarChart, funnelChart} from '../lib/chart.js';
import {h, loading, mount} from '../lib/dom.js';
import {count, date, dateTime, hours, label} from '../lib/format.js';
import {allModules} from '../lib/modules.js';
import {link} from '../lib/router.js';
import {can, session} from '../lib/session.js';
import {pageHeader} from './layout.js';
import {caseBadges} from './cases/common.js';

const CUSTOMER_STATUSES = ['active', 'inactive', 'dormant', 'blacklisted'];
const PROSPECT_STATUSES = ['open', 'qualified', 'disqualified'];
const OPEN_STATUSES = ['new', 'open', 'pending'];
const PRIORITIES = ['urgent', 'high', 'normal', 'low'];

/** Creates a figure tile; with href the whole tile is a link. key names the figure for tests. */
function tile(key, name, value, href, tone) {
  const content = [h('span', {class: 'value'}, count(value)), h('span', {class: 'name'}, name)];
  return h('li', {class: `stat ${tone || ''}`.trim(), dataset: {figure: key}},
    href ? h('a', {href}, content) : h('div', {class: 'stat-body'}, content));
}

function section(title, ...content) {
  const id = `dash-${title.toLowerCase().replace(/[^a-z]+/g, '-')}`;
  return h('section', {class: 'dashboard-section', 'aria-labelledby': id}, h('h2', {id}, title), content);
}

function recordTiles(figures) {
  const tiles = [];
  const {customers, prospects} = figures.records || {};
  if (customers) {
    const total = CUSTOMER_STATUSES.reduce((sum, s) => sum + (customers[s] || 0), 0);
    tiles.push(tile('customers.total', 'Customers', total, '#/customers'));
    for (const s of CUSTOMER_STATUSES) {
      tiles.push(tile(`customers.${s}`, `${label(s)} customers`, customers[s] || 0, `#/customers?status=${s}`));
    }
  }
  if (prospects) {
    for (const s of PROSPECT_STATUSES) {
      tiles.push(tile(`prospects.${s}`, `${label(s)} prospects`, prospects[s] || 0, `#/prospects?status=${s}`));
    }
  }
  return tiles.length ? section('Customers and prospects', h('ul', {class: 'stat-grid'}, tiles)) : null;
}

function caseTiles(cases) {
  const open = cases.open;
  const byStatus = OPEN_STATUSES.map((s) => tile(`cases.open.${s}`, `${label(s)}`, open.by_status[s] || 0,
    `#/cases?status=${s}`));
  const byPriority = PRIORITIES.map((p) => tile(`cases.priority.${p}`, `${label(p)}`, open.by_priority[p] || 0, null,
    p === 'urgent' && open.by_priority[p] ? 'bad' : ''));
  const median = cases.median_time_to_resolution;
  return section('Cases',
    h('ul', {class: 'stat-grid'},
      tile('cases.open.total', 'Open cases', open.total, null),
      tile('cases.overdue', 'Overdue cases', cases.overdue, '#/cases?overdue=true', cases.overdue ? 'bad' : ''),
      h('li', {class: 'stat', dataset: {figure: 'cases.recent'}},
        h('div', {class: 'stat-body'},
          h('span', {class: 'value'}, `${count(cases.recent.opened)} / ${count(cases.recent.resolved)}`),
          h('span', {class: 'name'}, `Opened / resolved in the last ${cases.recent.days} days`))),
      h('li', {class: 'stat', dataset: {figure: 'cases.median'}},
        h('div', {class: 'stat-body'},
          h('span', {class: 'value'}, median.hours === null ? '—' : hours(median.hours)),
          h('span', {class: 'name'}, median.hours === null
            ? `Median time to resolution: no case resolved in the last ${median.days} days`
            : `Median time to resolution (last ${median.days} days)`)))),
    h('h3', {}, 'Open cases by status'),
    h('ul', {class: 'stat-grid small'}, byStatus),
    h('h3', {}, 'Open cases by priority'),
    h('ul', {class: 'stat-grid small'}, byPriority));
}

function weeklyChart(cases) {
  const weeks = cases.weekly;
  const opened = weeks.map((w) => w.opened);
  const resolved = weeks.map((w) => w.resolved);
  const sum = (values) => values.reduce((a, b) => a + b, 0);
  return groupedBarChart({
    title: 'Cases opened and resolved per week',
    summary: `In the last ${weeks.length} weeks, from the week of ${date(weeks[0].week_start)}: `
      + `${count(sum(opened))} cases opened and ${count(sum(resolved))} resolved. `
      + `This week: ${count(opened[opened.length - 1])} opened, ${count(resolved[resolved.length - 1])} resolved.`,
    tableCaption: 'Cases opened and resolved per week, by the Monday the week starts',
    categories: weeks.map((w) => shortDate(w.week_start)),
    series: [
      {name: 'Opened', tone: 'tone-opened', values: opened},
      {name: 'Resolved', tone: 'tone-resolved', values: resolved},
    ],
  });
}

/** Formats a YYYY-MM-DD date as "12 Oct", without a time zone shift. */
function shortDate(value) {
  const [y, m, d] = value.split('-').map(Number);
  return new Intl.DateTimeFormat(undefined, {timeZone: 'UTC', day: 'numeric', month: 'short'})
    .format(new Date(Date.UTC(y, m - 1, d)));
}

/**
 * Returns the stages of deals_by_stage as [{name, value}], from {pipeline,
 * stages}, an array of stages ({name or stage, count}) or an object of stage
 * name to count.
 */
export function funnelStages(deals) {
  // The API returns {pipeline, stages}: the default pipeline's stages with their counts.
  if (deals && !Array.isArray(deals) && Array.isArray(deals.stages)) return funnelStages(deals.stages);
  const pick = (o, keys) => keys.map((k) => o[k]).find((v) => v !== undefined && v !== null);
  const valueOf = (v) => (typeof v === 'number' ? v : Number(pick(v || {}, ['count', 'deals', 'open', 'total']) || 0));
  if (Array.isArray(deals)) {
    return deals.map((s) => {
      const stage = s.stage && typeof s.stage === 'object' ? s.stage : s;
      return {name: String(pick(stage, ['name', 'stage', 'label']) ?? ''), value: valueOf(s)};
    });
  }
  return Object.entries(deals).map(([name, v]) => ({name, value: valueOf(v)}));
}

function pipelineFunnel(deals) {
  if (deals === null || deals === undefined) {
    return h('div', {class: 'chart-figure'}, h('h3', {class: 'chart-title'}, 'Pipeline'),
      h('p', {class: 'empty'}, 'No deals yet.'));
  }
  const stages = funnelStages(deals);
  if (!stages.length) {
    return h('div', {class: 'chart-figure'}, h('h3', {class: 'chart-title'}, 'Pipeline'),
      h('p', {class: 'empty'}, 'No deals yet.'));
  }
  const total = stages.reduce((sum, s) => sum + s.value, 0);
  return funnelChart({
    title: 'Pipeline',
    summary: `${count(total)} deals in ${stages.length} stages: `
      + `${stages.map((s) => `${s.name} ${count(s.value)}`).join(', ')}.`,
    tableCaption: 'Deals by stage',
    valueLabel: 'Deals',
    stages,
  });
}

/** Creates a short list of cases (CaseSummary items) linking to each. */
function caseList(items, emptyText, ariaLabel) {
  if (!items.length) return h('p', {class: 'empty'}, emptyText);
  return h('ul', {class: 'case-summaries', 'aria-label': ariaLabel}, items.map((c) => h('li', {},
    h('a', {href: link('cases', c.number), class: 'record-key'}, c.number), ' ',
    h('span', {class: 'case-subject'}, c.subject),
    h('span', {class: 'case-meta'},
      caseBadges(c),
      h('span', {class: 'muted'}, ` ${c.customer.code || c.customer.reference} · ${c.customer.display_name}`),
      h('span', {class: 'muted'}, ` · due ${dateTime(c.due_at)}`)))));
}

function moduleLinks() {
  const modules = allModules().filter((m) => m.path !== '/' && (!m.permission || can(m.permission)));
  return section('Modules', modules.length
    ? h('ul', {class: 'tiles'}, modules.map((m) => h('li', {}, h('a', {href: `#${m.path}`}, m.label))))
    : h('p', {class: 'empty'}, 'Your role gives access to no module yet. Ask an administrator.'));
}

export async function dashboardView(main) {
  const me = session();
  const body = h('div', {class: 'dashboard'}, loading('Loading the figures…'));
  mount(main,
    pageHeader('Dashboard'),
    h('p', {class: 'welcome'}, `Welcome, ${me.user.display_name}. You are signed in to ${me.tenant.name} as `
      + `${me.user.role.name}.`),
    body);

  let figures;
  try {
    ({data: figures} = await api.get('/dashboard'));
  } catch (err) {
    mount(body, h('div', {class: 'notice error', role: 'alert'},
      h('p', {}, `The figures could not be loaded: ${err.message}`)), moduleLinks());
    return;
  }
  const cases = figures.cases;
  const shown = [figures.records && figures.records.customers, figures.records && figures.records.prospects, cases]
    .filter(Boolean).length;
  mount(body,
    h('p', {class: 'muted as-of'}, `As of ${dateTime(figures.as_of)}.`),
    recordTiles(figures),
    cases ? caseTiles(cases) : null,
    cases || can('deals.view')
      ? section('Charts', h('div', {class: 'chart-grid'},
        cases ? weeklyChart(cases) : null,
        can('deals.view') || figures.deals_by_stage ? pipelineFunnel(figures.deals_by_stage) : null))
      : null,
    cases ? h('div', {class: 'dashboard-lists'},
      section('My open cases', caseList(cases.mine, 'No open cases are assigned to you.', 'My open cases')),
      section('Overdue cases', caseList(cases.newest_overdue, 'No case is overdue.', 'Overdue cases, latest due first')))
      : null,
    // Roles that show few figures get links to the modules they may use.
    shown < 2 ? moduleLinks() : null);
}
