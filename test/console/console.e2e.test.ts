/**
 * The admin console in Debian's Chromium (playwright-core): sign in through the form, switch pool, create
 * a user on the Users page and find it listed, then on the Custom Database page fill the scripts from the
 * postgres template, save them and run the Login script in the Debug panel. No errors may reach the
 * browser console. Needs the console built (`npm test` builds it first). Without Chromium the suite is
 * skipped loudly, and fails when CI is set.
 */
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startGatehouse, TEST_ADMIN_PASSWORD, type TestGatehouse } from '../helpers/gatehouse.js';
import { CONSOLE_DIST } from '../../src/http/console-static.js';

const CHROMIUM = '/usr/bin/chromium';
const available = existsSync(CHROMIUM);
if (!available) {
  const message = `Chromium is not installed at ${CHROMIUM}: the console browser tests cannot run`;
  if (process.env.CI) throw new Error(`${message} (CI is set, so this fails the run)`);
  console.warn(`\n!!! ${message}; SKIPPING them. Install it with: apt-get install -y chromium !!!\n`);
}
if (available && !existsSync(`${CONSOLE_DIST}/index.html`)) {
  throw new Error('The console is not built: run `npm run build:console` (npm test does it first)');
}

const SCREENSHOTS = process.env.CONSOLE_SCREENSHOT_DIR ?? '/tmp';

describe.runIf(available)('admin console in a browser', () => {
  let gh: TestGatehouse;
  let browser: Browser;
  let page: Page;
  const browserErrors: string[] = [];

  beforeAll(async () => {
    [gh, browser] = await Promise.all([
      startGatehouse(),
      chromium.launch({
        executablePath: CHROMIUM,
        args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
      }),
    ]);
    const created = await gh.api('/api/v1/pools', { method: 'POST', body: { slug: 'acme', name: 'Acme' } });
    expect(created.status).toBe(201);
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    page = await context.newPage();
    page.on('console', (message) => {
      if (message.type() === 'error') browserErrors.push(message.text());
    });
    page.on('pageerror', (error) => browserErrors.push(error.message));
  });
  afterAll(async () => {
    await browser?.close();
    await gh?.close();
  });

  it('signs in through the form', async () => {
    await page.goto(`${gh.url}/console`);
    expect(new URL(page.url()).pathname).toBe('/console/');
    await page.getByLabel('Username').fill('admin');
    await page.getByLabel('Password').fill(TEST_ADMIN_PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Users', level: 1 }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/console/pools/default/users');
    const cookies = await page.context().cookies();
    const session = cookies.find((c) => c.name === 'gh_console');
    expect(session?.httpOnly).toBe(true);
    expect(session?.sameSite).toBe('Strict');
  });

  it('switches pool and creates a user that is then listed', async () => {
    await page.getByLabel('User pool').selectOption('acme');
    await page.waitForURL('**/console/pools/acme/users');
    await page.getByText('0–0 of 0 users').waitFor();

    await page.getByRole('button', { name: 'New user' }).click();
    const dialog = page.getByRole('dialog', { name: 'New user' });
    await dialog.getByLabel('Email').fill('grace@example.com');
    await dialog.getByLabel('Nickname').fill('Grace');
    await dialog.getByLabel('Password').fill('a-long-password-1');
    await dialog.getByRole('button', { name: 'Create user' }).click();
    await dialog.waitFor({ state: 'detached' });
    await page.getByRole('cell', { name: 'grace@example.com', exact: true }).waitFor();
    await page.getByText('1–1 of 1 user').waitFor();

    await page.getByLabel('Search users').fill('nobody-matches');
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await page.getByText('No user matches').waitFor();
    await page.getByLabel('Search users').fill('grace');
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await page.getByRole('cell', { name: 'grace@example.com', exact: true }).waitFor();

    // Through the API: the user exists in the acme pool, not in default.
    const acme = await gh.api('/api/v1/pools/acme/users?q=grace');
    expect(acme.body.totalCount).toBe(1);
    expect((await gh.api('/api/v1/pools/default/users?q=grace')).body.totalCount).toBe(0);
    await page.screenshot({ path: `${SCREENSHOTS}/console-users.png`, fullPage: true });
  });

  it('fills the scripts from the postgres template, saves them and debugs login', async () => {
    await page.getByRole('link', { name: 'Custom Database' }).click();
    await page.getByRole('heading', { name: 'Custom Database', level: 1 }).waitFor();
    await page.getByRole('tab', { name: 'Login' }).waitFor();

    await page.getByLabel('Template').selectOption('postgres');
    await page.getByRole('button', { name: 'Use template' }).click();
    await page.getByText('Unsaved changes in Login, Find User').waitFor();
    await expect.poll(() => page.locator('.cm-content').innerText()).toContain('async function login');

    await page.getByRole('button', { name: 'Save 2 scripts' }).click();
    await page.getByText('Saved Login (version 1), Find User (version 1)').waitFor();
    const saved = await gh.api('/api/v1/pools/acme/custom-db/scripts/login');
    expect(saved.body.isDefault).toBe(false);
    expect(saved.body.source).toContain('async function login');

    // No connection is configured: the run fails with the script's error, shown with its duration.
    await page.getByLabel('Find the user by: value').fill('legacy@example.com');
    await page.getByLabel('Password', { exact: true }).fill('legacy-password');
    await page.getByRole('button', { name: 'Run' }).click();
    const result = page.getByTestId('debug-result');
    await result.waitFor();
    expect(await result.innerText()).toMatch(/(Succeeded|Failed)[\s\S]*ms[\s\S]*Console/);
    const logs = await gh.api('/api/v1/pools/acme/custom-db/logs?debug=true');
    expect(logs.body.totalCount).toBeGreaterThan(0);

    await page.screenshot({ path: `${SCREENSHOTS}/console-custom-db.png`, fullPage: true });
  });

  it('left no errors in the browser console', () => {
    expect(browserErrors).toEqual([]);
  });
});
