// Cases: logging one for a customer from its Cases tab, assigning it, adding a
// note, resolving it, closing and reopening it. A missing resolution note shows
// next to its field, and a change made elsewhere meanwhile is reported. The
// list keeps its filters in the address.

import {apiCall, assert, assertEqual, createTenant, openPage, screenshot, signIn} from '../lib.mjs';

/** Returns the figure a dashboard tile shows, by its data-figure key. */
/**
 * Waits up to 5 s for the cases table to show `expected` rows and returns the
 * count it shows then. A filter's new page replaces the old one only when its
 * response arrives, and the old rows may contain the link a test waited for.
 */
async function rowsSettled(page, expected) {
  await page.waitForFunction((n) => document.querySelectorAll('table.cases tbody tr').length === n,
    expected, {timeout: 5000}).catch(() => {});
  return page.locator('table.cases tbody tr').count();
}

async function figure(page, key) {
  return (await page.locator(`[data-figure="${key}"] .value`).textContent()).trim();
}

/** Returns the names of the buttons in the "Change status" group. */
async function statusButtons(page) {
  return page.getByRole('group', {name: 'Change status'}).getByRole('button').allTextContents();
}

export const tests = {
  async 'log, assign, note, resolve and reopen a case'({browser, track}) {
    const tenant = createTenant('ui-cases', '--timezone', 'Europe/Berlin');
    const page = track(await openPage(browser));
    await signIn(page, tenant);
    const customer = (await apiCall(page, 'POST', '/customers',
      {kind: 'person', first_name: 'Carla', last_name: 'Case', email: 'carla@example.com'})).body;

    // The customer's Cases tab starts empty and opens "New case" with the customer chosen.
    await page.goto(`${tenant.url}/#/customers/${customer.code}`);
    await page.getByRole('tab', {name: 'Cases'}).click();
    await page.getByText(`No cases for ${customer.code} yet.`).waitFor();
    await page.getByRole('link', {name: 'New case'}).click();
    await page.getByRole('heading', {name: 'New case'}).waitFor();
    const picker = page.getByRole('combobox', {name: 'Customer or prospect'});
    assert((await picker.inputValue()).startsWith(customer.code), 'the form starts with the customer chosen');
    assert((await page.locator('.due-note').textContent()).includes('2 days'),
      'the form says the normal priority\'s target decides the due time');
    await page.getByLabel('Subject').fill('Card blocked after travel');
    await page.getByLabel('Description').fill('The card was blocked in Lisbon.\nCustomer is abroad until Friday.');
    await page.getByLabel('Category').selectOption('Account');
    await page.getByLabel('Priority').selectOption('high');
    assert((await page.locator('.due-note').textContent()).includes('1 day'), 'the due note follows the priority');
    await page.getByLabel('Channel').selectOption('phone');
    await screenshot(page, 'case-new');
    await page.getByRole('button', {name: 'Create case'}).click();
    const created = page.getByRole('status').filter({hasText: /Case CASE-\d+ created/});
    await created.waitFor();
    const number = /CASE-\d{6,}/.exec(await created.textContent())[0];
    await page.getByRole('heading', {name: `${number}: Card blocked after travel`}).waitFor();

    // The due time is the server's: a day after opening, shown in the tenant's zone.
    const stored = (await apiCall(page, 'GET', `/cases/${number}`)).body;
    const berlin = await page.evaluate((at) => new Intl.DateTimeFormat(undefined, {timeZone: 'Europe/Berlin',
      day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit'}).format(new Date(at)),
    stored.due_at);
    const due = await page.locator('dt', {hasText: 'Due'}).locator('xpath=following-sibling::dd[1]').textContent();
    assertEqual(due, berlin, 'the due time shows in the tenant\'s zone');
    assertEqual(new Date(stored.due_at) - new Date(stored.created_at), 24 * 3600 * 1000,
      'the high priority\'s target is a day');
    assertEqual(stored.category, 'Account', 'the category is saved');
    assertEqual(stored.channel, 'phone', 'the channel is saved');

    // The dashboard counts it as open, new and high priority.
    await page.goto(`${tenant.url}/#/`);
    await page.locator('[data-figure="cases.open.total"]').waitFor();
    assertEqual(await figure(page, 'cases.open.total'), '1', 'the dashboard counts one open case');
    assertEqual(await figure(page, 'cases.open.new'), '1', 'the dashboard counts it as new');
    assertEqual(await figure(page, 'cases.priority.high'), '1', 'the dashboard counts it as high priority');
    await page.goBack();
    await page.getByRole('heading', {name: `${number}: Card blocked after travel`}).waitFor();

    // Assign it.
    await page.getByLabel('Assign to').selectOption({label: 'Ada Admin'});
    await page.getByRole('button', {name: 'Assign', exact: true}).click();
    await page.getByRole('status').filter({hasText: `${number} is assigned to Ada Admin.`}).waitFor();
    const assignee = await page.locator('dt', {hasText: 'Assignee'}).locator('xpath=following-sibling::dd[1]')
      .textContent();
    assertEqual(assignee, 'Ada Admin', 'the details show the assignee');

    // A shareable note, with its author and time.
    await page.getByLabel('New note').fill('Called the customer; card unblocked pending ID check.');
    await page.getByLabel('Visibility').selectOption('shareable');
    await page.getByRole('button', {name: 'Add note'}).click();
    await page.getByRole('status').filter({hasText: 'Shareable note added'}).waitFor();
    const note = page.locator('.case-note').first();
    assert((await note.textContent()).includes('Called the customer'), 'the note shows its text');
    assert((await note.textContent()).includes('Ada Admin'), 'the note shows its author');
    assert((await note.textContent()).includes('Shareable'), 'the note shows its visibility');
    assert(await page.locator('dt', {hasText: 'First response'}).isVisible(), 'the first response time shows');

    // Editing: a new priority moves the due time to that priority's target.
    await page.getByRole('button', {name: 'Edit case'}).click();
    const edit = page.getByRole('dialog', {name: `Edit ${number}`});
    await edit.waitFor();
    assertEqual(await edit.getByLabel('Subject').inputValue(), 'Card blocked after travel', 'the form shows the subject');
    await edit.getByLabel('Subject').fill('Card blocked abroad');
    await edit.getByLabel('Priority').selectOption('urgent');
    await screenshot(page, 'case-edit', {fullPage: false});
    await edit.getByRole('button', {name: 'Save changes'}).click();
    await page.getByRole('status').filter({hasText: `Changes to ${number} saved.`}).waitFor();
    await page.getByRole('heading', {name: `${number}: Card blocked abroad`}).waitFor();
    const edited = (await apiCall(page, 'GET', `/cases/${number}`)).body;
    assertEqual(new Date(edited.due_at) - new Date(edited.created_at), 4 * 3600 * 1000,
      'the urgent priority\'s target of 4 hours sets the due time');

    // Resolving without a note: the API's error shows next to the field.
    assertEqual((await statusButtons(page)).join('|'), 'Mark as open|Wait on customer|Resolve…|Close…',
      'the buttons are the moves next_statuses allows');
    await page.getByRole('button', {name: 'Resolve…'}).click();
    const dialog = page.getByRole('dialog', {name: `Resolve ${number}`});
    await dialog.waitFor();
    await dialog.getByRole('button', {name: 'Resolve case'}).click();
    const error = dialog.locator('[data-field="resolution_note"] .field-error');
    await error.waitFor();
    assert((await error.textContent()).includes('needs a resolution note'), 'the error explains the missing note');
    assertEqual(await dialog.getByLabel('Resolution note').getAttribute('aria-invalid'), 'true',
      'the field is marked invalid');
    assert(await dialog.getByLabel('Resolution note').evaluate((el) => el === document.activeElement),
      'focus moves to the field with the error');
    await screenshot(page, 'case-resolve-error', {fullPage: false});
    await dialog.getByLabel('Resolution note').fill('Card unblocked after the ID check.');
    await dialog.getByRole('button', {name: 'Resolve case'}).click();
    await page.getByRole('status').filter({hasText: `${number} is resolved now.`}).waitFor();
    assert((await page.locator('.record-subtitle').textContent()).includes('Resolved'), 'the badge says resolved');
    assertEqual((await statusButtons(page)).join('|'), 'Reopen|Close', 'a resolved case can be reopened or closed');
    await screenshot(page, 'case-details');

    // The customer's Cases tab lists it, resolved.
    await page.getByRole('link', {name: `${customer.code} · Carla Case`}).first().click();
    await page.getByRole('tab', {name: 'Cases'}).click();
    const row = page.locator('table.cases tbody tr', {hasText: number});
    await row.waitFor();
    assert((await row.textContent()).includes('Resolved'), 'the tab shows the case as resolved');
    assert((await row.textContent()).includes('Ada Admin'), 'the tab shows the assignee');
    await screenshot(page, 'customer-cases-tab');

    // The dashboard counts it among the resolved ones.
    await page.goto(`${tenant.url}/#/`);
    await page.locator('[data-figure="cases.open.total"]').waitFor();
    assertEqual(await figure(page, 'cases.open.total'), '0', 'no case is open any more');
    assertEqual(await figure(page, 'cases.recent'), '1 / 1', 'one case opened and one resolved lately');

    // Close it; a closed case offers only Reopen.
    await page.goto(`${tenant.url}/#/cases/${number}`);
    await page.getByRole('button', {name: 'Close', exact: true}).click();
    await page.getByRole('status').filter({hasText: `${number} is closed now.`}).waitFor();
    assertEqual((await statusButtons(page)).join('|'), 'Reopen', 'a closed case shows only Reopen');
    assertEqual(await page.getByRole('button', {name: 'Add note'}).count(), 0, 'a closed case takes no notes');
    assertEqual(await page.getByRole('button', {name: 'Edit case'}).count(), 0, 'a closed case cannot be edited');
    await page.getByRole('button', {name: 'Reopen'}).click();
    await page.getByRole('status').filter({hasText: `${number} is open now.`}).waitFor();
    assert((await statusButtons(page)).includes('Resolve…'), 'a reopened case can be resolved again');
    const reopened = (await apiCall(page, 'GET', `/cases/${number}`)).body;
    assertEqual(reopened.status, 'open', 'the case is open again');
    assertEqual(reopened.resolution_note, null, 'reopening clears the resolution note');

    // A change made elsewhere meanwhile: the page reports it and shows the current status and moves.
    const version = (await apiCall(page, 'GET', `/cases/${number}`)).body.version;
    const closedElsewhere = await apiCall(page, 'PATCH', `/cases/${number}`,
      {status: 'closed', resolution_note: 'Closed by a colleague.'}, {'If-Match': `"${version}"`});
    assertEqual(closedElsewhere.status, 200, 'the case is closed through the API');
    await page.getByRole('button', {name: 'Wait on customer'}).click();
    const conflict = page.getByRole('alert').filter({hasText: 'changed by someone else'});
    await conflict.waitFor();
    assertEqual((await statusButtons(page)).join('|'), 'Reopen', 'the page shows the closed case\'s only move');
    assertEqual((await apiCall(page, 'GET', `/cases/${number}`)).body.status, 'closed', 'nothing was overwritten');

    // The history lists the moves, newest first.
    const history = await page.locator('.case-history .history-entry').allTextContents();
    assert(history[0].includes('Closed') || history[0].includes('Changed'), 'the newest entry is the latest change');
    assert(history[history.length - 1].includes('Opened'), 'the oldest entry is the opening');
  },

  async 'list filters and search by number'({browser, track}) {
    const tenant = createTenant('ui-case-list');
    const page = track(await openPage(browser));
    await signIn(page, tenant);
    const customer = (await apiCall(page, 'POST', '/customers',
      {kind: 'business', legal_name: 'Filterwerk AG', email: 'office@filterwerk.example'})).body;
    const numbers = [];
    for (const [subject, priority, extra] of [
      ['Invoice twice', 'normal', {category: 'Billing'}],
      ['Urgent outage', 'urgent', {assignee_id: 1}],
      ['Old complaint', 'low', {due_at: '2026-01-05T09:00:00Z'}],
    ]) {
      const made = await apiCall(page, 'POST', '/cases', {customer: customer.code, subject, priority, ...extra});
      assertEqual(made.status, 201, `case "${subject}" is created`);
      numbers.push(made.body.number);
    }
    await page.goto(`${tenant.url}/#/cases`);
    await page.getByRole('link', {name: numbers[0]}).waitFor();
    assertEqual(await rowsSettled(page, 3), 3, 'the list shows every case');
    assertEqual(await page.locator('table.cases tbody tr').first().locator('a.record-key').textContent(),
      numbers[2], 'the newest case is first');
    assert((await page.locator('table.cases tbody tr', {hasText: numbers[2]}).textContent()).includes('Overdue'),
      'an overdue case carries the badge');
    await screenshot(page, 'cases-list');

    await page.getByLabel('Assignee').selectOption('me');
    await page.waitForFunction(() => location.hash.includes('assignee=me'));
    await page.getByRole('link', {name: numbers[1]}).waitFor();
    assertEqual(await rowsSettled(page, 1), 1, 'assignee "me" keeps the assigned case');
    await page.getByLabel('Assignee').selectOption('');
    await page.getByLabel('Due', {exact: true}).selectOption('true');
    await page.waitForFunction(() => location.hash.includes('overdue=true'));
    await page.getByRole('link', {name: numbers[2]}).waitFor();
    assertEqual(await rowsSettled(page, 1), 1, 'the overdue filter keeps the overdue case');
    await page.getByLabel('Due', {exact: true}).selectOption('');
    await page.getByLabel('Category').selectOption('Billing');
    await page.waitForFunction(() => location.hash.includes('category=Billing'));
    await page.getByRole('link', {name: numbers[0]}).waitFor();
    assertEqual(await rowsSettled(page, 1), 1, 'the category filter keeps the billing case');
    await page.getByLabel('Category').selectOption('');
    await page.getByLabel('Created from').fill('2020-01-01');
    await page.getByLabel('Created until').fill('2020-12-31');
    await page.getByText('No cases match these filters').waitFor();
    await page.getByRole('link', {name: 'Clear filters'}).click();
    await page.getByRole('link', {name: numbers[0]}).waitFor();

    // Search by number; the state is in the address, and Back returns to it.
    await page.getByRole('searchbox', {name: 'Search'}).fill(numbers[1]);
    await page.getByRole('button', {name: 'Search', exact: true}).click();
    await page.waitForFunction((n) => location.hash.includes(`q=${n}`), numbers[1]);
    await page.getByRole('link', {name: numbers[1]}).waitFor();
    assertEqual(await rowsSettled(page, 1), 1, 'the search by number finds one');
    await page.getByLabel('Customer', {exact: true}).fill(customer.code);
    await page.getByRole('button', {name: 'Search', exact: true}).click();
    await page.waitForFunction((c) => location.hash.includes(`customer=${c}`), customer.code);
    await page.getByLabel('Sort by').selectOption('due_at');
    await page.waitForFunction(() => location.hash.includes('sort=due_at'));
    await page.reload();
    await page.getByRole('link', {name: numbers[1]}).waitFor();
    assertEqual(await page.getByRole('searchbox', {name: 'Search'}).inputValue(), numbers[1],
      'a reload keeps the search');
    assertEqual(await page.getByLabel('Sort by').inputValue(), 'due_at', 'a reload keeps the sort');
  },

  async 'case screens fit a phone'({browser, track}) {
    const tenant = createTenant('ui-case-phone');
    const page = track(await openPage(browser, 375));
    await signIn(page, tenant);
    const customer = (await apiCall(page, 'POST', '/customers', {kind: 'person', first_name: 'Pia',
      last_name: 'Phone-Longname-Hyphenated', email: 'pia.with.a.long.address@example.com'})).body;
    const made = (await apiCall(page, 'POST', '/cases', {customer: customer.code, priority: 'urgent',
      subject: 'A subject long enough to wrap on a narrow screen without pushing the page sideways',
      description: 'Line one.\nLine two.', category: 'Complaint', channel: 'walk-in', assignee_id: 1})).body;
    await apiCall(page, 'POST', `/cases/${made.number}/notes`, {body: 'Internal remark.', visibility: 'internal'});
    await page.goto(`${tenant.url}/#/cases`);
    await page.getByRole('link', {name: made.number}).waitFor();
    await screenshot(page, 'cases-list');
    await page.getByRole('link', {name: made.number}).click();
    await page.locator('.case-note').first().waitFor();
    await page.locator('.case-history .history-entry').first().waitFor();
    await screenshot(page, 'case-details');
    await page.getByRole('button', {name: 'Resolve…'}).click();
    await page.getByRole('dialog').getByRole('button', {name: 'Resolve case'}).click();
    await page.getByRole('dialog').locator('.field-error').waitFor();
    await screenshot(page, 'case-resolve-error', {fullPage: false});
    await page.keyboard.press('Escape');
    await page.getByRole('button', {name: 'Edit case'}).click();
    await page.getByRole('dialog', {name: `Edit ${made.number}`}).waitFor();
    await screenshot(page, 'case-edit', {fullPage: false});
    await page.keyboard.press('Escape');
    await page.goto(`${tenant.url}/#/cases/new`);
    await page.getByRole('heading', {name: 'New case'}).waitFor();
    await page.getByRole('combobox', {name: 'Customer or prospect'}).fill('Pia');
    await page.getByRole('option', {name: new RegExp(customer.code)}).waitFor();
    await screenshot(page, 'case-new');
    await page.goto(`${tenant.url}/#/customers/${customer.code}?tab=cases`);
    await page.locator('table.cases tbody tr').first().waitFor();
    await screenshot(page, 'customer-cases-tab');
  },

  async 'new case picks a prospect by search'({browser, track}) {
    const tenant = createTenant('ui-case-pick');
    const page = track(await openPage(browser));
    await signIn(page, tenant);
    const prospect = (await apiCall(page, 'POST', '/prospects',
      {kind: 'person', first_name: 'Petra', last_name: 'Prospect', email: 'petra@example.com'})).body;
    await page.goto(`${tenant.url}/#/cases/new`);
    await page.getByRole('heading', {name: 'New case'}).waitFor();
    await page.getByLabel('Subject').fill('Wants a quote');
    await page.getByRole('button', {name: 'Create case'}).click();
    const missing = page.locator('[data-field="customer"] .field-error');
    await missing.waitFor();
    assert((await missing.textContent()).includes('Choose a customer or prospect'), 'the picker says it is needed');

    const picker = page.getByRole('combobox', {name: 'Customer or prospect'});
    await picker.fill('petra');
    await page.getByRole('option', {name: new RegExp(prospect.reference)}).waitFor();
    assertEqual(await picker.getAttribute('aria-expanded'), 'true', 'the list of matches is open');
    await picker.press('ArrowDown');
    assertEqual(await page.getByRole('option', {name: new RegExp(prospect.reference)}).getAttribute('aria-selected'),
      'true', 'ArrowDown marks the first match');
    await picker.press('Enter');
    assertEqual(await picker.getAttribute('aria-expanded'), 'false', 'Enter picks the match and closes the list');
    assert((await picker.inputValue()).startsWith(prospect.reference), 'the picked reference shows');
    await page.getByRole('button', {name: 'Create case'}).click();
    await page.getByRole('status').filter({hasText: 'created for Petra Prospect'}).waitFor();
    const subtitle = await page.locator('.record-subtitle').textContent();
    assert(subtitle.includes(prospect.reference), 'the case belongs to the prospect');

    // A code typed in full counts without picking it.
    await page.goto(`${tenant.url}/#/cases/new`);
    await picker.fill(prospect.reference);
    await picker.press('Escape');
    await page.getByLabel('Subject').fill('Second question');
    await page.getByRole('button', {name: 'Create case'}).click();
    await page.getByRole('status').filter({hasText: 'created for Petra Prospect'}).waitFor();
    const cases = (await apiCall(page, 'GET', `/prospects/${prospect.reference}/cases`)).body.items;
    assertEqual(cases.length, 2, 'both cases belong to the prospect');
  },

  async 'status conflict names allowed moves'({browser, track}) {
    const tenant = createTenant('ui-case-conflict');
    const page = track(await openPage(browser));
    await signIn(page, tenant);
    const customer = (await apiCall(page, 'POST', '/customers',
      {kind: 'person', first_name: 'Rita', last_name: 'Race', email: 'rita@example.com'})).body;
    const made = (await apiCall(page, 'POST', '/cases', {customer: customer.code, subject: 'Raced move'})).body;
    await page.goto(`${tenant.url}/#/cases/${made.number}`);
    await page.getByRole('button', {name: 'Wait on customer'}).waitFor();

    // The server checks the version first, so the UI cannot provoke this 409, and the test supplies the response.
    await page.route(`**/api/v1/cases/${made.number}`, (route) => (route.request().method() === 'PATCH'
      ? route.fulfill({status: 409, contentType: 'application/problem+json', body: JSON.stringify({
        type: 'https://lendastack.dev/problems/invalid_transition', title: 'Status change not allowed', status: 409,
        code: 'invalid_transition', detail: 'A resolved case cannot become pending.', current_status: 'resolved',
        allowed: ['open', 'closed']})})
      : route.continue()));
    await page.getByRole('button', {name: 'Wait on customer'}).click();
    const alert = page.getByRole('alert').filter({hasText: 'A resolved case cannot become pending.'});
    await alert.waitFor();
    assert((await alert.textContent()).includes('It is resolved now and can move to: open, closed.'),
      `the notice names the current status and the allowed moves, got "${await alert.textContent()}"`);
    await page.unroute(`**/api/v1/cases/${made.number}`);
    assertEqual((await apiCall(page, 'GET', `/cases/${made.number}`)).body.status, 'new', 'nothing changed');
  },
};
