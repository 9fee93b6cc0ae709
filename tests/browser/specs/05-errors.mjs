// Errors from the API appear next to the field they name, the form keeps what
// was typed, and conflicts (duplicates, concurrent changes) offer a way on.

import {apiCall, assert, assertEqual, createTenant, openPage, screenshot, signIn} from '../lib.mjs';

/** Returns the error line of a field, found by the JSON path the API names. */
function fieldError(page, path) {
  return page.locator(`[data-field="${path}"] .field-error`).first();
}

export const tests = {
  async 'field errors sit next to their fields'({browser, track}) {
    const tenant = createTenant('ui-errors');
    for (const width of [1280, 375]) {
      const page = track(await openPage(browser, width));
      await signIn(page, tenant);
      await page.goto(`${tenant.url}/#/customers/new?kind=person`);
      await page.getByRole('heading', {name: 'New person customer'}).waitFor();
      await page.getByLabel('First name').fill('Noah');
      await page.getByLabel('Occupation').fill('Baker');
      await page.getByLabel('Notes').fill('Met at the market.\nPrefers mornings.');
      await page.getByRole('button', {name: 'Create customer'}).click();

      // First the missing last name, on its field, which gets the focus.
      await fieldError(page, 'last_name').filter({hasText: 'required'}).waitFor();
      assertEqual(await page.getByLabel('Last name').getAttribute('aria-invalid'), 'true', 'the field is marked invalid');
      assert(await page.getByLabel('Last name').evaluate((el) => el === document.activeElement), 'focus moves to it');
      assertEqual(await page.getByLabel('First name').inputValue(), 'Noah', 'the first name stays');
      assertEqual(await page.getByLabel('Notes').inputValue(), 'Met at the market.\nPrefers mornings.',
        'the notes stay, line breaks included');
      await screenshot(page, 'customer-errors');

      // Then the missing contact channel, on the Contact section.
      await page.getByLabel('Last name').fill('Baker');
      await page.getByRole('button', {name: 'Create customer'}).click();
      await fieldError(page, 'contact').filter({hasText: 'email address or a phone number'}).waitFor();
      assert(!(await fieldError(page, 'last_name').isVisible()), 'the fixed error is gone');
      assertEqual(await page.getByLabel('Occupation').inputValue(), 'Baker', 'the occupation stays');

      // A phone number the API cannot read is named on its own row.
      await page.getByRole('group', {name: 'Phone 1'}).getByLabel('Number').fill('12');
      await page.getByRole('button', {name: 'Add phone'}).click();
      await page.getByRole('group', {name: 'Phone 2'}).getByLabel('Number').fill('not a number');
      await page.getByLabel('Date of birth').fill('2999-01-01');
      await page.getByRole('button', {name: 'Create customer'}).click();
      await fieldError(page, 'phones[0].number').filter({hasText: 'phone number'}).waitFor();
      assert(await fieldError(page, 'phones[1].number').isVisible(), 'the second phone has its own error');
      assert(await fieldError(page, 'date_of_birth').isVisible(), 'a future date of birth is an error too');
      await page.getByRole('group', {name: 'Phone 1'}).getByLabel('Number').fill(`+1 212 555 0${width === 375 ? 188 : 187}`);
      await page.getByRole('button', {name: 'Remove phone 2'}).click();
      await page.getByLabel('Date of birth').fill('1990-05-17');
      await page.getByRole('button', {name: 'Create customer'}).click();
      await page.getByRole('heading', {name: 'Noah Baker'}).waitFor();
      assert(await page.getByText('Prefers mornings.').isVisible(), 'the notes are saved');
    }
  },

  async 'possible duplicate offers create anyway'({browser, track}) {
    const tenant = createTenant('ui-duplicate');
    const page = track(await openPage(browser));
    await signIn(page, tenant);
    const first = await apiCall(page, 'POST', '/customers',
      {kind: 'person', first_name: 'Mia', last_name: 'Wong', email: 'mia.wong@example.com'});
    assertEqual(first.status, 201, 'the first record is created');
    await page.goto(`${tenant.url}/#/customers/new?kind=person`);
    await page.getByLabel('First name').fill('Mia');
    await page.getByLabel('Last name').fill('Wong-Lee');
    await page.getByLabel('Email').fill('MIA.WONG@example.com');
    await page.getByRole('button', {name: 'Create customer'}).click();
    const box = page.getByRole('alert').filter({hasText: 'Possible duplicate'});
    await box.waitFor();
    const match = box.getByRole('link', {name: new RegExp(first.body.code)});
    assertEqual(await match.getAttribute('href'), `#/customers/${first.body.code}`, 'the match links to the record');
    assert((await box.textContent()).includes('matches on email'), 'the box says what matched');
    await screenshot(page, 'customer-duplicate');
    assertEqual(await page.getByLabel('Last name').inputValue(), 'Wong-Lee', 'the form keeps its values');
    await box.getByRole('button', {name: 'Create anyway'}).click();
    await page.getByRole('heading', {name: 'Mia Wong-Lee'}).waitFor();
    const code = /CUS-\d+/.exec(await page.locator('.record-subtitle').textContent())[0];
    assert(code !== first.body.code, 'the duplicate got a code of its own');
  },

  async 'concurrent change keeps typed values'({browser, track}) {
    const tenant = createTenant('ui-conflict');
    const page = track(await openPage(browser));
    await signIn(page, tenant);
    const created = await apiCall(page, 'POST', '/customers',
      {kind: 'person', first_name: 'Ivan', last_name: 'Petrov', email: 'ivan@example.com', occupation: 'Pilot'});
    const code = created.body.code;
    await page.goto(`${tenant.url}/#/customers/${code}/edit`);
    await page.getByRole('heading', {name: 'Update Ivan Petrov'}).waitFor();
    await page.getByLabel('Employer').fill('North Air');

    // Someone else changes the occupation meanwhile.
    const other = await apiCall(page, 'PATCH', `/customers/${code}`, {occupation: 'Captain'}, {'If-Match': '"1"'});
    assertEqual(other.status, 200, 'the other change is saved');

    await page.getByRole('button', {name: 'Save changes'}).click();
    const box = page.getByRole('alert').filter({hasText: 'Someone else changed this record'});
    await box.waitFor();
    await screenshot(page, 'customer-conflict');
    await box.getByRole('button', {name: 'Load the current version'}).click();
    await page.getByText('Changed by someone else: Occupation.').waitFor();
    assertEqual(await page.getByLabel('Employer').inputValue(), 'North Air', 'the typed employer stays');
    assertEqual(await page.getByLabel('Occupation').inputValue(), 'Captain', 'the other change shows');
    await page.getByRole('button', {name: 'Save changes'}).click();
    await page.getByRole('status').filter({hasText: 'saved'}).waitFor();
    assert(await page.getByText('North Air').isVisible(), 'the typed change is saved');
    assert(await page.getByText('Captain').isVisible(), 'the other change is kept');
  },

  async 'settings errors sit next to their fields'({browser, track}) {
    const tenant = createTenant('ui-settings');
    for (const width of [1280, 375]) {
      const page = track(await openPage(browser, width));
      await signIn(page, tenant);
      if (width === 375) await page.getByRole('button', {name: 'Menu'}).click();
      await page.getByRole('navigation', {name: 'Modules'}).getByRole('link', {name: 'Settings'}).click();
      await page.getByRole('heading', {name: 'Settings'}).waitFor();
      await screenshot(page, 'settings');
      await page.getByLabel('Sign out after inactivity (minutes)').fill('2');
      await page.getByLabel('Longest session (hours)').fill('0');
      await page.getByLabel('Urgent cases: resolve within (hours)').fill('3');
      await page.getByRole('button', {name: 'Add category'}).click();
      await page.getByRole('textbox', {name: 'Category 7'}).fill(`Mortgage ${width}`);
      await page.getByRole('button', {name: 'Save settings'}).click();
      await fieldError(page, 'session_idle_minutes').filter({hasText: 'from 5 to 1440'}).waitFor();
      assert((await fieldError(page, 'session_lifetime_hours').textContent()).includes('from 1 to 720'),
        'each field shows its own range');
      assertEqual(await page.getByLabel('Urgent cases: resolve within (hours)').inputValue(), '3', 'other values stay');
      assertEqual(await page.getByRole('textbox', {name: 'Category 7'}).inputValue(), `Mortgage ${width}`,
        'the new category stays');
      await screenshot(page, 'settings-errors');
      await page.getByLabel('Sign out after inactivity (minutes)').fill('45');
      await page.getByLabel('Longest session (hours)').fill('10');
      await page.getByRole('button', {name: 'Move up category 7'}).click();
      await page.getByRole('button', {name: 'Remove category 1'}).click();
      await page.getByLabel('Winning a deal converts its prospect to a customer').uncheck();
      await page.getByRole('button', {name: 'Save settings'}).click();
      await page.getByRole('status').filter({hasText: 'Settings saved'}).waitFor();
      const saved = await apiCall(page, 'GET', '/settings');
      assertEqual(saved.body.session_idle_minutes, 45, 'the idle timeout is saved');
      assertEqual(saved.body.case_target_hours_urgent, 3, 'the urgent target is saved');
      assertEqual(saved.body.deal_win_converts_prospect, false, 'the toggle is saved');
      assertEqual(saved.body.case_categories.join(','), `Billing,Complaint,Loan,Request,Mortgage ${width},Other`,
        'the categories are saved in their new order');
      // The second round starts from the first one's values.
      await apiCall(page, 'PATCH', '/settings', {case_categories: ['Account', 'Billing', 'Complaint', 'Loan', 'Request',
        'Other'], deal_win_converts_prospect: true});
    }
  },
};
