// Staff: invitations accepted in another browser, roles, password resets,
// deactivation and API tokens.

import {apiCall, assert, assertEqual, createTenant, openPage, screenshot, signIn} from '../lib.mjs';

/** Invites a staff member through the dialog and returns the invitation link shown. */
async function invite(page, {email, name, role}) {
  await page.getByRole('button', {name: 'Invite staff member'}).click();
  const dialog = page.getByRole('dialog', {name: 'Invite a staff member'});
  await dialog.getByLabel('Email').fill(email);
  await dialog.getByLabel('Name').fill(name);
  await dialog.getByLabel('Role').selectOption({label: role});
  await dialog.getByRole('button', {name: 'Send invitation'}).click();
  const shown = page.getByRole('dialog', {name: 'Invitation created'});
  await shown.waitFor();
  const link = await shown.getByLabel('Invitation link').inputValue();
  return {dialog: shown, link};
}

/** Returns the status of GET /api/v1/customers with a bearer token and no cookie. */
async function statusWithToken(page, token) {
  return page.evaluate(async (secret) => (await fetch('/api/v1/customers',
    {credentials: 'omit', headers: {Authorization: `Bearer ${secret}`}})).status, token);
}

/** Returns the link texts of the sidebar. */
async function sidebar(page) {
  return page.locator('#sidebar a').allTextContents();
}

