// The sales pipeline. The board's columns and totals follow a deal dragged
// with the mouse or moved with the keyboard. Winning a prospect's deal names
// the new Customer Code, and a lost stage requests the reason. A role without
// deals.update gets no move controls, and a change made elsewhere is reported.
// The Deals tab, the new-deal form, the reports and the pipeline settings
// work on a desktop and on a phone.

import {apiCall, assert, assertEqual, createTenant, openPage, screenshot, signIn} from '../lib.mjs';

/** Returns the default pipeline's stages by name: {name: {id, kind, ...}}. */
async function stagesByName(page) {
  const {body} = await apiCall(page, 'GET', '/pipelines');
  const pipeline = body.items.find((p) => p.is_default);
  return Object.fromEntries(pipeline.stages.map((s) => [s.name, s]));
}

async function createCustomer(page, firstName) {
  const made = await apiCall(page, 'POST', '/customers', {kind: 'person', first_name: firstName, last_name: 'Buyer',
    email: `${firstName.toLowerCase()}@example.com`});
  assertEqual(made.status, 201, `customer ${firstName} is created`);
  return made.body;
}

async function createDeal(page, body) {
  const made = await apiCall(page, 'POST', '/deals', {currency: 'EUR', ...body});
  assertEqual(made.status, 201, `deal ${body.title} is created (${JSON.stringify(made.body)})`);
  return made.body;
}

/** Returns a column of the board by its stage name. */
function column(page, name) {
  return page.locator('section.board-column', {has: page.getByRole('heading', {name, exact: true})});
}

/** Returns the count and amount lines a column shows: "2 deals|EUR 1,750.00|Weighted EUR 175.00". */
async function columnTotals(page, name) {
  const totals = column(page, name).locator('.column-totals');
  return (await totals.locator('.column-count, .amount, .weighted').allTextContents()).join('|');
}

/** Returns the board of the default pipeline as the API has it: {stage name: stage}. */
async function apiBoard(page) {
  const pipelines = (await apiCall(page, 'GET', '/pipelines')).body.items;
  const board = (await apiCall(page, 'GET', `/pipelines/${pipelines[0].id}/board`)).body;
  return Object.fromEntries(board.stages.map((s) => [s.name, s]));
}

/** Formats minor units as the page does for EUR in the browser's locale. */
async function eur(page, minor) {
  return page.evaluate((m) => `EUR ${new Intl.NumberFormat().format(Math.trunc(m / 100))}.${String(m % 100)
    .padStart(2, '0')}`, minor);
}

/** Formats a calendar date as the page does in the browser's locale. */
async function calendarDate(page, value) {
  return page.evaluate((v) => new Intl.DateTimeFormat(undefined, {timeZone: 'UTC', day: 'numeric', month: 'short',
    year: 'numeric'}).format(new Date(`${v}T00:00:00Z`)), value);
}

/** Opens a deal's "Move to…" menu with the keyboard and picks a stage by its name. */
async function moveWithKeyboard(page, title, stageName) {
  const button = page.getByRole('button', {name: `Move ${title} to another stage`});
  await button.focus();
  await page.keyboard.press('Enter');
  const menu = page.getByRole('menu').filter({visible: true});
  await menu.waitFor();
  for (let i = 0; i < 12; i++) {
    const focused = await page.evaluate(() => document.activeElement.textContent);
    if (focused.startsWith(`${stageName} (`)) break;
    await page.keyboard.press('ArrowDown');
  }
  assert((await page.evaluate(() => document.activeElement.textContent)).startsWith(stageName),
    `the arrow keys reach ${stageName}`);
  await page.keyboard.press('Enter');
}

