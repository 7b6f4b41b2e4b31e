/**
 * The admin console in Debian's Chromium (playwright-core): sign in through the form, switch pool, create
 * a user on the Users page and find it listed, then on the Custom Database page fill the scripts from the
 * postgres template, save them and run the Login script in the Debug panel. On the Settings page, save a
 * password policy and see the authentication API enforce it; edit an application; create a pool from the
 * top bar and delete it from its danger zone; then use the console 375 px wide. No errors may reach the
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
  /**
   * Requests a test makes fail on purpose (a 400 with the server's validation message): Chromium logs
   * "Failed to load resource" for them, which is not an error of the console.
   */
  const expectedFailures: Array<{ url: string; status: number }> = [];

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
      if (message.type() !== 'error') return;
      const expected = expectedFailures.some(
        ({ url, status }) =>
          message.location().url === url &&
          message
            .text()
            .startsWith(`Failed to load resource: the server responded with a status of ${status}`),
      );
      if (!expected) browserErrors.push(message.text());
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

  it('saves the password policy on the Settings page, and registration enforces it', async () => {
    const register = (email: string, password: string) =>
      gh.api('/api/v1/pools/acme/auth/register', { method: 'POST', body: { email, password } });
    expect((await register('ten@example.com', 'ten-chars!')).status).toBe(201);

    await page.getByRole('link', { name: 'Settings' }).click();
    await page.getByRole('heading', { name: 'Settings', level: 1 }).waitFor();
    const minLength = page.getByLabel('Minimum length');
    expect(await minLength.inputValue()).toBe('8');
    expect(await page.getByLabel('Display name').inputValue()).toBe('Acme');

    // A rule between two fields only the server knows: its message is shown beside the field.
    await minLength.fill('40');
    await page.getByLabel('Maximum length').fill('30');
    await page.getByText('Unsaved changes (2 fields).').waitFor();
    expectedFailures.push({ url: `${gh.url}/api/v1/pools/acme`, status: 400 });
    await page.getByRole('button', { name: 'Save settings' }).click();
    await page
      .locator('#pool-minLength-error')
      .getByText(/must not exceed/)
      .waitFor();
    expect(await minLength.getAttribute('aria-invalid')).toBe('true');
    await page.getByText('Not saved: check Minimum length.').waitFor();

    // Leaving with unsaved changes asks first; dismissing stays on the page.
    page.once('dialog', (dialog) => void dialog.dismiss());
    await page.getByRole('link', { name: 'Users' }).click();
    expect(new URL(page.url()).pathname).toBe('/console/pools/acme/settings');

    await page.getByRole('button', { name: 'Discard changes' }).click();
    expect(await minLength.inputValue()).toBe('8');
    await minLength.fill('12');
    await page.getByRole('button', { name: 'Save settings' }).click();
    await page.getByText('Settings saved.').waitFor();
    const saved = await gh.api('/api/v1/pools/acme');
    expect(saved.body.settings.passwordPolicy).toMatchObject({ minLength: 12, maxLength: 256 });

    const tooShort = await register('short@example.com', 'ten-chars!');
    expect(tooShort.status).toBe(400);
    expect(tooShort.body.error.code).toBe('weak_password');
    expect((await register('long@example.com', 'twelve-chars!')).status).toBe(201);

    // Closing registration is a switch; the API answers 403 then.
    await page.getByRole('switch', { name: 'Allow self-service registration' }).uncheck();
    await page.getByRole('button', { name: 'Save settings' }).click();
    await page.getByText('Settings saved.').waitFor();
    const closed = await register('closed@example.com', 'a-long-password-1');
    expect(closed.status).toBe(403);
    expect(closed.body.error.code).toBe('registration_disabled');
    await page.screenshot({ path: `${SCREENSHOTS}/console-settings.png`, fullPage: true });
  });

  it('edits an application: renames it and makes it confidential', async () => {
    await page.getByRole('link', { name: 'Applications' }).click();
    await page.getByRole('heading', { name: 'Applications', level: 1 }).waitFor();
    await page.getByRole('button', { name: 'New application' }).click();
    await page.getByLabel('Name').fill('Portal');
    await page.getByRole('radio', { name: /Public/ }).check();
    await page.getByLabel('Redirect URIs', { exact: true }).fill('https://portal.example/cb');
    await page.getByRole('button', { name: 'Create application' }).click();
    const clientId = (await page.getByTestId('created-client-id').innerText()).trim();
    await page.getByRole('button', { name: 'I have stored it' }).click();

    await page.getByRole('button', { name: 'Edit Portal' }).click();
    const form = page.getByRole('form', { name: 'Edit “Portal”' });
    expect(await form.getByLabel('Redirect URIs', { exact: true }).inputValue()).toBe(
      'https://portal.example/cb',
    );
    await form.getByLabel('Name').fill('Portal v2');
    await form.getByLabel('Post-logout redirect URIs').fill('https://portal.example/');
    await form.getByRole('radio', { name: /Confidential/ }).check();
    await form.getByText('Saving creates a client secret, shown once.').waitFor();
    await form.getByRole('button', { name: 'Save application' }).click();
    await page
      .getByRole('heading', { name: 'Application “Portal v2” saved, with a new client secret' })
      .waitFor();
    expect(await page.getByLabel('Client secret', { exact: true }).inputValue()).toMatch(/^[\w-]{40,}$/);
    await page.getByRole('button', { name: 'I have stored it' }).click();
    await page.getByRole('cell', { name: 'Portal v2', exact: true }).waitFor();

    const app = await gh.api(`/api/v1/pools/acme/applications/${clientId}`);
    expect(app.body).toMatchObject({
      name: 'Portal v2',
      redirect_uris: ['https://portal.example/cb'],
      post_logout_redirect_uris: ['https://portal.example/'],
      token_endpoint_auth_method: 'client_secret_basic',
      hasSecret: true,
    });

    // A rename alone is saved without a new secret.
    await page.getByRole('button', { name: 'Edit Portal v2' }).click();
    await page.getByLabel('Name').fill('Portal v3');
    await page.getByRole('button', { name: 'Save application' }).click();
    await page.getByText('Saved “Portal v3”.').waitFor();
    await page.getByRole('cell', { name: 'Portal v3', exact: true }).waitFor();
  });

  it('creates a pool from the top bar and deletes it in its danger zone', async () => {
    await page.getByRole('button', { name: 'New pool' }).click();
    const dialog = page.getByRole('dialog', { name: 'New user pool' });
    await dialog.getByLabel('Display name').fill('Beta Team');
    expect(await dialog.getByLabel('Slug').inputValue()).toBe('beta-team');
    await dialog.getByRole('button', { name: 'Create pool' }).click();
    await page.waitForURL('**/console/pools/beta-team/settings');
    await page.getByRole('heading', { name: 'Settings', level: 1 }).waitFor();
    expect(await page.getByLabel('User pool').inputValue()).toBe('beta-team');

    await page.getByRole('button', { name: 'Delete pool…' }).click();
    const remove = page.getByRole('button', { name: 'Delete pool beta-team' });
    expect(await remove.isDisabled()).toBe(true);
    await page.getByLabel('Type beta-team to confirm').fill('beta-team');
    await remove.click();
    await page.waitForURL('**/console/pools/default/users');
    expect((await gh.api('/api/v1/pools/beta-team')).status).toBe(404);
    expect(await page.getByLabel('User pool').locator('option').allInnerTexts()).not.toContain(
      'Beta Team (beta-team)',
    );

    // The default pool cannot be deleted: no button, a reason.
    await page.getByRole('link', { name: 'Settings' }).click();
    await page.getByText('The default pool cannot be deleted').waitFor();
    expect(await page.getByRole('button', { name: /Delete pool/ }).count()).toBe(0);
  });

  it('is usable 375 px wide: navigation behind a menu button, nothing wider than the screen', async () => {
    await page.setViewportSize({ width: 375, height: 800 });
    await page.getByLabel('User pool').selectOption('acme');
    await page.waitForURL('**/console/pools/acme/settings');
    const menu = page.getByRole('button', { name: 'Menu' });
    const nav = page.getByRole('navigation', { name: 'Console sections' });
    expect(await menu.getAttribute('aria-expanded')).toBe('false');
    expect(await nav.isVisible()).toBe(false);

    await menu.click();
    expect(await menu.getAttribute('aria-expanded')).toBe('true');
    await nav.getByRole('link', { name: 'Applications' }).click();
    await page.getByRole('heading', { name: 'Applications', level: 1 }).waitFor();
    expect(await nav.isVisible()).toBe(false);
    // The table scrolls inside its frame; its actions stay reachable at the right edge.
    const edit = page.getByRole('button', { name: 'Edit Portal v3' });
    await edit.waitFor();
    const box = await edit.boundingBox();
    expect(box!.x + box!.width).toBeLessThanOrEqual(375);

    // Escape closes the menu and gives focus back to its button.
    await menu.click();
    await nav.getByRole('link', { name: 'Users' }).focus();
    await page.keyboard.press('Escape');
    expect(await nav.isVisible()).toBe(false);
    expect(await menu.evaluate((el) => el === document.activeElement)).toBe(true);

    for (const section of ['users', 'settings', 'custom-db', 'logs', 'api-keys', 'applications']) {
      await page.goto(`${gh.url}/console/pools/acme/${section}`);
      await page.getByRole('heading', { level: 1 }).waitFor();
      await page.locator('.loading').first().waitFor({ state: 'detached' });
      const width = await page.evaluate(() => document.documentElement.scrollWidth);
      expect(width, section).toBeLessThanOrEqual(375);
    }
    await page.screenshot({ path: `${SCREENSHOTS}/console-narrow.png`, fullPage: true });
  });

  it('left no errors in the browser console', () => {
    expect(browserErrors).toEqual([]);
  });
});
