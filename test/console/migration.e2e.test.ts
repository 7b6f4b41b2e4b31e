/**
 * The scenario in Debian's Chromium (playwright-core): sign in to the console, point the pool at a
 * legacy PostgreSQL database with the postgres template (LAZY_MIGRATION), debug the Login script with the
 * sample user, save, look at the version history; create an application on the Applications page; log in
 * as the legacy user through the hosted login page (authorization code + PKCE); then see the user listed
 * as migrated on the Users page, the run in the Logs page and the migration progress. No errors may reach
 * the browser console. Needs the machine's PostgreSQL and Chromium (skipped loudly without them).
 */
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser, type Page } from 'playwright-core';
import * as client from 'openid-client';
import { startGatehouse, TEST_ADMIN_PASSWORD, type TestGatehouse } from '../helpers/gatehouse.js';
import { postgresAvailable } from '../helpers/services.js';
import { postgresLegacy, type LegacyDatabase } from '../connections/helpers.js';
import { CONSOLE_DIST } from '../../src/http/console-static.js';

const CHROMIUM = '/usr/bin/chromium';
const chromiumAvailable = existsSync(CHROMIUM);
if (!chromiumAvailable) {
  const message = `Chromium is not installed at ${CHROMIUM}: the console migration scenario cannot run`;
  if (process.env.CI) throw new Error(`${message} (CI is set, so this fails the run)`);
  console.warn(`\n!!! ${message}; SKIPPING it. Install it with: apt-get install -y chromium !!!\n`);
}
if (chromiumAvailable && !existsSync(`${CONSOLE_DIST}/index.html`)) {
  throw new Error('The console is not built: run `npm run build:console` (npm test does it first)');
}
const available = chromiumAvailable && (await postgresAvailable());

// The relying party: never reached over the network, the browser's requests to it are intercepted.
const RP = 'http://127.0.0.1:5998';
const CALLBACK = `${RP}/callback`;
const SAMPLE = { email: 'ada.lovelace@example.com', password: 'ada-analytical-1843' };

