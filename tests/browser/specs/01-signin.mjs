// Signing in and out, and errors shown where they belong.

import {assert, assertEqual, createTenant, openPage, screenshot, signIn} from '../lib.mjs';

export const tests = {
  async 'sign in shows the modules and signs out'({browser, track}) {
    const tenant = createTenant('ui-signin');
    for (const width of [1280, 375]) {
      const page = track(await openPage(browser, width));
      await page.goto(`${tenant.url}/`);
      await page.getByRole('heading', {name: 'Sign in'}).waitFor();
      await screenshot(page, 'sign-in');
      await signIn(page, tenant);
      await page.getByRole('heading', {name: 'Dashboard'}).waitFor();
      assert(await page.getByText('Welcome, Ada Admin.').isVisible(), 'the dashboard greets the user');
      await screenshot(page, 'dashboard-empty');
      if (width === 375) await page.getByRole('button', {name: 'Menu'}).click();
      assert(await page.getByRole('link', {name: 'Dashboard'}).isVisible(), 'the sidebar shows the dashboard');
      await page.getByRole('button', {name: 'Sign out'}).click();
      await page.getByRole('heading', {name: 'Sign in'}).waitFor();
    }
  },

  async 'wrong password keeps the email and says why'({browser, track}) {
    const tenant = createTenant('ui-signin');
    const page = track(await openPage(browser));
    await page.goto(`${tenant.url}/#/sign-in`);
    await page.getByLabel('Email').fill(tenant.email);
    await page.getByLabel('Password').fill('not the password');
    await page.getByRole('button', {name: 'Sign in'}).click();
    const alert = page.getByRole('alert');
    await alert.waitFor();
    assert((await alert.textContent()).includes('not correct'), 'the summary explains the failure');
    assertEqual(await page.getByLabel('Email').inputValue(), tenant.email, 'the typed email stays');
  },

  async 'keyboard alone reaches sign in'({browser, track}) {
    const tenant = createTenant('ui-signin');
    const page = track(await openPage(browser));
    await page.goto(`${tenant.url}/#/sign-in`);
    await page.keyboard.type(tenant.email);
    await page.keyboard.press('Tab');
    await page.keyboard.type(tenant.password);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', {name: 'Dashboard'}).waitFor();
  },
};
