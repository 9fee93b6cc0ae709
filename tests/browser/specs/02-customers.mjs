// Customer Management: adding people and businesses through "Add New",
// finding them, editing through the row menu, the details page and paging.

import {apiCall, assert, assertEqual, createTenant, openPage, screenshot, signIn} from '../lib.mjs';

/** Opens "Add New" and picks an entry. Returns once the form's heading shows. */
async function addNew(page, entry, heading) {
  await page.getByRole('button', {name: 'Add New'}).click();
  await page.getByRole('menuitem', {name: entry}).click();
  await page.getByRole('heading', {name: heading}).waitFor();
}

/** Returns the Customer Code shown on a record page. */
async function codeOnPage(page) {
  const text = await page.locator('.record-subtitle .record-key').textContent();
  const match = /CUS-\d{6,}/.exec(text);
  assert(match, `the record page shows a Customer Code, got "${text}"`);
  return match[0];
}

async function searchFor(page, text) {
  await page.getByRole('searchbox', {name: 'Search'}).fill(text);
  await page.getByRole('button', {name: 'Search', exact: true}).click();
  await page.waitForFunction((t) => location.hash.includes(`q=${encodeURIComponent(t)}`), text);
  await page.locator('.results .result-count').waitFor();
}

export const tests = {
  async 'add, find and edit customers'({browser, track}) {
    const tenant = createTenant('ui-customers', '--country', 'DE', '--timezone', 'Europe/Berlin');
    const page = track(await openPage(browser));
    await signIn(page, tenant);
    await page.getByRole('navigation', {name: 'Modules'}).getByRole('link', {name: 'Customer Management'}).click();
    await page.getByRole('heading', {name: 'Customer Management'}).waitFor();
    await page.getByText('No customers yet').waitFor();

    // A person with a phone, an address and tags.
    await page.getByRole('button', {name: 'Add New'}).click();
    await page.getByRole('menuitem', {name: 'Business Customer'}).waitFor();
    await screenshot(page, 'customers-add-new', {fullPage: false});
    await page.keyboard.press('Escape');
    await addNew(page, 'Person Customer', 'New person customer');
    await page.getByLabel('First name').fill('Lena');
    await page.getByLabel('Last name').fill('Voss');
    await page.getByLabel('Email').fill('lena.voss@example.com');
    await page.getByRole('group', {name: 'Phone 1'}).getByLabel('Label').fill('Mobile');
    await page.getByRole('group', {name: 'Phone 1'}).getByLabel('Number').fill('030 1234567');
    await page.getByRole('button', {name: 'Add phone'}).click();
    await page.getByRole('group', {name: 'Phone 2'}).getByLabel('Label').fill('Work');
    await page.getByRole('group', {name: 'Phone 2'}).getByLabel('Number').fill('+44 20 7946 0958');
    await page.getByLabel('Address line 1').fill('Hauptstraße 5');
    await page.getByLabel('City').fill('Berlin');
    await page.getByLabel('Country').selectOption('DE');
    await page.getByLabel('Tags', {exact: true}).fill('vip');
    await page.keyboard.press('Enter');
    await page.getByLabel('Tags', {exact: true}).fill('berlin,');
    assertEqual(await page.locator('.tag-list .tag').count(), 2, 'two tags are added');
    await page.getByLabel('Date of birth').fill('1980-02-29');
    await page.getByRole('button', {name: 'Create customer'}).click();
    await page.getByRole('status').filter({hasText: 'created'}).waitFor();
    const personCode = await codeOnPage(page);
    await page.getByRole('heading', {name: 'Lena Voss'}).waitFor();
    assert(await page.getByText('29 Feb 1980').or(page.getByText('Feb 29, 1980')).isVisible(),
      'the date of birth shows as stored, not shifted by the time zone');
    assert(await page.getByText('Hauptstraße 5').isVisible(), 'the address shows');
    assert(await page.getByText('Germany').isVisible(), 'the country shows by name');

    // Times show in the tenant's zone, Europe/Berlin, not in UTC.
    const stored = (await apiCall(page, 'GET', `/customers/${personCode}`)).body.created_at;
    const [berlin, utc] = await page.evaluate((at) => ['Europe/Berlin', 'UTC'].map((timeZone) =>
      new Intl.DateTimeFormat(undefined, {timeZone, day: 'numeric', month: 'short', year: 'numeric',
        hour: '2-digit', minute: '2-digit'}).format(new Date(at))), stored);
    const created = await page.locator('dt', {hasText: 'Created'}).locator('xpath=following-sibling::dd[1]').textContent();
    assertEqual(created, berlin, 'the creation time is in the tenant\'s zone');
    assert(created !== utc, 'the creation time is not shown in UTC');

    // A business, with a website as its only contact channel.
    await page.getByRole('link', {name: '← Customer Management'}).click();
    await addNew(page, 'Business Customer', 'New business customer');
    await page.getByLabel('Legal name').fill('Nordlicht Logistik GmbH');
    await page.getByLabel('Registration number').fill('HRB 12345');
    await page.getByLabel('Website').fill('https://nordlicht.example');
    await page.getByLabel('Number of employees').fill('42');
    await page.getByRole('button', {name: 'Create customer'}).click();
    await page.getByRole('heading', {name: 'Nordlicht Logistik GmbH'}).waitFor();
    const businessCode = await codeOnPage(page);
    assert(businessCode !== personCode, 'each customer gets its own code');

    // Both appear in the list with their codes, newest first.
    await page.getByRole('navigation', {name: 'Modules'}).getByRole('link', {name: 'Customer Management'}).click();
    await page.getByRole('link', {name: businessCode}).waitFor();
    assert(await page.getByRole('link', {name: personCode}).isVisible(), 'the person is listed with its code');
    assertEqual(await page.locator('table.records tbody tr').first().locator('a.record-key').textContent(),
      businessCode, 'the newest customer is first');
    await screenshot(page, 'customers-list');

    // Search finds each by name, email or code.
    await searchFor(page, 'nordlicht');
    assertEqual(await page.locator('table.records tbody tr').count(), 1, 'the search by name finds one');
    assert(await page.getByRole('link', {name: businessCode}).isVisible(), 'the search finds the business');
    await searchFor(page, 'lena.voss@');
    assert(await page.getByRole('link', {name: personCode}).isVisible(), 'the search by email finds the person');
    await searchFor(page, personCode);
    assertEqual(await page.locator('table.records tbody tr').count(), 1, 'the search by code finds one');

    // Filters go into the address, and Back returns to the earlier list.
    await page.getByLabel('Customer Type').selectOption('business');
    await page.getByText('No customers match these filters').waitFor();
    assert((await page.evaluate(() => location.hash)).includes('kind=business'), 'the filter is in the address');
    await page.goBack();
    await page.getByRole('link', {name: personCode}).waitFor();
    assertEqual(await page.getByLabel('Customer Type').inputValue(), '', 'Back restores the filter');

    // Edit through the row menu.
    await page.getByRole('button', {name: `Actions for ${personCode}`}).click();
    await page.getByRole('menuitem', {name: 'Edit Information'}).click();
    await page.getByRole('heading', {name: 'Update Lena Voss'}).waitFor();
    assertEqual(await page.getByLabel('First name').inputValue(), 'Lena', 'the form shows the stored name');
    assertEqual(await page.getByRole('group', {name: 'Phone 2'}).getByLabel('Number').inputValue(),
      '+44 20 7946 0958', 'the form shows the second phone');
    await page.getByLabel('Occupation').fill('Architect');
    await page.getByLabel('Status').selectOption('dormant');
    await page.getByRole('button', {name: 'Remove phone 1'}).click();
    await page.getByRole('button', {name: 'Remove tag vip'}).click();
    await screenshot(page, 'customer-edit');
    await page.getByRole('button', {name: 'Save changes'}).click();
    await page.getByRole('status').filter({hasText: 'saved'}).waitFor();
    await page.getByText('Architect').waitFor();
    assert(await page.getByText('Dormant', {exact: true}).first().isVisible(), 'the new status shows');
    assert(!(await page.getByText('030 1234567').isVisible()), 'the removed phone is gone');
    await screenshot(page, 'customer-details');

    // The history tab lists the change with values before and after.
    await page.getByRole('tab', {name: 'History'}).click();
    const entry = page.locator('.history-entry').first();
    await entry.waitFor();
    assert((await entry.textContent()).includes('Updated'), 'the newest entry is the update');
    const occupation = entry.locator('tr', {hasText: 'Occupation'});
    assertEqual(await occupation.locator('td[data-label="Before"]').textContent(), '—', 'occupation had no value before');
    assertEqual(await occupation.locator('td[data-label="After"]').textContent(), 'Architect', 'occupation after the change');
    assert((await page.evaluate(() => location.hash)).endsWith('?tab=history'), 'the tab is in the address');
    await screenshot(page, 'customer-history');
    await page.reload();
    await page.locator('.history-entry').first().waitFor();
    assertEqual(await page.getByRole('tab', {name: 'History'}).getAttribute('aria-selected'), 'true',
      'a reload keeps the tab');
  },

  async 'list pages forward and back'({browser, track}) {
    const tenant = createTenant('ui-paging');
    const page = track(await openPage(browser));
    await signIn(page, tenant);
    for (let i = 1; i <= 27; i++) {
      const n = String(i).padStart(2, '0');
      const created = await apiCall(page, 'POST', '/customers',
        {kind: 'person', first_name: 'Page', last_name: `Person ${n}`, email: `page${n}@example.com`});
      assertEqual(created.status, 201, `customer ${n} is created`);
    }
    await page.goto(`${tenant.url}/#/customers?sort=name`);
    await page.getByText('27 customers').waitFor();
    assertEqual(await page.locator('table.records tbody tr').count(), 25, 'a page holds 25 rows');
    assert(await page.getByRole('button', {name: '← Previous'}).isDisabled(), 'the first page has no previous page');
    await page.getByRole('button', {name: 'Next →'}).click();
    await page.getByText('Page 2').waitFor();
    assertEqual(await page.locator('table.records tbody tr').count(), 2, 'the second page holds the rest');
    assert(await page.getByText('Page Person 27').isVisible(), 'sorting by name puts the last one last');
    await page.getByRole('button', {name: '← Previous'}).click();
    await page.getByText('Page 1').waitFor();
    assert(await page.getByText('Page Person 01').isVisible(), 'Previous returns to the first page');
    await page.goBack();
    await page.getByText('Page 2').waitFor();
    assert(await page.getByText('Page Person 26').isVisible(), 'Back shows the second page again');

    // The history shows 20 changes at a time, newest first.
    const code = (await apiCall(page, 'GET', '/customers?sort=name&limit=1')).body.items[0].code;
    for (let version = 1; version <= 21; version++) {
      const changed = await apiCall(page, 'PATCH', `/customers/${code}`, {occupation: `Job ${version}`},
        {'If-Match': `"${version}"`});
      assertEqual(changed.status, 200, `change ${version} is saved`);
    }
    await page.goto(`${tenant.url}/#/customers/${code}?tab=history`);
    await page.locator('.history-entry').first().waitFor();
    assertEqual(await page.locator('.history-entry').count(), 20, 'the first page holds 20 changes');
    assert((await page.locator('.history-entry').first().textContent()).includes('Job 21'), 'the newest is first');
    await page.getByRole('button', {name: 'Show older changes'}).click();
    await page.getByText('This is the first change.').waitFor();
    assertEqual(await page.locator('.history-entry').count(), 22, 'the older changes follow, down to the creation');
    assert((await page.locator('.history-entry').last().textContent()).includes('Created'), 'the creation is last');
  },

  async 'screens fit a phone'({browser, track}) {
    const tenant = createTenant('ui-phone');
    const page = track(await openPage(browser, 375));
    await signIn(page, tenant);
    const created = await apiCall(page, 'POST', '/customers', {
      kind: 'business', legal_name: 'Very Long Business Name International Holdings Limited',
      email: 'a-very-long-address-for-the-accounts-department@example.com',
      phones: [{label: 'Office', number: '+1 212 555 0100'}], tags: ['wholesale', 'priority'],
      address: {lines: ['1 Long Street'], city: 'New York', region: 'NY', postal_code: '10001', country: 'US'},
    });
    assertEqual(created.status, 201, 'the business is created');
    const code = created.body.code;
    await page.goto(`${tenant.url}/#/customers`);
    await page.getByRole('link', {name: code}).waitFor();
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert(overflow <= 0, `the list fits 375 px without scrolling sideways (overflow ${overflow}px)`);
    await screenshot(page, 'customers-list');
    await page.getByRole('button', {name: `Actions for ${code}`}).click();
    await page.getByRole('menuitem', {name: 'View Details'}).waitFor();
    await screenshot(page, 'customers-row-menu', {fullPage: false});
    await page.keyboard.press('Escape');
    await page.getByRole('button', {name: 'Add New'}).click();
    await page.getByRole('menuitem', {name: 'Person Customer'}).waitFor();
    await screenshot(page, 'customers-add-new', {fullPage: false});
    await page.getByRole('menuitem', {name: 'Person Customer'}).click();
    await page.getByRole('heading', {name: 'New person customer'}).waitFor();
    await screenshot(page, 'customer-new');
    await page.goto(`${tenant.url}/#/customers/${code}`);
    await page.getByRole('heading', {name: /Very Long Business/}).waitFor();
    const detailsOverflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert(detailsOverflow <= 0, `the details page fits 375 px (overflow ${detailsOverflow}px)`);
    await screenshot(page, 'customer-details');
    await page.getByRole('tab', {name: 'History'}).click();
    await page.locator('.history-entry').first().waitFor();
    await screenshot(page, 'customer-history');
  },
};
