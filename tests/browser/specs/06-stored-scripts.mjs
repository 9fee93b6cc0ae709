// Stored script payloads in names, notes, tags and the like are shown as text
// on every page and never run. lib.mjs fails the test on any dialog (alert) or
// console error; the checks below also look for elements the payload would
// have created.

import {apiCall, assert, assertEqual, createTenant, openPage, screenshot, signIn} from '../lib.mjs';

const IMG = '<img src=x onerror=alert(1)>';
const SCRIPT = '<script>alert(1)</script>';

/** Fails when the main area contains an element that a payload would have made. */
async function assertNoInjectedElements(page) {
  const injected = await page.locator('main img, main script, main [onerror]').count();
  assertEqual(injected, 0, 'no element comes from the stored text');
}

export const tests = {
  async 'stored payloads show as text'({browser, track}) {
    const tenant = createTenant('ui-payload');
    const page = track(await openPage(browser));
    await signIn(page, tenant);
    // Scripts the page might run would set this flag.
    await page.evaluate(() => {
      window.alert = () => {
        document.body.dataset.alerted = 'yes';
      };
    });

    // One record through the form, one through the API with the payload everywhere.
    await page.goto(`${tenant.url}/#/customers/new?kind=person`);
    await page.getByLabel('First name').fill(IMG);
    await page.getByLabel('Last name').fill(SCRIPT);
    await page.getByLabel('Email').fill('payload@example.com');
    await page.getByLabel('Notes').fill(`${SCRIPT}\n${IMG}`);
    await page.getByRole('button', {name: 'Create customer'}).click();
    await page.getByRole('heading', {name: `${IMG} ${SCRIPT}`}).waitFor();
    const code = /CUS-\d+/.exec(await page.locator('.record-subtitle').textContent())[0];
    assertEqual(await page.locator('.notes').textContent(), `${SCRIPT}\n${IMG}`, 'the notes show as typed');
    await assertNoInjectedElements(page);

    const business = await apiCall(page, 'POST', '/customers', {
      kind: 'business', legal_name: SCRIPT, trading_name: IMG, industry: IMG, website: 'javascript:alert(1).example',
      email: 'biz-payload@example.com', source: IMG, tags: [IMG, SCRIPT], notes: IMG, external_ref: SCRIPT,
      phones: [{label: IMG, number: '+1 212 555 0100'}], address: {lines: [IMG], city: SCRIPT},
    });
    assertEqual(business.status, 201, 'the API stores the payload as text');
    const prospect = await apiCall(page, 'POST', '/prospects', {
      kind: 'person', first_name: SCRIPT, last_name: IMG, email: 'p-payload@example.com', lead_stage: IMG,
      lead_owner_name: SCRIPT, source: SCRIPT,
    });
    assertEqual(prospect.status, 201, 'the prospect is stored');

    // The customer list.
    await page.goto(`${tenant.url}/#/customers`);
    await page.getByRole('link', {name: code}).waitFor();
    const rows = await page.locator('table.records tbody').textContent();
    assert(rows.includes(`${IMG} ${SCRIPT}`), 'the person\'s name shows as text in the list');
    assert(rows.includes(SCRIPT), 'the business name shows as text in the list');
    await assertNoInjectedElements(page);
    await screenshot(page, 'payload-list');

    // Search with the payload as the query.
    await page.getByRole('searchbox', {name: 'Search'}).fill(SCRIPT);
    await page.getByRole('button', {name: 'Search', exact: true}).click();
    await page.getByText(/^[12] customers?$/).waitFor();
    await assertNoInjectedElements(page);

    // The business's page: every field, the website link and the history.
    await page.goto(`${tenant.url}/#/customers/${business.body.code}`);
    await page.getByRole('heading', {name: SCRIPT}).waitFor();
    const profile = await page.locator('.profile-grid').textContent();
    for (const part of [IMG, SCRIPT]) assert(profile.includes(part), `the profile shows ${part} as text`);
    const website = page.getByRole('link', {name: 'javascript:alert(1).example'});
    assertEqual(await website.getAttribute('href'), 'https://javascript:alert(1).example',
      'a website without http(s) becomes an https link, never a javascript: one');
    await assertNoInjectedElements(page);
    await screenshot(page, 'payload-details');
    await page.getByRole('tab', {name: 'History'}).click();
    await page.locator('.history-entry').first().waitFor();
    assert((await page.locator('.history').textContent()).includes(IMG), 'the history shows the payload as text');
    await assertNoInjectedElements(page);

    // The edit form shows the payload as values.
    await page.goto(`${tenant.url}/#/customers/${business.body.code}/edit`);
    assertEqual(await page.getByLabel('Legal name').inputValue(), SCRIPT, 'the form holds the payload as a value');
    await assertNoInjectedElements(page);

    // The prospect list and page.
    await page.goto(`${tenant.url}/#/prospects`);
    await page.getByRole('link', {name: prospect.body.reference}).waitFor();
    assert((await page.locator('table.records tbody').textContent()).includes(IMG), 'the lead stage shows as text');
    await page.getByRole('link', {name: prospect.body.reference}).click();
    await page.getByRole('heading', {name: `${SCRIPT} ${IMG}`}).waitFor();
    await assertNoInjectedElements(page);

    // A staff member named with the payload.
    await apiCall(page, 'POST', '/users', {email: `x@${tenant.slug}.test`, display_name: IMG, role_id: 4});
    await page.goto(`${tenant.url}/#/staff`);
    await page.getByRole('button', {name: `Actions for ${IMG}`}).waitFor();
    await assertNoInjectedElements(page);

    assertEqual(await page.evaluate(() => document.body.dataset.alerted || 'no'), 'no', 'no script called alert');
  },
};
