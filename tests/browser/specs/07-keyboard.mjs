// The keyboard alone works the row action menu, the "Add New" choice, the
// record tabs and dialogs, the status buttons of a case and the import steps.

import path from 'node:path';
import {apiCall, assert, assertEqual, createTenant, openPage, screenshot, signIn} from '../lib.mjs';

/** Returns a short description of the focused element: its role or tag and its text. */
async function focused(page) {
  return page.evaluate(() => {
    const el = document.activeElement;
    return `${el.getAttribute('role') || el.tagName.toLowerCase()}:${(el.getAttribute('aria-label') || el.textContent).trim()}`;
  });
}

/** Presses Tab until the focused element's description matches, at most limit times. */
async function tabTo(page, pattern, limit = 60) {
  for (let i = 0; i < limit; i++) {
    if (pattern.test(await focused(page))) return;
    await page.keyboard.press('Tab');
  }
  throw new Error(`Tab never reached ${pattern}; focus is on ${await focused(page)}`);
}

/** Presses Tab until the form control with this name has the focus. */
async function tabToField(page, name, limit = 40) {
  for (let i = 0; i < limit; i++) {
    if (await page.evaluate((n) => document.activeElement.name === n, name)) return;
    await page.keyboard.press('Tab');
  }
  throw new Error(`Tab never reached the field ${name}; focus is on ${await focused(page)}`);
}