/** Invites a user with a built-in role, who accepts; returns a signed-in page of theirs. */
async function memberWithRole(browser, track, admin, tenant, roleName, email) {
  const roles = (await apiCall(admin, 'GET', '/roles')).body.items;
  const role = roles.find((r) => r.name === roleName);
  const invited = await apiCall(admin, 'POST', '/users', {email, display_name: `${roleName} Member`, role_id: role.id});
  assertEqual(invited.status, 201, `the ${roleName} member is invited`);
  const token = new URL(invited.body.invitation_url.replace('#/', '')).searchParams.get('token');
  const page = track(await openPage(browser));
  await page.goto(`${tenant.url}/#/sign-in`);
  const accepted = await page.evaluate(async (t) => (await fetch('/api/v1/invitations/accept', {method: 'POST',
    headers: {'Content-Type': 'application/json'}, body: JSON.stringify({token: t, password: 'member-password-1'})}))
    .status, token);
  assertEqual(accepted, 200, 'the member accepts the invitation');
  return page;
}

export const tests = {
  async 'drag a deal to another stage'({browser, track}) {
    const tenant = createTenant('ui-board-drag');
    const page = track(await openPage(browser));
    await signIn(page, tenant);
    const stages = await stagesByName(page);
    const customer = await createCustomer(page, 'Dora');
    const big = await createDeal(page, {customer: customer.code, title: 'Fleet leasing', amount: 125000,
      stage_id: stages['New Lead'].id, priority: 'high', expected_close_date: '2026-09-30', source: 'Referral'});
    await createDeal(page, {customer: customer.code, title: 'Spare parts', amount: 50033,
      stage_id: stages['New Lead'].id});
    await createDeal(page, {customer: customer.code, title: 'Service plan', amount: 99999,
      stage_id: stages.Qualified.id});

    await page.goto(`${tenant.url}/#/pipeline`);
    await page.getByRole('heading', {name: 'Pipeline: Sales'}).waitFor();
    await column(page, 'New Lead').getByRole('link', {name: 'Fleet leasing'}).waitFor();
    assertEqual(await page.locator('section.board-column').count(), Object.keys(stages).length,
      'the board has a column per live stage');
    const card = column(page, 'New Lead').locator('.deal-card', {hasText: 'Fleet leasing'});
    const cardText = await card.textContent();
    for (const part of ['Dora Buyer', customer.code, await eur(page, 125000), 'High priority',
      `Close ${await calendarDate(page, '2026-09-30')}`,
      'Ada Admin']) {
      assert(cardText.includes(part), `the card shows "${part}", it shows "${cardText}"`);
    }
    // 10 % of 1,750.33 is 175.033, which the API rounds to 175.03.
    assertEqual(await columnTotals(page, 'New Lead'),
      `2 deals|${await eur(page, 175033)}|Weighted ${await eur(page, 17503)}`, 'New Lead shows its totals');
    assertEqual(await columnTotals(page, 'Qualified'),
      `1 deal|${await eur(page, 99999)}|Weighted ${await eur(page, 40000)}`, 'Qualified shows its totals');
    await screenshot(page, 'pipeline-board');

    await card.dragTo(column(page, 'Qualified'));
    await page.getByRole('status').filter({hasText: 'Fleet leasing moved to Qualified.'}).waitFor();
    await column(page, 'Qualified').getByRole('link', {name: 'Fleet leasing'}).waitFor();
    assertEqual(await columnTotals(page, 'New Lead'),
      `1 deal|${await eur(page, 50033)}|Weighted ${await eur(page, 5003)}`, 'New Lead lost the deal\'s amount');
    assertEqual(await columnTotals(page, 'Qualified'),
      `2 deals|${await eur(page, 224999)}|Weighted ${await eur(page, 90000)}`, 'Qualified gained the deal\'s amount');

    const board = await apiBoard(page);
    assertEqual(board['New Lead'].count, 1, 'the API counts one deal in New Lead');
    assertEqual(board['New Lead'].totals[0].amount, '50033', 'the API\'s New Lead amount agrees');
    assertEqual(board.Qualified.count, 2, 'the API counts two deals in Qualified');
    assertEqual(board.Qualified.totals[0].amount, '224999', 'the API\'s Qualified amount agrees');
    assertEqual(board.Qualified.totals[0].weighted_amount, '90000', 'the API\'s weighted amount agrees');
    const moved = (await apiCall(page, 'GET', `/deals/${big.id}`)).body;
    assertEqual(moved.stage.name, 'Qualified', 'the deal is in Qualified');

    // The dashboard's funnel counts the deals of the default pipeline by stage.
    await page.goto(`${tenant.url}/#/`);
    const funnel = page.getByRole('figure', {name: 'Pipeline'});
    await funnel.getByRole('img').waitFor();
    await funnel.getByText('Show as a table').click();
    const rows = await funnel.locator('table.chart-data tbody tr').allTextContents();
    assertEqual(rows.length, Object.keys(stages).length, 'the funnel has a row per stage');
    assert(rows.includes('New Lead1'), `the funnel counts one deal in New Lead, got ${rows}`);
    assert(rows.includes('Qualified2'), `the funnel counts two deals in Qualified, got ${rows}`);
  },

  async 'move a deal with the keyboard'({browser, track}) {
    const tenant = createTenant('ui-board-keys');
    const page = track(await openPage(browser));
    await signIn(page, tenant);
    const stages = await stagesByName(page);
    const customer = await createCustomer(page, 'Kira');
    const deal = await createDeal(page, {customer: customer.code, title: 'Keyboard deal', amount: 20000,
      stage_id: stages.Contacted.id});
    await page.goto(`${tenant.url}/#/pipeline`);
    await column(page, 'Contacted').getByRole('link', {name: 'Keyboard deal'}).waitFor();

    await moveWithKeyboard(page, 'Keyboard deal', 'Proposal Sent');
    await page.getByRole('status').filter({hasText: 'Keyboard deal moved to Proposal Sent.'}).waitFor();
    await column(page, 'Proposal Sent').getByRole('link', {name: 'Keyboard deal'}).waitFor();
    assert(await page.evaluate(() => document.activeElement.textContent === 'Keyboard deal'),
      'the moved card\'s title has the focus');
    assertEqual(await columnTotals(page, 'Contacted'), '0 deals', 'Contacted is empty now');
    assertEqual(await columnTotals(page, 'Proposal Sent'),
      `1 deal|${await eur(page, 20000)}|Weighted ${await eur(page, 12000)}`, 'Proposal Sent has the deal');
    const moved = (await apiCall(page, 'GET', `/deals/${deal.id}`)).body;
    assertEqual(moved.stage.name, 'Proposal Sent', 'the API has the deal in Proposal Sent');
  },

  async 'winning a prospect\'s deal converts it'({browser, track}) {
    const tenant = createTenant('ui-board-win');
    const page = track(await openPage(browser));
    await signIn(page, tenant);
    const stages = await stagesByName(page);
    const prospect = (await apiCall(page, 'POST', '/prospects', {kind: 'person', first_name: 'Wanda',
      last_name: 'Lead', email: 'wanda@example.com'})).body;
    await createDeal(page, {prospect: prospect.reference, title: 'First order', amount: 300000,
      stage_id: stages.Negotiation.id});
    await page.goto(`${tenant.url}/#/pipeline`);
    await column(page, 'Negotiation').getByRole('link', {name: 'First order'}).waitFor();
    assert((await column(page, 'Negotiation').locator('.deal-card').textContent()).includes(prospect.reference),
      'the card names the prospect');

    await page.getByRole('button', {name: 'Move First order to another stage'}).click();
    await page.getByRole('menuitem', {name: 'Closed Won (won)'}).click();
    const message = page.getByRole('status').filter({hasText: 'First order moved to Closed Won.'});
    await message.waitFor();
    const converted = (await apiCall(page, 'GET', `/prospects/${prospect.reference}`)).body;
    assertEqual(converted.lifecycle, 'customer', 'the prospect is a customer now');
    const text = await message.textContent();
    assert(text.includes(`prospect ${prospect.reference}, Wanda Lead, is a customer now with the Customer Code `
      + `${converted.code}`), `the notice names the new Customer Code, it says "${text}"`);
    await screenshot(page, 'pipeline-board-won');
    await message.getByRole('link', {name: converted.code}).click();
    await page.getByRole('heading', {name: 'Wanda Lead'}).waitFor();
    assert((await page.locator('.record-subtitle').textContent()).includes(converted.code),
      'the link opens the customer');
  },

  async 'lost stage requests the reason'({browser, track}) {
    const tenant = createTenant('ui-board-lost');
    const page = track(await openPage(browser));
    await signIn(page, tenant);
    const stages = await stagesByName(page);
    const customer = await createCustomer(page, 'Lorna');
    const deal = await createDeal(page, {customer: customer.code, title: 'Lost cause', amount: 10000,
      stage_id: stages.Qualified.id});
    await page.goto(`${tenant.url}/#/pipeline`);
    await column(page, 'Qualified').getByRole('link', {name: 'Lost cause'}).waitFor();
    await page.getByRole('button', {name: 'Move Lost cause to another stage'}).click();
    await page.getByRole('menuitem', {name: 'Closed Lost (lost)'}).click();
    const dialog = page.getByRole('dialog', {name: 'Why was Lost cause lost?'});
    await dialog.waitFor();

    // An empty reason goes to the API, whose error shows next to the field.
    await dialog.getByRole('button', {name: 'Move to Closed Lost'}).click();
    const error = dialog.locator('[data-field="lost_reason"] .field-error');
    await error.waitFor();
    assert((await error.textContent()).length > 0, 'the API\'s error shows next to the lost reason');
    assertEqual(await dialog.getByLabel('Lost reason').getAttribute('aria-invalid'), 'true',
      'the field is marked invalid');
    await screenshot(page, 'pipeline-lost-reason', {fullPage: false});
    assertEqual((await apiCall(page, 'GET', `/deals/${deal.id}`)).body.stage.name, 'Qualified',
      'nothing moved without a reason');

    await dialog.getByLabel('Lost reason').fill('Chose a cheaper supplier.');
    await dialog.getByRole('button', {name: 'Move to Closed Lost'}).click();
    await page.getByRole('status').filter({hasText: 'Lost cause moved to Closed Lost.'}).waitFor();
    const lost = (await apiCall(page, 'GET', `/deals/${deal.id}`)).body;
    assertEqual(lost.status, 'lost', 'the deal is lost');
    assertEqual(lost.lost_reason, 'Chose a cheaper supplier.', 'the reason is saved');

    // Cancelling the dialog leaves the deal where it is.
    const other = await createDeal(page, {customer: customer.code, title: 'Still open', amount: 100,
      stage_id: stages.Qualified.id});
    await page.reload();
    await moveWithKeyboard(page, 'Still open', 'Disqualified');
    const ask = page.getByRole('dialog', {name: 'Why was Still open lost?'});
    await ask.waitFor();
    await ask.getByRole('button', {name: 'Cancel'}).click();
    await ask.waitFor({state: 'detached'});
    assertEqual((await apiCall(page, 'GET', `/deals/${other.id}`)).body.stage.name, 'Qualified',
      'a cancelled move changes nothing');
  },

  async 'concurrent change is reported'({browser, track}) {
    const tenant = createTenant('ui-board-conflict');
    const page = track(await openPage(browser));
    await signIn(page, tenant);
    const stages = await stagesByName(page);
    const customer = await createCustomer(page, 'Cora');
    const deal = await createDeal(page, {customer: customer.code, title: 'Contested', amount: 700,
      stage_id: stages['New Lead'].id});
    await page.goto(`${tenant.url}/#/pipeline`);
    await column(page, 'New Lead').getByRole('link', {name: 'Contested'}).waitFor();
    // Someone else changes the deal after the board was drawn.
    const changed = await apiCall(page, 'PATCH', `/deals/${deal.id}`, {title: 'Contested deal'},
      {'If-Match': `"${deal.version}"`});
    assertEqual(changed.status, 200, 'the deal changes elsewhere');

    await moveWithKeyboard(page, 'Contested', 'Contacted');
    const alert = page.getByRole('alert').filter({hasText: 'was changed by someone else'});
    await alert.waitFor();
    await column(page, 'New Lead').getByRole('link', {name: 'Contested deal'}).waitFor();
    assertEqual((await apiCall(page, 'GET', `/deals/${deal.id}`)).body.stage.name, 'New Lead',
      'the stale move changed nothing');
  },

  async 'role without deals.update cannot move'({browser, track}) {
    const tenant = createTenant('ui-board-viewer');
    const admin = track(await openPage(browser));
    await signIn(admin, tenant);
    const stages = await stagesByName(admin);
    const customer = await createCustomer(admin, 'Vito');
    await createDeal(admin, {customer: customer.code, title: 'Look only', amount: 4200,
      stage_id: stages.Qualified.id});
    const viewer = await memberWithRole(browser, track, admin, tenant, 'Viewer', 'viewer@example.com');
    await viewer.goto(`${tenant.url}/#/pipeline`);
    await column(viewer, 'Qualified').getByRole('link', {name: 'Look only'}).waitFor();
    assertEqual(await viewer.locator('.move-button').count(), 0, 'no card has a "Move to…" control');
    assertEqual(await viewer.locator('[draggable="true"]').count(), 0, 'no card can be dragged');
    assertEqual(await viewer.locator('.drag-handle').count(), 0, 'no card shows a drag handle');
    assertEqual(await viewer.getByRole('link', {name: 'New deal'}).count(), 0, 'the viewer cannot create deals');
    assertEqual(await viewer.getByRole('link', {name: 'Pipeline settings'}).count(), 0,
      'the viewer cannot change the pipeline');
    await viewer.getByRole('link', {name: 'Look only'}).click();
    await viewer.getByRole('heading', {name: 'Look only'}).waitFor();
    assertEqual(await viewer.getByRole('button', {name: 'Edit deal'}).count(), 0, 'the deal page offers no edit');
    assertEqual(await viewer.getByLabel('Move to stage').count(), 0, 'the deal page offers no move');
  },

  async 'deals tab and new deal form'({browser, track}) {
    const tenant = createTenant('ui-deals-tab');
    const page = track(await openPage(browser));
    await signIn(page, tenant);
    const customer = await createCustomer(page, 'Tara');
    await page.goto(`${tenant.url}/#/customers/${customer.code}`);
    await page.getByRole('tab', {name: 'Deals'}).click();
    await page.getByText(`No deals for ${customer.code} yet.`).waitFor();
    await page.getByRole('link', {name: 'New deal'}).click();
    await page.getByRole('heading', {name: 'New deal'}).waitFor();
    assert((await page.getByRole('combobox', {name: 'Customer or prospect'}).inputValue()).startsWith(customer.code),
      'the form starts with the customer chosen');

    // A title left out: the API's error shows next to the title.
    await page.getByLabel('Amount').fill('2500.50');
    await page.getByRole('button', {name: 'Create deal'}).click();
    const titleError = page.locator('[data-field="title"] .field-error');
    await titleError.waitFor();
    assertEqual(await page.getByLabel('Title').getAttribute('aria-invalid'), 'true', 'the title is marked invalid');
    assert(await page.getByLabel('Title').evaluate((el) => el === document.activeElement),
      'focus moves to the title');
    // An unknown currency: the API names the field.
    await page.getByLabel('Title').fill('Office fit-out');
    await page.getByLabel('Currency').fill('ZZ');
    await page.getByRole('button', {name: 'Create deal'}).click();
    await page.locator('[data-field="currency"] .field-error').waitFor();
    assertEqual(await titleError.isVisible(), false, 'the fixed title error is gone');
    // An amount with too many decimals is caught before sending.
    await page.getByLabel('Currency').fill('EUR');
    await page.getByLabel('Amount').fill('12.345');
    await page.getByRole('button', {name: 'Create deal'}).click();
    await page.locator('[data-field="amount"] .field-error').waitFor();
    await screenshot(page, 'deal-new-errors');

    await page.getByLabel('Amount').fill('2,500.50');
    await page.getByLabel('Stage').selectOption({label: 'Qualified (40 %)'});
    await page.getByLabel('Expected close').fill('2026-11-15');
    await page.getByLabel('Priority').selectOption('high');
    await page.getByLabel('Source').fill('Trade fair');
    await page.getByLabel('Notes').fill('Two floors, start in spring.');
    await page.getByRole('button', {name: 'Create deal'}).click();
    await page.getByRole('status').filter({hasText: 'Deal Office fit-out created for Tara Buyer in Qualified.'})
      .waitFor();
    await page.getByRole('heading', {name: 'Office fit-out'}).waitFor();
    const id = /#\/deals\/(\d+)/.exec(page.url())[1];
    const stored = (await apiCall(page, 'GET', `/deals/${id}`)).body;
    assertEqual(stored.amount, 250050, 'the amount is sent in minor units');
    assertEqual(stored.stage.name, 'Qualified', 'the deal starts in the chosen stage');
    assertEqual(stored.priority, 'high', 'the priority is saved');
    assertEqual(stored.source, 'Trade fair', 'the source is saved');
    assertEqual(stored.owner.display_name, 'Ada Admin', 'the owner defaults to the user');
    const history = page.locator('.deal-history tbody tr');
    assertEqual(await history.count(), 1, 'the stage history has the creation');
    assert((await history.first().textContent()).includes('Qualified'), 'the history names the first stage');

    // Editing sends If-Match; the page shows the saved values.
    await page.getByRole('button', {name: 'Edit deal'}).click();
    const edit = page.getByRole('dialog', {name: 'Edit Office fit-out'});
    await edit.waitFor();
    assertEqual(await edit.getByLabel('Amount').inputValue(), '2500.50', 'the form shows the amount');
    await edit.getByLabel('Amount').fill('3000');
    await edit.getByRole('button', {name: 'Save changes'}).click();
    await page.getByRole('status').filter({hasText: 'Changes to Office fit-out saved.'}).waitFor();
    assertEqual((await apiCall(page, 'GET', `/deals/${id}`)).body.amount, 300000, 'the new amount is saved');

    // A move from the deal page adds to the stage history.
    await page.getByLabel('Move to stage').selectOption({label: 'Proposal Sent (60 %)'});
    await page.getByRole('button', {name: 'Move', exact: true}).click();
    await page.getByRole('status').filter({hasText: 'Office fit-out moved to Proposal Sent.'}).waitFor();
    await page.locator('.deal-history tbody tr').nth(1).waitFor();
    await screenshot(page, 'deal-details');

    // The customer's Deals tab lists it.
    await page.getByRole('link', {name: `${customer.code} · Tara Buyer`}).first().click();
    await page.getByRole('tab', {name: 'Deals'}).click();
    const row = page.locator('table.deals tbody tr', {hasText: 'Office fit-out'});
    await row.waitFor();
    const text = await row.textContent();
    assert(text.includes('Proposal Sent'), 'the tab shows the stage');
    assert(text.includes(await eur(page, 300000)), 'the tab shows the amount');
    await screenshot(page, 'customer-deals-tab');
    await page.setViewportSize({width: 375, height: 900});
    await screenshot(page, 'customer-deals-tab');
  },

  async 'reports show the funnel'({browser, track}) {
    const tenant = createTenant('ui-reports');
    const page = track(await openPage(browser));
    await signIn(page, tenant);
    const stages = await stagesByName(page);
    const customer = await createCustomer(page, 'Rita');
    const deals = [];
    for (const [i, source] of ['Web', 'Web', 'Referral', 'Referral', 'Event'].entries()) {
      deals.push(await createDeal(page, {customer: customer.code, title: `Report deal ${i}`, amount: 10000 * (i + 1),
        stage_id: stages['New Lead'].id, source}));
    }
    for (const [i, stage] of [[0, 'Qualified'], [1, 'Qualified'], [2, 'Closed Won'], [3, 'Closed Won']]) {
      const moved = await apiCall(page, 'POST', `/deals/${deals[i].id}/move`, {stage_id: stages[stage].id});
      assertEqual(moved.status, 200, `deal ${i} moves to ${stage}`);
    }
    const lost = await apiCall(page, 'POST', `/deals/${deals[4].id}/move`,
      {stage_id: stages['Closed Lost'].id, lost_reason: 'Budget cut.'});
    assertEqual(lost.status, 200, 'a deal is lost');

    await page.goto(`${tenant.url}/#/reports`);
    await page.getByRole('heading', {name: 'Reports'}).waitFor();
    const funnel = page.getByRole('figure', {name: 'Funnel of Sales'});
    await funnel.getByRole('img').waitFor();
    const from = await page.locator('input[name="from"]').inputValue();
    const to = await page.locator('input[name="to"]').inputValue();
    const api = (await apiCall(page, 'GET', `/reports/funnel?from=${from}&to=${to}`)).body;
    const sales = (await apiCall(page, 'GET', `/reports/sales?from=${from}&to=${to}`)).body;
    const apiStages = api.pipelines.find((p) => p.is_default).stages;
    assertEqual(await funnel.locator('svg rect.bar').count(), apiStages.length, 'the funnel has a bar per stage');
    await funnel.getByText('Show as a table').click();
    const rows = await funnel.locator('table.chart-data tbody tr').allTextContents();
    assertEqual(rows.join('|'), apiStages.map((s) => `${s.name}${s.deals}`).join('|'),
      'the funnel\'s table equals the API\'s');
    assertEqual(apiStages.find((s) => s.name === 'New Lead').deals, 5, 'five deals entered New Lead');
    const winRate = (await page.locator('[data-figure="win_rate"] .value').textContent()).trim();
    assertEqual(winRate, `${sales.total.win_rate.percent} %`, 'the win rate equals the API\'s');
    assertEqual(winRate, '66.7 %', 'two of three closed deals were won');
    assert((await page.locator('[data-figure="average_deal_size"]').textContent()).includes(await eur(page, 35000)),
      'the average won deal is EUR 350.00');
    await screenshot(page, 'reports');

    await page.getByLabel('Break down by').selectOption('source');
    await page.getByRole('button', {name: 'Show report'}).click();
    const bySource = page.getByRole('table', {name: 'Sales figures by source'});
    await bySource.waitFor();
    const referral = await bySource.locator('tr', {hasText: 'Referral'}).textContent();
    assert(referral.includes('100.0 %'), `Referral won both its closed deals, the row says "${referral}"`);
    assert(await page.getByRole('table', {name: 'Funnel of Sales by source'}).isVisible(),
      'the funnel is broken down by source too');
    await screenshot(page, 'reports-by-source');

    // A period that ends before it starts: the API's error shows next to "To".
    await page.locator('input[name="to"]').fill('2020-01-01');
    await page.locator('input[name="from"]').fill('2020-02-01');
    await page.getByRole('button', {name: 'Show report'}).click();
    await page.locator('[data-field="to"] .field-error').waitFor();
    await page.setViewportSize({width: 375, height: 900});
    await page.locator('input[name="to"]').fill(to);
    await page.locator('input[name="from"]').fill(from);
    await page.getByRole('button', {name: 'Show report'}).click();
    await page.getByRole('figure', {name: 'Funnel of Sales'}).getByRole('img').waitFor();
    await screenshot(page, 'reports');
  },

  async 'pipeline settings change the stages'({browser, track}) {
    const tenant = createTenant('ui-pipeline-settings');
    const page = track(await openPage(browser));
    await signIn(page, tenant);
    const stages = await stagesByName(page);
    const customer = await createCustomer(page, 'Sam');
    const held = await createDeal(page, {customer: customer.code, title: 'Held deal', amount: 100,
      stage_id: stages['On Hold'].id});
    await page.goto(`${tenant.url}/#/pipeline`);
    await page.getByRole('link', {name: 'Pipeline settings'}).click();
    await page.getByRole('heading', {name: 'Pipeline settings: Sales'}).waitFor();

    const add = page.getByRole('form', {name: 'Add a stage'});
    await add.getByLabel('Name').fill('Demo');
    await add.getByLabel('Probability (%)').fill('50');
    await add.getByLabel('Position').selectOption({label: 'Before Proposal Sent'});
    await add.getByRole('button', {name: 'Add stage'}).click();
    await page.getByRole('status').filter({hasText: 'Stage Demo added as open.'}).waitFor();
    let names = (await stagesByName(page));
    assertEqual(names.Demo.position, names['Proposal Sent'].position - 1, 'Demo comes before Proposal Sent');

    // Reorder: Demo moves up, before Qualified.
    await page.getByRole('button', {name: 'Move Demo up'}).click();
    await page.getByRole('status').filter({hasText: 'Demo moved up.'}).waitFor();
    names = await stagesByName(page);
    assertEqual(names.Demo.position, names.Qualified.position - 1, 'Demo comes before Qualified');

    // Rename.
    const demo = page.getByRole('form', {name: 'Stage Demo'});
    await demo.getByLabel('Name').fill('Product demo');
    await demo.getByRole('button', {name: 'Save stage'}).click();
    await page.getByRole('status').filter({hasText: 'Stage Product demo saved.'}).waitFor();

    // Removing a stage with deals requires a stage that takes them.
    await page.getByRole('form', {name: 'Stage On Hold'}).getByRole('button', {name: 'Remove…'}).click();
    const dialog = page.getByRole('dialog', {name: 'Remove On Hold?'});
    await dialog.waitFor();
    await dialog.getByLabel('Move its 1 deal to').selectOption({label: 'Re-engagement'});
    await screenshot(page, 'pipeline-settings-remove', {fullPage: false});
    await dialog.getByRole('button', {name: 'Move deals and remove'}).click();
    await page.getByRole('status').filter({hasText: 'On Hold removed; 1 deal moved to Re-engagement.'}).waitFor();
    names = await stagesByName(page);
    assert(!names['On Hold'], 'On Hold is gone');
    assertEqual((await apiCall(page, 'GET', `/deals/${held.id}`)).body.stage.name, 'Re-engagement',
      'its deal moved to Re-engagement');
    await screenshot(page, 'pipeline-settings');

    await page.getByRole('link', {name: '← Pipeline'}).click();
    await column(page, 'Product demo').waitFor();
    await column(page, 'Re-engagement').getByRole('link', {name: 'Held deal'}).waitFor();
  },

  async 'board fits a phone'({browser, track}) {
    const tenant = createTenant('ui-board-phone');
    const page = track(await openPage(browser, 375));
    await signIn(page, tenant);
    const stages = await stagesByName(page);
    const customer = await createCustomer(page, 'Pia');
    await createDeal(page, {customer: customer.code, title: 'Pocket-sized deal with a long title to wrap',
      amount: 123456789, stage_id: stages['New Lead'].id, expected_close_date: '2026-12-01'});
    await createDeal(page, {customer: customer.code, title: 'Second', amount: 1, stage_id: stages['New Lead'].id});
    await page.goto(`${tenant.url}/#/pipeline`);
    await column(page, 'New Lead').getByRole('link', {name: 'Second'}).waitFor();
    const board = page.getByRole('region', {name: /Stages of the Sales pipeline/});
    const widths = await board.evaluate((el) => ({scroll: el.scrollWidth, client: el.clientWidth}));
    assert(widths.scroll > widths.client, 'the columns scroll sideways inside the board');
    const first = await column(page, 'New Lead').evaluate((el) => el.getBoundingClientRect().width);
    assert(first <= 375, `a column fits the phone's width, it is ${first}px`);
    assert(first >= 250, `a column takes most of the phone's width, it is ${first}px`);
    await screenshot(page, 'pipeline-board');
    await moveWithKeyboard(page, 'Second', 'Contacted');
    await page.getByRole('status').filter({hasText: 'Second moved to Contacted.'}).waitFor();
    await page.getByRole('link', {name: 'Pocket-sized deal with a long title to wrap'}).click();
    await page.getByRole('heading', {name: 'Pocket-sized deal with a long title to wrap'}).waitFor();
    await screenshot(page, 'deal-details');
  },
};
