// Shared helpers of the browser suites: tenants, the browser, checks, screenshots.

import {spawnSync} from 'node:child_process';
import {randomBytes} from 'node:crypto';
import {mkdirSync} from 'node:fs';
import path from 'node:path';
import {chromium} from 'playwright-core';

const repo = process.env.LENDASTACK_REPO;
export const screenshotDir = path.join(repo || '.', 'tests/out/screenshots');

function env(name) {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run the browser suites through tests/run`);
  return value;
}

function tenantCommand(args, input) {
  const result = spawnSync(path.join(env('LENDASTACK_REPO'), 'scripts/tenant'), args,
    {input, encoding: 'utf8'});
  if (result.status !== 0) throw new Error(`tenant ${args.join(' ')} failed: ${result.stdout}${result.stderr}`);
  return result.stdout;
}

/** Creates a tenant with a signed-in-able administrator; returns its URL and credentials. */
export function createTenant(prefix, ...extra) {
  const slug = `${prefix}-${randomBytes(4).toString('hex')}`;
  const email = `admin@${slug}.test`;
  const password = `pass-${slug}-word`;
  const out = tenantCommand(['create', slug, '--name', `Browser ${slug}`, '--admin-email', email,
    '--admin-name', 'Ada Admin', '--json', ...extra]);
  const created = JSON.parse(out.slice(out.indexOf('{"id"')));
  tenantCommand(['set-password', slug, email], `${password}\n`);
  const port = new URL(env('LENDASTACK_HTTP_URL')).port;
  return {slug, email, password, id: created.id, url: `http://${slug}.${env('LENDASTACK_BASE_DOMAIN')}:${port}`};
}

/** Launches Debian's Chromium headless, with the flags a closed network needs. */
export async function launch() {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/**
 * Opens a page whose console errors and page errors (including Content-Security-
 * Policy violations) are collected; the runner fails the test when any occurred.
 */
export async function openPage(browser, width = 1280) {
  const context = await browser.newContext({viewport: {width, height: 900}});
  const page = await context.newPage();
  page.problems = [];
  page.on('pageerror', (err) => page.problems.push(`page error: ${err.message}`));
  page.on('console', (msg) => {
    if (msg.type() === 'error' && !/Failed to load resource: the server responded with a status of (4\d\d)/.test(msg.text())) {
      page.problems.push(`console error: ${msg.text()}`);
    }
  });
  page.on('dialog', (dialog) => {
    page.problems.push(`unexpected dialog: ${dialog.message()}`);
    dialog.dismiss();
  });
  return page;
}

/** Signs in through the sign-in page. */
export async function signIn(page, tenant, email = tenant.email, password = tenant.password) {
  await page.goto(`${tenant.url}/#/sign-in`);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', {name: 'Sign in'}).click();
  await page.getByRole('button', {name: 'Sign out'}).waitFor();
}

/**
 * Sends an API request from a signed-in page, with the session's CSRF token,
 * for setting up data faster than through the forms. Returns {status, body}.
 */
export async function apiCall(page, method, path, body, headers = {}) {
  return page.evaluate(async ([m, p, b, extra]) => {
    const me = await (await fetch('/api/v1/auth/me')).json();
    const response = await fetch(`/api/v1${p}`, {
      method: m,
      headers: {'Content-Type': 'application/json', 'X-CSRF-Token': me.csrf_token, ...extra},
      body: b === null ? undefined : JSON.stringify(b),
    });
    const text = await response.text();
    return {status: response.status, body: text ? JSON.parse(text) : null};
  }, [method, path, body ?? null, headers]);
}

/**
 * Saves a screenshot of the page at its width under tests/out/screenshots and
 * fails when the page is wider than the window. A full-page shot resizes the
 * viewport, which closes open menus, so a shot of an open menu takes only the
 * viewport (fullPage: false).
 */
export async function screenshot(page, name, {fullPage = true} = {}) {
  mkdirSync(screenshotDir, {recursive: true});
  const width = page.viewportSize().width;
  // The sticky top bar would show where the page is scrolled to, across the middle of a full-page shot.
  if (fullPage) await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({path: path.join(screenshotDir, `${name}-${width}.png`), fullPage});
  // Every screen fits its width: tables become cards on phones instead of scrolling the page sideways.
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  if (overflow > 0) throw new Error(`${name} is ${overflow}px wider than the ${width}px window`);
}

export function assert(condition, message) {
  if (!condition) throw new Error(message);
}

export function assertEqual(actual, expected, message) {
  if (actual !== expected) throw new Error(`${message}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
}
