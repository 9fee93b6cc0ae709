// The dashboard: every figure shown equals what GET /api/v1/dashboard returns
// for the same user, the charts have text alternatives, figures a role may not
// see are left out instead of shown as zero, and the page fits a phone.

import {apiCall, assert, assertEqual, createTenant, openPage, screenshot, signIn} from '../lib.mjs';

/** Returns {key: text} of every figure tile on the page. */
async function shownFigures(page) {
  return page.locator('[data-figure]').evaluateAll((tiles) => Object.fromEntries(tiles.map((t) =>
    [t.dataset.figure, t.querySelector('.value').textContent.trim()])));
}

/** Formats a count as the page does. */
async function formatted(page, n) {
  return page.evaluate((v) => new Intl.NumberFormat().format(v), n);
}

/** Creates records and cases whose figures differ from each other, so a swapped figure shows. */
async function seed(page) {
  const statuses = ['active', 'active', 'active', 'dormant', 'inactive'];
  const codes = [];
  for (const [i, status] of statuses.entries()) {
    const made = await apiCall(page, 'POST', '/customers', {kind: 'person', first_name: `Dash${i}`,
      last_name: 'Board', status, email: `dash${i}@example.com`});
    assertEqual(made.status, 201, `customer ${i} is created`);
    codes.push(made.body.code);
  }

  for (const [i, status] of ['open', 'qualified', 'qualified'].entries()) {
    await apiCall(page, 'POST', '/prospects', {kind: 'person', first_name: `Lead${i}`, last_name: 'Board', status,
      email: `lead${i}@example.com`});
  }

  const cases = [
    {subject: 'Urgent and mine', priority: 'urgent', assignee_id: 1},
    {subject: 'High and overdue', priority: 'high', due_at: '2026-01-10T10:00:00Z'},
    {subject: 'Normal one', priority: 'normal'},
    {subject: 'To resolve', priority: 'low'},
  ];
  const numbers = [];
  for (const [i, c] of cases.entries()) {
    const made = await apiCall(page, 'POST', '/cases', {customer: codes[i], ...c});
    assertEqual(made.status, 201, `case ${i} is created`);
    numbers.push(made.body.number);
  }
  const pend = await apiCall(page, 'PATCH', `/cases/${numbers[2]}`, {status: 'pending'}, {'If-Match': '"1"'});
  assertEqual(pend.status, 200, 'a case is pending');
  const resolved = await apiCall(page, 'PATCH', `/cases/${numbers[3]}`,
    {status: 'resolved', resolution_note: 'Done.'}, {'If-Match': '"1"'});
  assertEqual(resolved.status, 200, 'a case is resolved');
  return numbers;
}

