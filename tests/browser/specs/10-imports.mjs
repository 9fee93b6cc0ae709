// Import: tests/data/customers-100.csv through the Import screen (check,
// import, the same file again as duplicates), a mapping changed before the
// import, a generated file large enough to be queued (progress bar, counts,
// undo), and "Export CSV" on the customer list.

import {spawnSync} from 'node:child_process';
import {mkdtempSync, readFileSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {apiCall, assert, assertEqual, createTenant, openPage, screenshot, signIn} from '../lib.mjs';

const repo = process.env.LENDASTACK_REPO;
const customers100 = path.join(repo || '.', 'tests/data/customers-100.csv');

/** Returns the figure of a count tile inside a locator, by its data-figure key. */
async function figure(scope, key) {
  return (await scope.locator(`[data-figure="${key}"] .value`).textContent()).trim();
}

/** Chooses a file and target on the Import page and runs the check; returns the check's step. */
async function check(page, file, targetLabel = 'Person customers') {
  await page.getByLabel('CSV file').setInputFiles(file);
  await page.getByRole('radio', {name: targetLabel}).check();
  await page.getByRole('button', {name: 'Check the file'}).click();
  const step = page.locator('[data-step="3"]');
  await step.locator('.check-summary').waitFor();
  return step;
}

/** Writes a generated file of count person customers and returns its path. */
function generated(count, first) {
  const result = spawnSync(path.join(repo, 'tests/data/generate-customers'), [String(count), String(first)],
    {encoding: 'utf8', maxBuffer: 64 * 1024 * 1024});
  if (result.status !== 0) throw new Error(`generate-customers failed: ${result.stderr}`);
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'lendastack-import-')), `generated-${count}.csv`);
  writeFileSync(file, result.stdout);
  return file;
}