describe.runIf(available)('console: lazy migration from PostgreSQL, end to end', () => {
  let gh: TestGatehouse;
  let browser: Browser;
  let legacy: LegacyDatabase;
  let page: Page;
  let clientId: string;
  const browserErrors: string[] = [];

  beforeAll(async () => {
    [gh, browser, legacy] = await Promise.all([
      startGatehouse(),
      chromium.launch({
        executablePath: CHROMIUM,
        args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
      }),
      postgresLegacy(),
    ]);
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
    await legacy?.close();
  });

  it('signs in', async () => {
    await page.goto(`${gh.url}/console/`);
    await page.getByLabel('Username').fill('admin');
    await page.getByLabel('Password').fill(TEST_ADMIN_PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Users', level: 1 }).waitFor();
  });

  it('enables a LAZY_MIGRATION connection to the legacy database', async () => {
    await page.getByRole('link', { name: 'Custom Database' }).click();
    await page.getByRole('heading', { name: 'Custom Database', level: 1 }).waitFor();
    await page.getByRole('switch', { name: 'Use a custom database' }).check();
    await page.getByRole('radio', { name: /Lazy migration/ }).check();
    await page.getByLabel('Connection URI (env.DB_CONNECTION_URI)').fill(legacy.url);
    await page.getByRole('button', { name: 'Save connection' }).click();
    await page.getByText('Connection saved.').waitFor();
    const config = await gh.api('/api/v1/pools/default/custom-db');
    expect(config.body).toMatchObject({ enabled: true, mode: 'LAZY_MIGRATION' });
    // The migration progress shows up for LAZY_MIGRATION, with its accessible chart.
    await page.getByRole('heading', { name: 'Migration progress' }).waitFor();
    await page.getByRole('img', { name: /Migrated users in total, last 30 days/ }).waitFor();
  });

  it('fills the scripts from the postgres template and debugs login with the sample user', async () => {
    await page.getByLabel('Template').selectOption('postgres');
    await page.getByRole('button', { name: 'Use template' }).click();
    await page.getByText('Unsaved changes in Login, Find User').waitFor();
    // The Debug panel is prefilled with the first seed user of the sample schema.
    expect(await page.getByLabel('Find the user by: value').inputValue()).toBe(SAMPLE.email);
    expect(await page.getByLabel('Password', { exact: true }).inputValue()).toBe(SAMPLE.password);
    await page.getByRole('button', { name: 'Run' }).click();
    const result = page.getByTestId('debug-result');
    await result.waitFor();
    const text = await result.innerText();
    expect(text).toContain('Succeeded');
    expect(text).toContain(SAMPLE.email);
    expect(text).toMatch(/in [\d.]+ ms/);
  });

  it('saves the scripts and shows their version history with a diff', async () => {
    await page.getByRole('button', { name: 'Save 2 scripts' }).click();
    await page.getByText('Saved Login (version 1), Find User (version 1)').waitFor();
    const history = page.getByRole('region', { name: 'Version history of Login' });
    await history.getByRole('button', { name: 'View version 1' }).click();
    await history.getByText('Version 1 compared with the editor: no differences').waitFor();
    await history.getByRole('button', { name: 'Restore version 1' }).waitFor();
    await history.getByRole('button', { name: 'Hide version 1' }).click();
    await history.getByRole('button', { name: 'Restore version 1' }).waitFor({ state: 'detached' });
  });

  it('diffs an edited draft against version 1 and restores version 1', async () => {
    await page.locator('.cm-content').click();
    await page.keyboard.press('Control+End');
    await page.keyboard.press('Enter');
    await page.keyboard.type('// tried something');
    await page.getByRole('button', { name: 'Save 1 script' }).click();
    await page.getByText('Saved Login (version 2)').waitFor();
    const history = page.getByRole('region', { name: 'Version history of Login' });
    await history.getByRole('button', { name: 'View version 1' }).click();
    await history.getByText(/Version 1 compared with the editor: \+1 −0 lines/).waitFor();
    expect(await history.locator('.diff-added').innerText()).toContain('// tried something');
    await history.getByRole('button', { name: 'Restore version 1' }).click();
    await page.getByText('Restored Login as version 3.').waitFor();
    const login = await gh.api('/api/v1/pools/default/custom-db/scripts/login');
    expect(login.body.version).toBe(3);
    expect(login.body.source).not.toContain('// tried something');
    await expect.poll(() => page.locator('.cm-content').innerText()).not.toContain('// tried something');
    await history.getByRole('button', { name: 'View version 3' }).waitFor();
  });

  it('creates an application on the Applications page', async () => {
    await page.getByRole('link', { name: 'Applications' }).click();
    await page.getByRole('heading', { name: 'Applications', level: 1 }).waitFor();
    await page.getByRole('button', { name: 'New application' }).click();
    await page.getByLabel('Name').fill('Legacy portal');
    await page.getByRole('radio', { name: /Public/ }).check();
    await page.getByLabel('Redirect URIs', { exact: true }).fill(CALLBACK);
    await page.getByRole('button', { name: 'Create application' }).click();
    clientId = (await page.getByTestId('created-client-id').innerText()).trim();
    expect(clientId).toBeTruthy();
    await page.getByRole('button', { name: 'I have stored it' }).click();
    await page.getByRole('cell', { name: 'Legacy portal', exact: true }).waitFor();
  });

  it('logs the legacy user in through the hosted login page', async () => {
    const issuer = new URL(`${gh.url}/oidc/default`);
    const config = await client.discovery(issuer, clientId, undefined, client.None(), {
      execute: [client.allowInsecureRequests],
    });
    const verifier = client.randomPKCECodeVerifier();
    const state = client.randomState();
    const url = client.buildAuthorizationUrl(config, {
      redirect_uri: CALLBACK,
      scope: 'openid email',
      code_challenge: await client.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state,
    });

    const context = await browser.newContext();
    const login = await context.newPage();
    let arrived: (url: string) => void;
    const callback = new Promise<string>((resolve) => (arrived = resolve));
    await login.route(`${RP}/**`, async (route) => {
      arrived(route.request().url());
      await route.fulfill({ status: 200, contentType: 'text/html', body: '<p>relying party</p>' });
    });
    await login.goto(url.href);
    await login.fill('#account', SAMPLE.email);
    await login.fill('#password', SAMPLE.password);
    await login.click('button[type=submit]');
    // A third-party application asks for consent.
    await login.waitForSelector('text=Authorize Legacy portal');
    await login.click('button:has-text("Allow")');
    const tokens = await client.authorizationCodeGrant(config, new URL(await callback), {
      pkceCodeVerifier: verifier,
      expectedState: state,
    });
    expect(tokens.claims()?.email).toBe(SAMPLE.email);
    await context.close();
  });

  it('lists the user as migrated on the Users page', async () => {
    await page.getByRole('link', { name: 'Users' }).click();
    await page.getByRole('heading', { name: 'Users', level: 1 }).waitFor();
    const row = page.getByRole('row').filter({ hasText: SAMPLE.email });
    await row.waitFor();
    expect(await row.innerText()).toMatch(/Migrated[\s\S]*legacy id 1/);
  });

  it('shows the login run in the Logs page, with its details', async () => {
    await page.getByRole('link', { name: 'Logs' }).click();
    await page.getByRole('heading', { name: 'Logs', level: 1 }).waitFor();
    await page.getByLabel('Script').selectOption('login');
    await page.getByLabel('Outcome').selectOption('success');
    await page.getByLabel('Runs').selectOption('false');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await page.getByText('1–1 of 1 run').waitFor();
    await page.locator('tbody button[aria-expanded=false]').first().click();
    const details = page.locator('.log-details');
    await details.waitFor();
    expect(await details.innerText()).toMatch(/Message[\s\S]*Console output[\s\S]*Duration[\s\S]*ms/);
    // Debug runs are there too when the filter allows them.
    await page.getByLabel('Runs').selectOption('true');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await page.getByText('1–1 of 1 run').waitFor();
  });

  it('counts the migration on the Custom Database page', async () => {
    await page.getByRole('link', { name: 'Custom Database' }).click();
    const progress = page.getByRole('region', { name: 'Migration progress' });
    await progress.getByText('Migrated users', { exact: true }).waitFor();
    await expect.poll(async () => progress.locator('dd').first().innerText()).toBe('1');
  });

  it('creates an API key shown once, which works, then revokes it', async () => {
    await page.getByRole('link', { name: 'API keys' }).click();
    await page.getByRole('heading', { name: 'API keys', level: 1 }).waitFor();
    await page.getByLabel('Key name').fill('ci deploys');
    await page.getByRole('button', { name: 'Create key' }).click();
    const key = await page.getByLabel('API key', { exact: true }).inputValue();
    const works = await fetch(`${gh.url}/api/v1/pools/default/users`, {
      headers: { authorization: `Bearer ${key}` },
    });
    expect(works.status).toBe(200);
    await page.getByRole('button', { name: 'I have stored it' }).click();
    await page.getByRole('cell', { name: 'ci deploys', exact: true }).waitFor();
    page.once('dialog', (dialog) => void dialog.accept());
    await page.getByRole('button', { name: 'Revoke ci deploys' }).click();
    await page.getByText('No API key for this pool yet.').waitFor();
    const revoked = await fetch(`${gh.url}/api/v1/pools/default/users`, {
      headers: { authorization: `Bearer ${key}` },
    });
    expect(revoked.status).toBe(401);
  });

  it('left no errors in the browser console', () => {
    expect(browserErrors).toEqual([]);
  });
});