export const tests = {
  async 'figures equal the API'({browser, track}) {
    const tenant = createTenant('ui-dashboard', '--timezone', 'Asia/Tokyo');
    const page = track(await openPage(browser));
    await signIn(page, tenant);
    const numbers = await seed(page);
    // Signing in showed the dashboard before the seeding; a reload draws it again.
    await page.reload();
    await page.getByRole('heading', {name: 'Dashboard'}).waitFor();
    await page.locator('[data-figure="cases.overdue"]').waitFor();
    const api = (await apiCall(page, 'GET', '/dashboard')).body;
    const shown = await shownFigures(page);

    const expected = {};
    const customers = api.records.customers;
    expected['customers.total'] = Object.values(customers).reduce((a, b) => a + b, 0);
    for (const [status, n] of Object.entries(customers)) expected[`customers.${status}`] = n;
    for (const [status, n] of Object.entries(api.records.prospects)) expected[`prospects.${status}`] = n;
    expected['cases.open.total'] = api.cases.open.total;
    expected['cases.overdue'] = api.cases.overdue;
    for (const [status, n] of Object.entries(api.cases.open.by_status)) expected[`cases.open.${status}`] = n;
    for (const [priority, n] of Object.entries(api.cases.open.by_priority)) expected[`cases.priority.${priority}`] = n;
    for (const [key, n] of Object.entries(expected)) {
      assertEqual(shown[key], await formatted(page, n), `the figure ${key} equals the API's`);
    }
    assertEqual(shown['cases.recent'], `${api.cases.recent.opened} / ${api.cases.recent.resolved}`,
      'opened and resolved lately equal the API\'s');
    // The seeded data gives these values, so a figure that is always zero cannot pass.
    assertEqual(shown['customers.active'], '3', 'three customers are active');
    assertEqual(shown['prospects.qualified'], '2', 'two prospects are qualified');
    assertEqual(shown['cases.open.total'], '3', 'three cases are open');
    assertEqual(shown['cases.overdue'], '1', 'one case is overdue');
    assertEqual(shown['cases.open.pending'], '1', 'one case is pending');

    // The weekly chart: an SVG image named by its title and summary, and a table with the API's numbers.
    const weekly = page.getByRole('figure', {name: 'Cases opened and resolved per week'});
    const image = weekly.getByRole('img');
    await image.waitFor();
    const imageName = await image.evaluate((el) => el.getAttribute('aria-labelledby').split(' ')
      .map((id) => document.getElementById(id).textContent).join(' '));
    assert(imageName.includes(`${api.cases.weekly.reduce((a, w) => a + w.opened, 0)} cases opened`),
      `the chart's summary counts the cases opened, got "${imageName}"`);
    assertEqual(await weekly.locator('svg rect.bar').count(), 16, 'the chart has two bars for each of 8 weeks');
    await weekly.getByText('Show as a table').click();
    const rows = weekly.locator('table.chart-data tbody tr');
    assertEqual(await rows.count(), api.cases.weekly.length, 'the table has a row per week');
    for (const [i, week] of api.cases.weekly.entries()) {
      const cells = await rows.nth(i).locator('td').allTextContents();
      assertEqual(cells.join('|'), `${week.opened}|${week.resolved}`, `week ${week.week_start} equals the API's`);
    }

    // This tenant has no deals: the funnel shows a message instead of empty bars.
    const pipeline = page.locator('.chart-figure', {hasText: 'Pipeline'});
    assert(api.deals_by_stage.stages.every((s) => s.count === 0), 'the tenant has no deals');
    assert(await pipeline.getByText('No deals yet.').isVisible(), 'a pipeline without deals shows "No deals yet"');

    // My open cases and the overdue ones link to the cases.
    const mine = page.getByRole('list', {name: 'My open cases'});
    assertEqual(await mine.getByRole('listitem').count(), api.cases.mine.length, 'my open cases equal the API\'s');
    assert(await mine.getByRole('link', {name: numbers[0]}).isVisible(), 'my urgent case is listed');
    const overdue = page.getByRole('list', {name: 'Overdue cases, latest due first'});
    await overdue.getByRole('link', {name: numbers[1]}).click();
    await page.getByRole('heading', {name: `${numbers[1]}: High and overdue`}).waitFor();
    assert(await page.locator('.record-subtitle').getByText('Overdue').isVisible(), 'the case shows its overdue badge');
    await page.goBack();
    await page.locator('[data-figure="cases.overdue"] a').click();
    await page.waitForFunction(() => location.hash === '#/cases?overdue=true');
    await page.getByRole('link', {name: numbers[1]}).waitFor();
    await page.goto(`${tenant.url}/#/`);
    await page.locator('[data-figure="cases.overdue"]').waitFor();
    await screenshot(page, 'dashboard');
  },

  async 'figures the role may not see are left out'({browser, track}) {
    const tenant = createTenant('ui-dashboard-role');
    const admin = track(await openPage(browser));
    await signIn(admin, tenant);
    await apiCall(admin, 'POST', '/customers', {kind: 'person', first_name: 'Only', last_name: 'Customer',
      email: 'only@example.com'});
    await apiCall(admin, 'POST', '/cases', {customer: 'CUS-000001', subject: 'Hidden from the viewer'});
    const role = await apiCall(admin, 'POST', '/roles', {name: 'Customer viewer', permissions: {'customers.view': 'all'}});
    assertEqual(role.status, 201, 'the role is created');
    const invited = await apiCall(admin, 'POST', '/users',
      {email: 'viewer@example.com', display_name: 'Vera Viewer', role_id: role.body.id});
    assertEqual(invited.status, 201, 'the viewer is invited');
    const token = new URL(invited.body.invitation_url.replace('#/', '')).searchParams.get('token');

    const viewer = track(await openPage(browser));
    await viewer.goto(`${tenant.url}/#/sign-in`);
    const accepted = await viewer.evaluate(async (t) => (await fetch('/api/v1/invitations/accept', {method: 'POST',
      headers: {'Content-Type': 'application/json'}, body: JSON.stringify({token: t, password: 'viewer-password-1'})}))
      .status, token);
    assertEqual(accepted, 200, 'the viewer accepts the invitation');
    await viewer.goto(`${tenant.url}/#/`);
    await viewer.getByRole('heading', {name: 'Dashboard'}).waitFor();
    await viewer.locator('[data-figure="customers.total"]').waitFor();
    const api = (await apiCall(viewer, 'GET', '/dashboard')).body;
    assertEqual(api.cases, null, 'the API gives the viewer no case figures');
    assertEqual(api.records.prospects, null, 'the API gives the viewer no prospect figures');
    const shown = await shownFigures(viewer);
    assertEqual(shown['customers.total'], '1', 'the viewer sees the customers');
    assert(!Object.keys(shown).some((key) => key.startsWith('cases.')), 'no case figure is shown, not even zero');
    assert(!Object.keys(shown).some((key) => key.startsWith('prospects.')), 'no prospect figure is shown');
    assertEqual(await viewer.getByRole('heading', {name: 'Cases'}).count(), 0, 'the Cases section is left out');
    const modules = viewer.locator('section', {has: viewer.getByRole('heading', {name: 'Modules'})});
    assert(await modules.getByRole('link', {name: 'Customer Management'}).isVisible(),
      'a role with few figures gets links to its modules');
    await screenshot(viewer, 'dashboard-few-permissions');
    await viewer.setViewportSize({width: 375, height: 900});
    await screenshot(viewer, 'dashboard-few-permissions');
  },

  async 'dashboard fits a phone'({browser, track}) {
    const tenant = createTenant('ui-dashboard-phone');
    const page = track(await openPage(browser, 375));
    await signIn(page, tenant);
    await seed(page);
    await page.reload();
    const chart = page.getByRole('figure', {name: 'Cases opened and resolved per week'}).getByRole('img');
    await chart.waitFor();
    const width = await chart.evaluate((el) => el.getBoundingClientRect().width);
    assert(width <= 375, `the chart fits the screen, it is ${width}px wide`);
    const fontSize = await chart.locator('text').first().evaluate((el) => el.getBoundingClientRect().height);
    assert(fontSize >= 9, `the chart's labels stay readable, they are ${fontSize}px high`);
    await screenshot(page, 'dashboard');
  },

  async 'funnel draws deals by stage'({browser, track}) {
    const tenant = createTenant('ui-dashboard-funnel');
    const page = track(await openPage(browser));
    await signIn(page, tenant);
    // Real deals in three stages of the default pipeline: 3 new leads, 2 contacted, 1 qualified.
    const prospect = await apiCall(page, 'POST', '/prospects',
      {kind: 'person', first_name: 'Funnel', last_name: 'Prospect', email: 'funnel@example.com'});
    assertEqual(prospect.status, 201, 'the prospect is created');
    const pipelines = await apiCall(page, 'GET', '/pipelines');
    const byName = Object.fromEntries(pipelines.body.items[0].stages.map((s) => [s.name, s.id]));
    for (const [stage, n] of [['New Lead', 3], ['Contacted', 2], ['Qualified', 1]]) {
      for (let i = 0; i < n; i++) {
        const deal = await apiCall(page, 'POST', '/deals', {title: `${stage} ${i + 1}`,
          prospect: prospect.body.reference, stage_id: byName[stage], amount: 100000});
        assertEqual(deal.status, 201, `a deal in ${stage} is created`);
      }
    }
    await page.reload();
    const funnel = page.getByRole('figure', {name: 'Pipeline'});
    await funnel.getByRole('img').waitFor();
    assertEqual(await funnel.locator('svg rect.bar').count(), 10, 'the funnel has a bar per stage of the pipeline');
    const widths = await funnel.locator('svg rect.bar').evaluateAll((bars) =>
      bars.map((b) => Number(b.getAttribute('width'))));
    assert(widths[0] > widths[1], `the Contacted bar is narrower than the New Lead bar, got ${widths}`);
    assert(widths[1] > widths[2], `the Qualified bar is narrower than the Contacted bar, got ${widths}`);
    assert((await funnel.locator('.chart-summary').textContent()).includes('6 deals in the Sales pipeline'),
      'the summary counts the deals');
    await funnel.getByText('Show as a table').click();
    const rows = await funnel.locator('table.chart-data tbody tr').allTextContents();
    assertEqual(rows.slice(0, 4).join('|'), 'New Lead3|Contacted2|Qualified1|Proposal Sent0',
      'the table lists each stage with its count');
    await screenshot(page, 'dashboard-funnel');
  },
};
