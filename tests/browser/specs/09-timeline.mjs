// The Timeline tab: an interaction logged on a prospect, with its time read in
// the tenant's zone, stays on the customer's timeline after the conversion,
// which the timeline shows too.

import {apiCall, assert, assertEqual, createTenant, openPage, screenshot, signIn} from '../lib.mjs';

/** Returns the kind labels and summaries of the timeline entries shown, newest first. */
async function entries(page) {
  return page.locator('.timeline-entry').evaluateAll((items) => items.map((li) =>
    `${li.querySelector('.timeline-kind').textContent}: ${li.querySelector('.timeline-summary').textContent}`));
}

export const tests = {
  async 'log an interaction and convert the prospect'({browser, track}) {
    const tenant = createTenant('ui-timeline', '--timezone', 'America/New_York');
    const page = track(await openPage(browser));
    await signIn(page, tenant);
    const prospect = (await apiCall(page, 'POST', '/prospects', {kind: 'business', legal_name: 'Harbor Lights LLC',
      email: 'hello@harborlights.example', lead_stage: 'Contacted'})).body;

    await page.goto(`${tenant.url}/#/prospects/${prospect.reference}`);
    await page.getByRole('tab', {name: 'Timeline'}).click();
    const created = page.locator('.timeline-entry', {hasText: 'Prospect created'});
    await created.waitFor();

    // The dialog starts at now in the tenant's zone, New York, not the browser's.
    await page.getByRole('button', {name: 'Log interaction'}).click();
    const dialog = page.getByRole('dialog', {name: `Log an interaction with ${prospect.reference}`});
    await dialog.waitFor();
    const start = await dialog.getByLabel('Occurred at (America/New_York)').inputValue();
    const nowThere = await page.evaluate(() => {
      const parts = Object.fromEntries(new Intl.DateTimeFormat('en-CA', {timeZone: 'America/New_York',
        year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23'})
        .formatToParts(new Date()).map((p) => [p.type, p.value]));
      return `${parts.year}-${parts.month}-${parts.day}T${parts.hour}`;
    });
    assert(start.startsWith(nowThere), `the time starts at now in New York (${nowThere}), got ${start}`);

    // The summary is required: the API's error shows next to it.
    await dialog.getByRole('button', {name: 'Log interaction'}).click();
    await dialog.locator('[data-field="summary"] .field-error').waitFor();
    await dialog.getByLabel('Kind').selectOption('meeting');
    await dialog.getByLabel('Direction').selectOption('inbound');
    await dialog.getByLabel('Summary').fill('Visited our stand at the trade fair');
    await dialog.getByLabel('Details').fill('Interested in the fleet plan.\nWants a call next week.');
    await dialog.getByLabel('Occurred at (America/New_York)').fill('2026-07-01T09:15');
    await dialog.getByLabel('Duration (minutes)').fill('45');
    await screenshot(page, 'timeline-log-dialog', {fullPage: false});
    await dialog.getByRole('button', {name: 'Log interaction'}).click();
    await page.getByRole('status').filter({hasText: 'Logged: Visited our stand'}).waitFor();
    await dialog.waitFor({state: 'detached'});
    const activity = (await apiCall(page, 'GET', `/prospects/${prospect.reference}/activities`)).body.items[0];
    assertEqual(activity.occurred_at.slice(0, 19), '2026-07-01T13:15:00',
      '09:15 in New York in summer is 13:15 UTC');
    assertEqual(activity.kind, 'meeting', 'the kind is saved');
    assertEqual(activity.direction, 'inbound', 'the direction is saved');
    assertEqual(activity.duration_minutes, 45, 'the duration is saved');
    const meeting = page.locator('.timeline-entry', {hasText: 'Visited our stand'});
    assert((await meeting.textContent()).includes('Meeting · Inbound'), 'the entry names its kind and direction');
    assert((await meeting.textContent()).includes('45 minutes'), 'the entry shows the duration');
    assert((await meeting.textContent()).includes('Wants a call next week.'), 'the entry shows the details');

    // A note has no direction.
    await page.getByRole('button', {name: 'Log interaction'}).click();
    await dialog.waitFor();
    await dialog.getByLabel('Kind').selectOption('note');
    assert(await dialog.getByLabel('Direction').isHidden(), 'a note hides the direction');
    await dialog.getByLabel('Summary').fill('Prefers email over calls');
    await dialog.getByRole('button', {name: 'Log interaction'}).click();
    await page.getByRole('status').filter({hasText: 'Logged: Prefers email'}).waitFor();
    const list = await entries(page);
    assertEqual(list[0], 'Note: Prefers email over calls', 'the newest entry is first');
    await screenshot(page, 'prospect-timeline');

    // Convert the prospect; the customer's timeline keeps the meeting and shows the conversion.
    await page.getByRole('link', {name: 'Update Customer Info'}).click();
    await page.getByRole('button', {name: 'Convert to Customer'}).click();
    await page.getByRole('dialog').getByRole('button', {name: 'Convert to Customer'}).click();
    const status = page.getByRole('status').filter({hasText: 'is now customer'});
    await status.waitFor();
    assert((await status.textContent()).includes('2 activities'), 'the notice counts the activities carried over');
    const code = /CUS-\d{6,}/.exec(await status.textContent())[0];
    await page.getByRole('tab', {name: 'Timeline'}).click();
    await page.locator('.timeline-entry', {hasText: 'Converted to customer'}).waitFor();
    const after = await entries(page);
    assert(after[0].startsWith('Converted to customer'), `the conversion is the newest entry, got ${after[0]}`);
    assert(after.includes('Meeting · Inbound: Visited our stand at the trade fair'),
      'the meeting logged on the prospect is on the customer\'s timeline');
    assert(after.includes('Note: Prefers email over calls'), 'the note is there too');
    const conversion = page.locator('.timeline-entry', {hasText: 'Converted to customer'});
    assert((await conversion.textContent()).includes(`${prospect.reference} became customer ${code}`),
      'the conversion names the reference and the new code');
    assert((await page.evaluate(() => location.hash)).endsWith('?tab=timeline'), 'the tab is in the address');
    await screenshot(page, 'customer-timeline');
  },

  async 'timeline pages and fits a phone'({browser, track}) {
    const tenant = createTenant('ui-timeline-phone');
    const page = track(await openPage(browser, 375));
    await signIn(page, tenant);
    const customer = (await apiCall(page, 'POST', '/customers',
      {kind: 'person', first_name: 'Tim', last_name: 'Line', email: 'tim@example.com'})).body;
    for (let i = 1; i <= 21; i++) {
      const made = await apiCall(page, 'POST', `/customers/${customer.code}/activities`,
        {kind: i % 2 ? 'call' : 'email', direction: 'outbound', summary: `Contact number ${i}`});
      assertEqual(made.status, 201, `activity ${i} is logged`);
    }
    const opened = await apiCall(page, 'POST', '/cases', {customer: customer.code, subject: 'Statement missing'});
    await page.goto(`${tenant.url}/#/customers/${customer.code}?tab=timeline`);
    await page.locator('.timeline-entry').first().waitFor();
    assertEqual(await page.locator('.timeline-entry').count(), 20, 'a page holds 20 entries');
    assert((await page.locator('.timeline-entry').first().textContent()).includes('Case opened'),
      'the case opened now is newest');
    assert((await page.locator('.timeline-entry').first().textContent()).includes(opened.body.number),
      'the case entry names the case');
    await screenshot(page, 'customer-timeline');
    await page.getByRole('button', {name: 'Show older entries'}).click();
    await page.getByText('This is the beginning of the timeline.').waitFor();
    assertEqual(await page.locator('.timeline-entry').count(), 23, 'the older entries follow, down to the creation');
    assert((await page.locator('.timeline-entry').last().textContent()).includes('Customer created'),
      'the creation is last');
    await page.getByRole('button', {name: 'Log interaction'}).click();
    await page.getByRole('dialog').waitFor();
    await screenshot(page, 'timeline-log-dialog', {fullPage: false});
  },
};