export const tests = {
  async 'invite a member who signs in with their role'({browser, track}) {
    const tenant = createTenant('ui-staff');
    const admin = track(await openPage(browser));
    await signIn(admin, tenant);
    await admin.getByRole('navigation', {name: 'Modules'}).getByRole('link', {name: 'Staff'}).click();
    await admin.getByRole('heading', {name: 'Staff'}).waitFor();
    const email = `olive@${tenant.slug}.test`;
    const {dialog, link} = await invite(admin, {email, name: 'Olive Officer', role: 'Officer'});
    assert(link.startsWith(`${tenant.url}/#/accept-invitation?token=`), `the link opens this tenant, got ${link}`);
    await screenshot(admin, 'staff-invitation-link', {fullPage: false});
    await dialog.getByRole('button', {name: 'Done'}).click();
    const row = admin.locator('tbody tr', {hasText: email});
    await row.waitFor();
    assert((await row.textContent()).includes('Invited'), 'the member is listed as invited');
    assert(await admin.getByRole('button', {name: 'Invite staff member'}).evaluate((b) => b === document.activeElement),
      'focus returns to the invite button');

    // The member accepts in a browser of their own and lands signed in.
    const member = track(await openPage(browser, 375));
    await member.goto(link);
    await member.getByRole('heading', {name: 'Join your team'}).waitFor();
    await screenshot(member, 'accept-invitation');
    await member.getByLabel('Your name').fill('Olive Officer');
    await member.getByLabel('New password').fill('short');
    await member.getByRole('button', {name: 'Continue'}).click();
    const error = member.locator('[data-field="password"] .field-error');
    await error.waitFor();
    assert((await error.textContent()).includes('10'), 'a short password is rejected next to the field');
    assertEqual(await member.getByLabel('Your name').inputValue(), 'Olive Officer', 'the typed name stays');
    await member.getByLabel('New password').fill('olive-password-1');
    await member.getByRole('button', {name: 'Continue'}).click();
    await member.getByText('Welcome, Olive Officer.').waitFor();

    // Signing out and in again works with the chosen password; the sidebar follows the role.
    await member.getByRole('button', {name: 'Sign out'}).click();
    await member.getByRole('heading', {name: 'Sign in'}).waitFor();
    await signIn(member, tenant, email, 'olive-password-1');
    await member.getByRole('button', {name: 'Menu'}).click();
    const modules = await sidebar(member);
    assert(modules.includes('Customer Management'), `Officers see customers: ${modules}`);
    assert(modules.includes('Prospects'), `Officers see prospects: ${modules}`);
    assert(!modules.includes('Staff'), `Officers do not see Staff: ${modules}`);
    await screenshot(member, 'home-officer');
    await member.goto(`${tenant.url}/#/staff`);
    await member.getByText('Your role does not give access to this page').waitFor();
    await member.goto(`${tenant.url}/#/settings`);
    await member.getByText('Your role may see these settings but not change them').waitFor();
    assertEqual(await member.getByRole('button', {name: 'Save settings'}).count(), 0, 'Officers cannot save settings');
    // Officers change only their own customers, so another's record offers no edit.
    const theirs = await apiCall(admin, 'POST', '/customers',
      {kind: 'person', first_name: 'Owned', last_name: 'By Admin', email: `owned@${tenant.slug}.test`});
    assertEqual(theirs.status, 201, 'the administrator creates a customer');
    const mine = await apiCall(member, 'POST', '/customers',
      {kind: 'person', first_name: 'Owned', last_name: 'By Olive', email: `olive-own@${tenant.slug}.test`});
    assertEqual(mine.status, 201, 'the officer creates a customer');
    await member.goto(`${tenant.url}/#/customers`);
    await member.getByRole('heading', {name: 'Customer Management'}).waitFor();
    await member.getByRole('button', {name: `Actions for ${theirs.body.code}`}).click();
    await member.getByRole('menuitem', {name: 'View Details'}).waitFor();
    assertEqual(await member.getByRole('menuitem', {name: 'Edit Information'}).count(), 0,
      'another\'s record offers no edit');
    await member.keyboard.press('Escape');
    await member.getByRole('button', {name: `Actions for ${mine.body.code}`}).click();
    await member.getByRole('menuitem', {name: 'Edit Information'}).waitFor();
    await member.keyboard.press('Escape');
    await member.getByText('Filters and sort').click();
    await member.getByLabel('Owner').selectOption('me');
    await member.getByText('1 customer', {exact: true}).waitFor();
    assert(await member.getByRole('link', {name: mine.body.code}).isVisible(), 'Owner "Me" lists the officer\'s own');

    // The administrator changes the member to Viewer: the next page load hides what Viewers lack.
    await admin.reload();
    await admin.getByRole('button', {name: 'Actions for Olive Officer'}).click();
    await admin.getByRole('menuitem', {name: 'Change role'}).click();
    const roleDialog = admin.getByRole('dialog', {name: 'Role of Olive Officer'});
    await roleDialog.getByLabel('Role').selectOption({label: 'Viewer'});
    await roleDialog.getByRole('button', {name: 'Save role'}).click();
    await admin.getByRole('status').filter({hasText: 'has the role Viewer now'}).waitFor();
    await member.reload();
    await member.getByRole('heading', {name: 'Customer Management'}).waitFor();
    assertEqual(await member.getByRole('button', {name: 'Add New'}).count(), 0, 'Viewers get no Add New');
  },

  async 'password reset and deactivation'({browser, track}) {
    const tenant = createTenant('ui-reset');
    const admin = track(await openPage(browser));
    await signIn(admin, tenant);
    await admin.goto(`${tenant.url}/#/staff`);
    const email = `rita@${tenant.slug}.test`;
    const {dialog, link} = await invite(admin, {email, name: 'Rita Reset', role: 'Manager'});
    await dialog.getByRole('button', {name: 'Done'}).click();
    const member = track(await openPage(browser));
    await member.goto(link);
    await member.getByLabel('Your name').fill('Rita Reset');
    await member.getByLabel('New password').fill('rita-password-1');
    await member.getByRole('button', {name: 'Continue'}).click();
    await member.getByText('Welcome, Rita Reset.').waitFor();

    // A password-reset link from the Staff page sets a new password and ends the old session.
    await admin.reload();
    await admin.getByRole('button', {name: 'Actions for Rita Reset'}).click();
    await admin.getByRole('menuitem', {name: 'Send password-reset link'}).click();
    await admin.getByRole('dialog').getByRole('button', {name: 'Create link'}).click();
    const resetDialog = admin.getByRole('dialog', {name: 'Password-reset link'});
    const resetLink = await resetDialog.getByLabel('Password-reset link').inputValue();
    assert(resetLink.includes('/#/reset-password?token='), `the reset link opens the reset page, got ${resetLink}`);
    await resetDialog.getByRole('button', {name: 'Done'}).click();
    const other = track(await openPage(browser, 375));
    await other.goto(resetLink);
    await other.getByRole('heading', {name: 'Choose a new password'}).waitFor();
    await screenshot(other, 'reset-password');
    await other.getByLabel('New password').fill('rita-password-2');
    await other.getByRole('button', {name: 'Continue'}).click();
    await other.getByRole('heading', {name: 'Sign in'}).waitFor();
    await other.getByRole('status').filter({hasText: 'password is set'}).waitFor();
    await signIn(other, tenant, email, 'rita-password-2');
    await other.goto(resetLink);
    await other.getByLabel('New password').fill('rita-password-3');
    await other.getByRole('button', {name: 'Continue'}).click();
    await other.getByRole('alert').filter({hasText: 'unknown, used or expired'}).waitFor();

    // Deactivation ends the member's sessions; reactivation lets them sign in again.
    await admin.getByRole('button', {name: 'Actions for Rita Reset'}).click();
    await admin.getByRole('menuitem', {name: 'Deactivate'}).click();
    await admin.getByRole('dialog').getByRole('button', {name: 'Deactivate'}).click();
    await admin.getByRole('status').filter({hasText: 'is deactivated'}).waitFor();
    await admin.locator('tbody tr', {hasText: email}).filter({hasText: 'Deactivated'}).waitFor();
    await screenshot(admin, 'staff-list');
    await other.goto(`${tenant.url}/#/customers`);
    await other.getByRole('heading', {name: 'Sign in'}).waitFor();
    await admin.getByRole('button', {name: 'Actions for Rita Reset'}).click();
    await admin.getByRole('menuitem', {name: 'Reactivate'}).click();
    await admin.getByRole('dialog').getByRole('button', {name: 'Reactivate'}).click();
    await admin.getByRole('status').filter({hasText: 'is reactivated'}).waitFor();
    await signIn(other, tenant, email, 'rita-password-2');
  },

  async 'roles editor and API tokens'({browser, track}) {
    const tenant = createTenant('ui-roles');
    for (const width of [1280, 375]) {
      const page = track(await openPage(browser, width));
      await signIn(page, tenant);
      await page.goto(`${tenant.url}/#/staff/roles`);
      await page.getByRole('link', {name: 'Officer'}).waitFor();
      await screenshot(page, 'roles-list');

      // Built-in roles are read-only.
      await page.getByRole('link', {name: 'Officer'}).click();
      await page.getByText('Built-in roles are read-only').waitFor();
      assert(await page.getByLabel('Change customers').isDisabled(), 'a built-in role cannot be edited');
      assertEqual(await page.getByLabel('Change customers').inputValue(), 'own', 'Officers change their own customers');
      await screenshot(page, 'role-built-in');

      // A custom role: "own" is offered only for view and update permissions.
      await page.goto(`${tenant.url}/#/staff/roles/new`);
      const name = `Field agent ${width}`;
      await page.getByLabel(/^Name\b/).fill(name);
      await page.getByLabel('Description').fill('Visits customers and keeps their records.');
      await page.getByLabel('View customers').selectOption('own');
      await page.getByLabel('Change customers').selectOption('own');
      await page.getByLabel('Create customers').selectOption('all');
      const createOptions = await page.getByLabel('Create customers').locator('option').allTextContents();
      assert(!createOptions.includes('Own records only'), 'create permissions offer no "own" scope');
      await screenshot(page, 'role-editor');
      await page.getByRole('button', {name: 'Create role'}).click();
      await page.getByRole('status').filter({hasText: `Role ${name} created`}).waitFor();
      await page.getByRole('link', {name}).click();
      await page.getByLabel('Description').fill('Visits customers.');
      await page.getByLabel('View prospects').selectOption('all');
      await page.getByRole('button', {name: 'Save role'}).click();
      await page.getByRole('status').filter({hasText: `Role ${name} saved`}).waitFor();
      assert((await page.locator('tbody tr', {hasText: name}).textContent()).includes('Visits customers.'),
        'the list shows the new description');

      // The same name again is an error next to the name.
      await page.goto(`${tenant.url}/#/staff/roles/new`);
      await page.getByLabel(/^Name\b/).fill(name);
      await page.getByRole('button', {name: 'Create role'}).click();
      await page.locator('[data-field="name"] .field-error').filter({hasText: 'Another role has this name'}).waitFor();

      // API tokens: the secret shows once, then the list has only its prefix.
      await page.goto(`${tenant.url}/#/staff/tokens`);
      await page.getByText('No API tokens yet').or(page.locator('table')).first().waitFor();
      await page.getByLabel(/^Name\b/).fill(`Accounting sync ${width}`);
      await page.getByLabel(/^Role\b/).selectOption({label: 'Viewer'});
      await page.getByRole('button', {name: 'Create token'}).click();
      const shown = page.getByRole('dialog', {name: 'Token created'});
      const secret = await shown.getByLabel('API token').inputValue();
      assert(/^lst_\d+_/.test(secret), `the token is shown once, got ${secret}`);
      await screenshot(page, 'token-created', {fullPage: false});
      await shown.getByRole('button', {name: 'Done'}).click();
      const row = page.locator('tbody tr', {hasText: `Accounting sync ${width}`});
      await row.waitFor();
      assert(!(await page.content()).includes(secret), 'the list does not show the secret');
      assertEqual(await statusWithToken(page, secret), 200, 'the token works');
      await screenshot(page, 'tokens-list');
      await page.getByRole('button', {name: `Revoke Accounting sync ${width}`}).click();
      await page.getByRole('dialog').getByRole('button', {name: 'Revoke token'}).click();
      await page.getByRole('status').filter({hasText: 'revoked'}).waitFor();
      await row.filter({hasText: 'Revoked'}).waitFor();
      assertEqual(await statusWithToken(page, secret), 401, 'a revoked token is rejected');
    }
  },
};
