// Tabs of a customer's or prospect's page. Profile and History come with the
// records module. Other modules (cases, deals, timeline) add theirs with
// registerRecordTab() from their own view file, as they add sidebar modules.

import {h} from './dom.js';
import {can} from './session.js';

const recordTabs = [];

/**
 * Adds a tab to record pages:
 *   {id: 'cases', label: 'Cases', order: 30, permission: 'cases.view',
 *    lifecycles: ['customer', 'prospect'], render(panel, context)}
 * render fills the panel element and may be async; context is
 * {record, resource, reload} where resource describes customers or prospects
 * (see views/records/resource.js) and reload() draws the page again.
 * lifecycles defaults to both.
 */
export function registerRecordTab(tab) {
  recordTabs.push({lifecycles: ['customer', 'prospect'], order: 50, ...tab});
  recordTabs.sort((a, b) => a.order - b.order);
}

/** Returns the tabs the user may see for a record of a lifecycle ("customer" or "prospect"). */
export function recordTabsFor(lifecycle) {
  return recordTabs.filter((t) => t.lifecycles.includes(lifecycle) && (!t.permission || can(t.permission)));
}

let nextId = 0;

/**
 * Creates a tab list and one panel (the WAI-ARIA tabs pattern with automatic
 * activation), where the arrow keys, Home and End move between tabs. tabs is
 * [{id, label}]. onSelect(id, panel) fills the panel whenever a tab is chosen,
 * first for the tab named by selected.
 */
export function tabList({label, tabs, selected, onSelect}) {
  const base = `tabs${++nextId}`;
  const panel = h('div', {role: 'tabpanel', id: `${base}-panel`, class: 'tab-panel', tabindex: '0'});
  const buttons = tabs.map((tab) => h('button', {
    type: 'button', role: 'tab', id: `${base}-${tab.id}`, 'aria-controls': panel.id,
    'aria-selected': 'false', tabindex: '-1', dataset: {tab: tab.id},
  }, tab.label));
  const list = h('div', {role: 'tablist', class: 'tabs', 'aria-label': label}, buttons);

  function select(id, focus = false) {
    const index = Math.max(0, tabs.findIndex((t) => t.id === id));
    buttons.forEach((b, i) => {
      b.setAttribute('aria-selected', String(i === index));
      b.tabIndex = i === index ? 0 : -1;
    });
    panel.setAttribute('aria-labelledby', buttons[index].id);
    if (focus) buttons[index].focus();
    onSelect(tabs[index].id, panel);
  }

  buttons.forEach((button, i) => {
    button.addEventListener('click', () => select(tabs[i].id));
    button.addEventListener('keydown', (event) => {
      const moves = {ArrowRight: i + 1, ArrowLeft: i - 1, Home: 0, End: tabs.length - 1};
      if (!(event.key in moves)) return;
      event.preventDefault();
      const next = (moves[event.key] + tabs.length) % tabs.length;
      select(tabs[next].id, true);
    });
  });
  select(selected);
  return {list, panel, select};
}
