// Prospects: adding one through "Add New" and converting it to a customer from
// its "Update Customer Info" form.

import {assert, assertEqual, createTenant, openPage, screenshot, signIn} from '../lib.mjs';

export const tests = {
  async 'add a prospect and convert it'({browser, track}) {
    const tenant = createTenant('ui-prospects');
    for (const width of [1280, 375]) {
      const page = track(await openPage(browser, width));
      await signIn(page, tenant);
      const company = `Brightwater Farms ${width}`;
      await page.goto(`${tenant.url}/#/prospects`);
      await page.getByRole('heading', {name: 'Prospects'}).waitFor();
      await page.getByRole('button', {name: 'Add New'}).click();
      await page.getByRole('menuitem', {name: 'Business Prospect'}).click();
      await page.getByRole('heading', {name: 'New business prospect'}).waitFor();
      await page.getByLabel('Legal name').fill(company);
      await page.getByLabel('Email').fill(`hello${width}@brightwater.example`);
      await page.getByLabel('Lead stage').fill('Contacted');
      await page.getByLabel('Source').fill('Trade fair');
      await page.getByLabel('Lead owner').fill('Ada Admin');
      await screenshot(page, 'prospect-new');
      await page.getByRole('button', {name: 'Create prospect'}).click();
      await page.getByRole('heading', {name: company}).waitFor();
      const subtitle = await page.locator('.record-subtitle .record-key').textContent();
      const reference = /PRO-\d{6,}/.exec(subtitle)[0];

      // The list shows the lead stage, source and lead owner.
      await page.getByRole('link', {name: '← Prospects'}).click();
      const row = page.locator('table.records tbody tr', {hasText: reference});
      await row.waitFor();
      const text = await row.textContent();
      assert(text.includes('Contacted'), 'the list shows the lead stage');
      assert(text.includes('Trade fair'), 'the list shows the source');
      assert(text.includes('Ada Admin'), 'the list shows the lead owner');
      await screenshot(page, 'prospects-list');

      // Convert from the form that "Update Customer Info" opens; a change typed first is saved too.
      await page.getByRole('link', {name: reference}).click();
      await page.getByRole('heading', {name: company}).waitFor();
      await screenshot(page, 'prospect-details');
      await page.getByRole('link', {name: 'Update Customer Info'}).click();
      await page.getByRole('heading', {name: `Update ${company}`}).waitFor();
      await page.getByLabel('Industry').fill('Agriculture');
      await page.getByRole('button', {name: 'Convert to Customer'}).click();
      const dialog = page.getByRole('dialog', {name: `Convert ${reference} to a customer?`});
      await dialog.waitFor();
      assert((await dialog.textContent()).includes('saved first'), 'the dialog says the typed change is saved');
      await screenshot(page, 'prospect-convert-dialog', {fullPage: false});
      await dialog.getByRole('button', {name: 'Convert to Customer'}).click();

      const status = page.getByRole('status').filter({hasText: 'is now customer'});
      await status.waitFor();
      const code = /CUS-\d{6,}/.exec(await status.textContent())[0];
      assert(/Carried over: 2 history entries/.test(await status.textContent()),
        'the notice says what carried over: the creation and the change before converting');
      assert((await page.locator('.record-subtitle').textContent()).includes(`Customer Code ${code}`),
        'the customer page shows the new code');
      assert(await page.getByText('Agriculture').isVisible(), 'the change typed before converting is saved');
      assert(await page.getByText(reference, {exact: true}).isVisible(), 'the customer keeps its prospect reference');
      await screenshot(page, 'prospect-converted');

      // The customer list shows it with its code; the prospect list no longer does.
      await page.goto(`${tenant.url}/#/customers`);
      await page.getByRole('link', {name: code}).waitFor();
      await page.goto(`${tenant.url}/#/prospects`);
      await page.locator('.results .result-count, .results .empty').first().waitFor();
      assertEqual(await page.getByRole('link', {name: reference}).count(), 0, 'the prospect list leaves it out');
      if (width === 375) await page.getByText('Filters and sort').click();
      await page.getByLabel('Status').selectOption('converted');
      await page.getByRole('link', {name: reference}).waitFor();

      // An old link to the prospect leads to the customer.
      await page.goto(`${tenant.url}/#/prospects/${reference}`);
      await page.getByRole('status').filter({hasText: `customer ${code}`}).waitFor();
      assert((await page.evaluate(() => location.hash)).includes(code), 'the old prospect link opens the customer');
    }
  },
};