export const tests = {
  async 'import 100 customers, then the same file as duplicates'({browser, track}) {
    const tenant = createTenant('ui-import');
    const page = track(await openPage(browser));
    await signIn(page, tenant);
    await page.getByRole('navigation', {name: 'Modules'}).getByRole('link', {name: 'Import'}).click();
    await page.getByRole('heading', {name: 'Import', exact: true}).waitFor();
    await page.getByText('No imports yet.').waitFor();
    await screenshot(page, 'import-start');

    // Without a file the check names what is missing, next to the file field.
    await page.getByRole('button', {name: 'Check the file'}).click();
    assertEqual(await page.locator('[data-field="file"] .field-error').textContent(), 'Choose a CSV file.',
      'the missing file is named next to its field');

    // The check: every row would be created, and the mapping shows what each column becomes.
    const step = await check(page, customers100);
    assert((await step.locator('.check-summary').textContent()).includes('100 would be created'),
      'the summary says 100 rows would be created');
    assertEqual(await figure(step, 'would_create'), '100', '100 rows would be created');
    assertEqual(await figure(step, 'invalid'), '0', 'no row is invalid');
    assertEqual(await figure(step, 'duplicates'), '0', 'no row is a duplicate');
    assert(await step.getByText('Every row is fine').isVisible(), 'the report is empty');
    const mapping = page.locator('[data-step="2"]');
    assertEqual(await mapping.getByLabel('Field for column Customer Id').inputValue(), 'external_ref',
      'Customer Id goes to the external reference');
    assertEqual(await mapping.getByLabel('Field for column Index').inputValue(), '', 'Index is not kept');
    assert((await mapping.locator('tr', {hasText: 'Subscription Date'}).textContent()).includes('kept in notes'),
      'the note says where Subscription Date goes');
    await screenshot(page, 'import-check');

    // The import: a file of 100 rows is imported at once.
    await page.locator('[data-step="4"]').getByRole('button', {name: 'Import', exact: true}).click();
    const result = page.locator('.import-result');
    await result.locator('[data-figure="created"]').waitFor();
    assertEqual(await figure(result, 'created'), '100', 'the import created 100 customers');
    assertEqual(await figure(result, 'duplicates'), '0', 'no duplicates');
    assert((await result.locator('.import-status').textContent()).includes('Done'), 'the import is done');
    assert(await result.getByRole('button', {name: 'Undo import'}).isVisible(), 'the import can be undone');
    await page.locator('.imports-table tbody tr').first().waitFor();
    assert((await page.locator('.imports-table tbody tr').first().textContent()).includes('customers-100.csv'),
      'the past imports list the file');
    await screenshot(page, 'import-done');

    // The customers are in the list.
    await page.goto(`${tenant.url}/#/customers`);
    await page.getByText('100 customers').waitFor();
    assert(await page.getByText('Sheryl Baxter').isVisible() || (await page.locator('table.records tbody tr').count()) === 25,
      'the list shows the imported customers');
    await page.getByRole('searchbox', {name: 'Search'}).fill('zunigavanessa@smith.info');
    await page.getByRole('button', {name: 'Search', exact: true}).click();
    await page.getByText('Sheryl Baxter').waitFor();

    // The same file again: every row is a duplicate, in the check and in the import.
    await page.goto(`${tenant.url}/#/imports`);
    const again = await check(page, customers100);
    assertEqual(await figure(again, 'duplicates'), '100', 'the check finds 100 duplicates');
    assertEqual(await figure(again, 'would_create'), '0', 'nothing would be created');
    const report = again.locator('.report-table');
    assertEqual(await report.locator('tbody tr').count(), 25, 'the report shows 25 entries a page');
    assert((await report.locator('tbody tr').first().textContent()).includes('duplicate'),
      'the report names the rule');
    assert((await report.locator('tbody tr').first().textContent()).includes('CUS-'),
      'the report names the matching customer');
    await again.getByRole('button', {name: 'Next →'}).click();
    await again.getByText('Entries 26 to 50 of 100.').waitFor();
    await again.getByRole('button', {name: 'Show all 100'}).click();
    assertEqual(await report.locator('tbody tr').count(), 100, '"Show all" shows every entry');
    await page.locator('[data-step="4"]').getByRole('button', {name: 'Import', exact: true}).click();
    await result.locator('[data-figure="duplicates"]').waitFor();
    assertEqual(await figure(result, 'duplicates'), '100', 'the import reports 100 duplicates');
    assertEqual(await figure(result, 'created'), '0', 'the second import created nothing');
    assertEqual(await result.getByRole('button', {name: 'Undo import'}).count(), 0,
      'an import that wrote nothing has nothing to undo');
    await screenshot(page, 'import-duplicates');
    const count = (await apiCall(page, 'GET', '/customers/count')).body.count;
    assertEqual(count, 100, 'there are still 100 customers');
  },

  async 'change the mapping before importing'({browser, track}) {
    const tenant = createTenant('ui-import-map');
    const page = track(await openPage(browser));
    await signIn(page, tenant);
    const dir = mkdtempSync(path.join(tmpdir(), 'lendastack-import-'));
    const file = path.join(dir, 'people.csv');
    writeFileSync(file, 'Vorname,Surname,Mail,Branch,Shoe size\n'
      + 'Jan,Jansen,jan@example.com,North,44\n'
      + 'Eva,,eva@example.com,South,38\n');
    await page.goto(`${tenant.url}/#/imports`);
    await page.getByLabel('CSV file').setInputFiles(file);
    await page.getByRole('button', {name: 'Check the file'}).click();

    // No column gives a first name, so the server cannot match the file: the columns of its first row are offered.
    const mapping = page.locator('[data-step="2"]');
    const problem = mapping.getByRole('alert');
    await problem.waitFor();
    assert((await problem.textContent()).includes('No column provides first_name'), 'the server\'s reason shows');
    assertEqual(await mapping.getByLabel('Field for column Vorname').inputValue(), '*',
      'each column starts as detected');
    assertEqual(await page.locator('[data-step="3"]').count(), 0, 'there is no check to show yet');
    await screenshot(page, 'import-header-problem');
    await mapping.getByLabel('Field for column Vorname').selectOption('first_name');
    await mapping.getByRole('button', {name: 'Check again with this mapping'}).click();
    const step = page.locator('[data-step="3"]');
    await step.locator('.check-summary').waitFor();
    assertEqual(await figure(step, 'invalid'), '1', 'one row lacks its last name');
    assert((await mapping.locator('.notice').textContent()).includes('Branch'),
      'the columns that match no field are named');
    await mapping.getByLabel('Field for column Branch').selectOption('address.city');
    await mapping.getByRole('button', {name: 'Check again with this mapping'}).click();
    // The new check no longer names Branch among the columns that match nothing.
    await page.waitForFunction(() => !document.querySelector('[data-step="2"] .notice.warning').textContent
      .includes('Branch'));
    assertEqual(await figure(step, 'invalid'), '1', 'the row without a last name stays invalid');
    const report = step.locator('.report-table tbody tr');
    assertEqual(await report.count(), 1, 'one row is left in the report');
    const entry = await report.first().textContent();
    assert(entry.startsWith('3'), `the report names row 3 (the header is row 1), got ${entry}`);
    assert(entry.includes('Last name'), 'the report names the field');
    await screenshot(page, 'import-mapping');

    // Abort writes nothing when a row is invalid, and the page explains why.
    await page.getByRole('radio', {name: 'Import nothing'}).check();
    await page.locator('[data-step="4"]').getByRole('button', {name: 'Import', exact: true}).click();
    await page.getByRole('alert').filter({hasText: 'nothing was imported'}).waitFor();
    assertEqual((await apiCall(page, 'GET', '/customers/count')).body.count, 0, 'nothing is imported');

    // Skip imports the valid row with the changed mapping.
    await page.getByRole('radio', {name: 'Skip them'}).first().check();
    await page.locator('[data-step="4"]').getByRole('button', {name: 'Import', exact: true}).click();
    await page.locator('.import-result [data-figure="created"]').filter({hasText: '1'}).waitFor();
    const made = (await apiCall(page, 'GET', '/customers?q=jan@example.com')).body.items[0];
    assertEqual(made.first_name, 'Jan', 'Vorname went to the first name');
    assertEqual(made.address.city, 'North', 'Branch went to the city');
  },

  async 'a large file is queued and shows its progress'({browser, track}) {
    const tenant = createTenant('ui-import-large');
    const page = track(await openPage(browser));
    await signIn(page, tenant);
    const file = generated(2000, 500001);
    await page.goto(`${tenant.url}/#/imports`);
    const step = await check(page, file);
    assertEqual(await figure(step, 'would_create'), '2,000', 'the check counts 2,000 rows');
    await page.locator('[data-step="4"]').getByRole('button', {name: 'Import', exact: true}).click();
    const progress = page.locator('.import-result progress');
    await progress.waitFor();
    assertEqual(await progress.getAttribute('max'), '2000', 'the progress bar counts the rows of the file');
    assert(/of 2,000 rows done/.test(await page.locator('.import-progress [role="status"]').textContent()),
      'the progress says how many rows are done');
    await screenshot(page, 'import-progress');
    const result = page.locator('.import-result');
    await result.locator('[data-figure="created"]').waitFor({timeout: 180000});
    assertEqual(await figure(result, 'created'), '2,000', 'the import created 2,000 customers');
    assert((await result.locator('.import-status').textContent()).includes('Done'), 'the import is done');
    assertEqual((await apiCall(page, 'GET', '/customers/count')).body.count, 2000, 'the customers exist');

    // Undo it.
    await result.getByRole('button', {name: 'Undo import'}).click();
    await page.getByRole('dialog').getByRole('button', {name: 'Undo import'}).click();
    await page.getByRole('status').filter({hasText: 'is undone'}).waitFor();
    assert((await result.locator('.import-status').textContent()).includes('Undone'), 'the import shows as undone');
    assertEqual(await result.getByRole('button', {name: 'Undo import'}).count(), 0, 'undo is offered no more');
    assertEqual((await apiCall(page, 'GET', '/customers/count')).body.count, 0, 'the customers are gone');

    // The import's own page shows the same.
    await page.locator('.imports-table').getByRole('link').first().click();
    await page.getByRole('heading', {name: /^Import \d+$/}).waitFor();
    assert((await page.locator('.import-status').textContent()).includes('Undone'), 'the import page shows it');
    await screenshot(page, 'import-details');
  },

  async 'export the customer list as shown'({browser, track}) {
    const tenant = createTenant('ui-export');
    const page = track(await openPage(browser));
    await signIn(page, tenant);
    for (const [first, status] of [['Ada', 'active'], ['Bert', 'dormant'], ['Cleo', 'active']]) {
      await apiCall(page, 'POST', '/customers', {kind: 'person', first_name: first, last_name: 'Export', status,
        email: `${first.toLowerCase()}@example.com`});
    }
    await page.goto(`${tenant.url}/#/customers?status=active`);
    await page.getByText('2 customers').waitFor();
    const link = page.getByRole('link', {name: 'Export CSV'});
    assert((await link.getAttribute('href')).includes('status=active'), 'the export takes the list\'s filter');
    const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
    const text = readFileSync(await download.path(), 'utf8');
    const lines = text.trim().split(/\r?\n/);
    assertEqual(lines.length, 3, 'the file has a header and the two active customers');
    assert(lines[0].includes('"Code"'), 'the first row names the columns');
    assert(text.includes('Ada Export'), 'the file contains the first active customer');
    assert(text.includes('Cleo Export'), 'the file contains the second active customer');
    assert(!text.includes('Bert'), 'the file leaves out the dormant customer the list leaves out');

    await page.goto(`${tenant.url}/#/prospects`);
    const prospectsLink = page.getByRole('link', {name: 'Export CSV'});
    await prospectsLink.waitFor();
    assert((await prospectsLink.getAttribute('href')).startsWith('/api/v1/prospects/export.csv'),
      'the prospect list exports prospects');
  },

  async 'import screens fit a phone'({browser, track}) {
    const tenant = createTenant('ui-import-phone');
    const page = track(await openPage(browser, 375));
    await signIn(page, tenant);
    await page.goto(`${tenant.url}/#/imports`);
    await page.getByText('No imports yet.').waitFor();
    await screenshot(page, 'import-start');
    const step = await check(page, customers100);
    await step.getByText('Every row is fine').waitFor();
    await screenshot(page, 'import-check');
    await page.locator('[data-step="4"]').getByRole('button', {name: 'Import', exact: true}).click();
    await page.locator('.import-result [data-figure="created"]').waitFor();
    await screenshot(page, 'import-done');
    await page.goto(`${tenant.url}/#/imports`);
    const again = await check(page, customers100);
    await again.locator('.report-table').waitFor();
    await screenshot(page, 'import-duplicates');
    await page.locator('.imports-table').getByRole('link').first().click();
    await page.getByRole('heading', {name: /^Import \d+$/}).waitFor();
    await screenshot(page, 'import-details');

    // A file whose columns need mapping.
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'lendastack-import-')), 'people.csv');
    writeFileSync(file, 'Vorname,Surname,Mail\nJan,Jansen,jan@example.com\n');
    await page.goto(`${tenant.url}/#/imports`);
    await page.getByLabel('CSV file').setInputFiles(file);
    await page.getByRole('button', {name: 'Check the file'}).click();
    await page.locator('[data-step="2"]').getByRole('alert').waitFor();
    await screenshot(page, 'import-header-problem');
  },
};