export const tests = {
  async 'row menu and add new by keyboard'({browser, track}) {
    const tenant = createTenant('ui-keys');
    const page = track(await openPage(browser));
    await signIn(page, tenant);
    const first = await apiCall(page, 'POST', '/customers',
      {kind: 'person', first_name: 'Kira', last_name: 'Keys', email: 'kira@example.com'});
    const code = first.body.code;
    await page.goto(`${tenant.url}/#/customers`);
    await page.getByRole('link', {name: code}).waitFor();

    // The row menu: Enter opens it on the first item, arrows move, Escape closes and returns focus.
    await tabTo(page, new RegExp(`button:Actions for ${code}`));
    const button = page.getByRole('button', {name: `Actions for ${code}`});
    assertEqual(await button.getAttribute('aria-haspopup'), 'menu', 'the button says it opens a menu');
    await page.keyboard.press('Enter');
    assertEqual(await button.getAttribute('aria-expanded'), 'true', 'Enter opens the menu');
    assertEqual(await focused(page), 'menuitem:View Details', 'the first item has the focus');
    await screenshot(page, 'keyboard-row-menu', {fullPage: false});
    await page.keyboard.press('ArrowDown');
    assertEqual(await focused(page), 'menuitem:Edit Information', 'ArrowDown moves to the next item');
    await page.keyboard.press('ArrowDown');
    assertEqual(await focused(page), 'menuitem:View Details', 'ArrowDown wraps to the first item');
    await page.keyboard.press('End');
    assertEqual(await focused(page), 'menuitem:Edit Information', 'End moves to the last item');
    await page.keyboard.press('Escape');
    assertEqual(await button.getAttribute('aria-expanded'), 'false', 'Escape closes the menu');
    assertEqual(await focused(page), `button:Actions for ${code}`, 'focus returns to the button');
    assert(await page.getByRole('menu').isHidden(), 'the menu is hidden');

    // ArrowUp opens on the last item; Enter follows it.
    await page.keyboard.press('ArrowUp');
    assertEqual(await focused(page), 'menuitem:Edit Information', 'ArrowUp opens on the last item');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', {name: 'Update Kira Keys'}).waitFor();
    await page.goBack();
    await page.getByRole('link', {name: code}).waitFor();

    // Space opens too, and Space on an item follows it.
    await tabTo(page, new RegExp(`button:Actions for ${code}`));
    await page.keyboard.press(' ');
    assertEqual(await focused(page), 'menuitem:View Details', 'Space opens the menu');
    await page.keyboard.press(' ');
    await page.getByRole('heading', {name: 'Kira Keys'}).waitFor();

    // The record tabs move with the arrow keys.
    await tabTo(page, /^tab:Profile/);
    await page.keyboard.press('ArrowRight');
    assertEqual(await focused(page), 'tab:Timeline', 'ArrowRight moves to the next tab');
    await page.keyboard.press('End');
    assertEqual(await focused(page), 'tab:History', 'End moves to the last tab');
    await page.locator('.history-entry').first().waitFor();
    assertEqual(await page.getByRole('tab', {name: 'History'}).getAttribute('aria-selected'), 'true',
      'the focused tab is selected');
    await page.keyboard.press('Home');
    assertEqual(await focused(page), 'tab:Profile', 'Home moves to the first tab');

    // "Add New": the choice opens from the keyboard and Escape returns focus.
    await page.goto(`${tenant.url}/#/customers`);
    await page.getByRole('link', {name: code}).waitFor();
    await tabTo(page, /^button:Add New/);
    await page.keyboard.press('ArrowDown');
    assertEqual(await focused(page), 'menuitem:Person Customer', 'ArrowDown opens on Person Customer');
    await page.keyboard.press('Escape');
    assertEqual(await focused(page), 'button:Add New ▾', 'Escape returns focus to Add New');
    await page.keyboard.press('Enter');
    await page.keyboard.press('b');
    assertEqual(await focused(page), 'menuitem:Business Customer', 'a letter moves to the item starting with it');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', {name: 'New business customer'}).waitFor();

    // Fill the form with the keyboard alone and save with Enter.
    await tabTo(page, /^input:$/, 10);
    assertEqual(await page.evaluate(() => document.activeElement.name), 'legal_name', 'the first field is the legal name');
    await page.keyboard.type('Keyboard Works Ltd');
    await tabToField(page, 'email');
    await page.keyboard.type('office@keyboard.example');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', {name: 'Keyboard Works Ltd'}).waitFor();

    // A dialog: Escape closes it and focus returns to the button that opened it.
    await tabTo(page, /^button:Archive/);
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog');
    await dialog.waitFor();
    assertEqual(await focused(page), 'button:Archive', 'the dialog focuses its confirm button');
    await page.keyboard.press('Escape');
    await dialog.waitFor({state: 'detached'});
    assertEqual(await focused(page), 'button:Archive', 'focus returns to the Archive button');
    await page.keyboard.press('Enter');
    await page.keyboard.press('Enter');
    await page.getByRole('status').filter({hasText: /CUS-\d+ archived\./}).waitFor();

    // The archived record leaves the list unless asked for, and Restore brings it back.
    const archivedCode = /CUS-\d+/.exec(await page.locator('.record-subtitle').textContent())[0];
    await page.goto(`${tenant.url}/#/customers`);
    await page.getByRole('link', {name: code}).waitFor();
    assertEqual(await page.getByRole('link', {name: archivedCode}).count(), 0, 'the list leaves the archived record out');
    await page.getByLabel('Archived records').selectOption('only');
    await page.getByRole('link', {name: archivedCode}).click();
    await tabTo(page, /^button:Restore/);
    await page.keyboard.press('Enter');
    await page.keyboard.press('Enter');
    await page.getByRole('status').filter({hasText: /restored\./}).waitFor();
    await page.getByRole('button', {name: 'Archive'}).waitFor();
  },

  async 'case status, tabs and import by keyboard'({browser, track}) {
    const tenant = createTenant('ui-keys-cases');
    const page = track(await openPage(browser));
    await signIn(page, tenant);
    const customer = (await apiCall(page, 'POST', '/customers',
      {kind: 'person', first_name: 'Kai', last_name: 'Keys', email: 'kai@example.com'})).body;
    const made = (await apiCall(page, 'POST', '/cases', {customer: customer.code, subject: 'Keyboard case'})).body;

    // The record tabs: Profile, Timeline, Cases, Deals and History in order, moved by the arrow keys.
    await page.goto(`${tenant.url}/#/customers/${customer.code}`);
    await page.getByRole('heading', {name: 'Kai Keys'}).waitFor();
    await tabTo(page, /^tab:Profile/);
    await page.keyboard.press('ArrowRight');
    assertEqual(await focused(page), 'tab:Timeline', 'ArrowRight moves to the Timeline tab');
    await page.locator('.timeline-entry').first().waitFor();
    await page.keyboard.press('ArrowRight');
    assertEqual(await focused(page), 'tab:Cases', 'ArrowRight moves to the Cases tab');
    await page.getByRole('link', {name: made.number}).waitFor();
    await page.keyboard.press('End');
    assertEqual(await focused(page), 'tab:History', 'End moves to the last tab');
    await page.keyboard.press('ArrowLeft');
    assertEqual(await focused(page), 'tab:Deals', 'ArrowLeft moves back to the Deals tab');
    await page.keyboard.press('ArrowLeft');
    assertEqual(await focused(page), 'tab:Cases', 'ArrowLeft moves back to the Cases tab');

    // Into the Cases panel and the case with Tab and Enter.
    await tabTo(page, new RegExp(`^a:${made.number}$`));
    await page.keyboard.press('Enter');
    await page.getByRole('heading', {name: `${made.number}: Keyboard case`}).waitFor();

    // The status buttons: Enter moves the case, and Resolve opens a dialog for its note.
    await tabTo(page, /^button:Mark as open$/);
    await page.keyboard.press('Enter');
    await page.getByRole('status').filter({hasText: `${made.number} is open now.`}).waitFor();
    await tabTo(page, /^button:Resolve…$/);
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog', {name: `Resolve ${made.number}`});
    await dialog.waitFor();
    assertEqual(await page.evaluate(() => document.activeElement.name), 'resolution_note',
      'the dialog focuses the resolution note');
    await page.keyboard.press('Escape');
    await dialog.waitFor({state: 'detached'});
    assertEqual(await focused(page), 'button:Resolve…', 'Escape returns focus to the button');
    await page.keyboard.press('Enter');
    await dialog.waitFor();
    await page.keyboard.type('Solved by keyboard.');
    await page.keyboard.press('Tab');
    assertEqual(await focused(page), 'button:Resolve case', 'Tab reaches the dialog\'s button');
    await page.keyboard.press('Enter');
    await page.getByRole('status').filter({hasText: `${made.number} is resolved now.`}).waitFor();
    await tabTo(page, /^button:Close$/);
    await page.keyboard.press(' ');
    await page.getByRole('status').filter({hasText: `${made.number} is closed now.`}).waitFor();
    await tabTo(page, /^button:Reopen$/);
    await screenshot(page, 'keyboard-case-status', {fullPage: false});
    await page.keyboard.press('Enter');
    await page.getByRole('status').filter({hasText: `${made.number} is open now.`}).waitFor();

    // The import steps: the file comes from the file chooser, everything else from the keyboard.
    await page.goto(`${tenant.url}/#/imports`);
    await page.getByText('No imports yet.').waitFor();
    await page.getByLabel('CSV file').setInputFiles(path.join(process.env.LENDASTACK_REPO,
      'tests/data/customers-100.csv'));
    await page.getByLabel('CSV file').focus();
    await page.keyboard.press('Tab');
    assertEqual(await focused(page), 'input:', 'Tab moves to the target choice');
    assertEqual(await page.evaluate(() => document.activeElement.value), 'person_customers',
      'the chosen target has the focus');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowUp');
    assert(await page.getByRole('radio', {name: 'Person customers'}).isChecked(), 'the arrow keys choose the target');
    await tabTo(page, /^button:Check the file$/);
    await page.keyboard.press('Enter');
    await page.locator('[data-step="3"] .check-summary').waitFor();
    assertEqual(await page.evaluate(() => document.activeElement.className), 'check-summary',
      'focus moves to the result of the check');
    await tabTo(page, /^select:/);
    assertEqual(await page.evaluate(() => document.activeElement.getAttribute('aria-label')),
      'Field for column Index', 'Tab reaches the first column\'s field');
    await tabTo(page, /^button:Check again with this mapping$/);
    await tabTo(page, /^input:$/);
    assertEqual(await page.evaluate(() => document.activeElement.name), 'on_invalid', 'Tab reaches the policies');
    await tabTo(page, /^button:Import$/);
    await page.keyboard.press('Enter');
    await page.locator('.import-result [data-figure="created"]').waitFor();
    assertEqual(await focused(page), 'h2:Import 1', 'focus moves to the import\'s result');
    await tabTo(page, /^button:Undo import$/);
    await page.keyboard.press('Enter');
    await page.getByRole('dialog').waitFor();
    await page.keyboard.press('Enter');
    await page.getByRole('status').filter({hasText: 'is undone'}).waitFor();
  },
};
