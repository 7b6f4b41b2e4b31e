/**
 * `npm run screenshots`: regenerates the console screenshots under docs/screenshots/. Starts the demo
 * (an in-memory Gatehouse with its embedded legacy PostgreSQL and a LAZY_MIGRATION connection), seeds a
 * little data through the public APIs (a few legacy users log in, spread over the last days; an
 * application; an API key; a failed login), then signs in to the console in Debian's Chromium
 * (playwright-core) and captures the main pages, the Settings page, and the console on a phone-sized
 * screen (375 px wide) with its menu open.
 */
import { mkdir } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import { chromium, type Page } from 'playwright-core';
import { startDemo, SEED_USERS } from '../src/demo/index.js';
import { CONSOLE_DIST } from '../src/http/console-static.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const OUT = fileURLToPath(new URL('../docs/screenshots/', import.meta.url));

if (!existsSync(CHROMIUM))
  throw new Error(`Chromium is not installed at ${CHROMIUM} (apt-get install chromium)`);
if (!existsSync(`${CONSOLE_DIST}/index.html`))
  throw new Error('Build the console first: npm run build:console');

const demo = await startDemo({
  config: { port: 0, host: '127.0.0.1', dataDir: 'memory://', logLevel: 'warn' },
});
const browser = await chromium.launch({
  executablePath: CHROMIUM,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
});

async function api(path: string, method = 'GET', body?: unknown): Promise<unknown> {
  const response = await fetch(`${demo.url}/api/v1${path}`, {
    method,
    headers: {
      authorization: `Bearer ${demo.apiKey}`,
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  if (!response.ok && response.status !== 401) {
    throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
  }
  return response.status === 204 ? null : response.json();
}

async function seed(): Promise<void> {
  // Legacy users log in: the first four are migrated; one typo leaves a failed run in the logs.
  for (const user of SEED_USERS.slice(0, 4)) {
    await api(`/pools/${demo.pool}/auth/login`, 'POST', { email: user.email, password: user.password });
  }
  await api(`/pools/${demo.pool}/auth/login`, 'POST', { email: SEED_USERS[4].email, password: 'typo' });
  // Spread the migrations over the last days, so the chart shows progress over time.
  const db = demo.gatehouse.services.store.db;
  const migrated = await db
    .selectFrom('users')
    .select('id')
    .where('migrated_at', 'is not', null)
    .orderBy('migrated_at')
    .execute();
  for (const [i, row] of migrated.entries()) {
    const daysAgo = [12, 7, 3, 0][i] ?? 0;
    await db
      .updateTable('users')
      .set({ migrated_at: sql`now() - make_interval(days => ${daysAgo})` })
      .where('id', '=', row.id)
      .execute();
  }
  await api(`/pools/${demo.pool}/users`, 'POST', {
    email: 'new.signup@example.com',
    nickname: 'New signup',
    password: 'a-long-password-1',
  });
  await api(`/pools/${demo.pool}/applications`, 'POST', {
    name: 'Customer portal',
    redirect_uris: ['https://portal.example.com/callback'],
    token_endpoint_auth_method: 'client_secret_basic',
  });
  await api(`/pools/${demo.pool}/applications`, 'POST', {
    name: 'Single-page app',
    redirect_uris: ['https://app.example.com/callback'],
    token_endpoint_auth_method: 'none',
  });
  await api(`/pools/${demo.pool}/api-keys`, 'POST', { name: 'CI deploys' });
}

async function shoot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: `${OUT}${name}.png`, fullPage: true });
  console.log(`  docs/screenshots/${name}.png`);
}

try {
  await mkdir(OUT, { recursive: true });
  await seed();
  const context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });

  await page.goto(`${demo.url}/console/`);
  await shoot(page, 'sign-in');
  await page.getByLabel('Password').fill(demo.adminPassword);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('cell', { name: SEED_USERS[0].email, exact: true }).waitFor();
  await shoot(page, 'users');

  await page.getByRole('link', { name: 'Custom Database' }).click();
  await page.getByRole('heading', { name: 'Migration progress' }).waitFor();
  await page.getByRole('img', { name: /Migrated users/ }).waitFor();
  await page.getByLabel('Find the user by: value').fill(SEED_USERS[5].email);
  await page.getByLabel('Password', { exact: true }).fill(SEED_USERS[5].password);
  await page.getByRole('button', { name: 'Run' }).click();
  await page.getByTestId('debug-result').waitFor();
  await page
    .getByRole('button', { name: /^View version/ })
    .first()
    .click();
  await page.getByText(/compared with the editor/).waitFor();
  await shoot(page, 'custom-db');

  await page.getByRole('link', { name: 'Logs' }).click();
  await page.locator('tbody button[aria-expanded=false]').first().waitFor();
  await page.locator('tbody button[aria-expanded=false]').first().click();
  await page.locator('.log-details').waitFor();
  await shoot(page, 'logs');

  await page.getByRole('link', { name: 'Applications' }).click();
  await page.getByRole('cell', { name: 'Customer portal', exact: true }).waitFor();
  await shoot(page, 'applications');

  await page.getByRole('link', { name: 'API keys' }).click();
  await page.getByRole('cell', { name: 'CI deploys', exact: true }).waitFor();
  await shoot(page, 'api-keys');

  await page.getByRole('link', { name: 'Settings' }).click();
  await page.getByLabel('Minimum length').waitFor();
  await shoot(page, 'settings');

  // A phone: the navigation collapses behind the Menu button.
  await page.getByRole('link', { name: 'Users' }).click();
  await page.getByRole('cell', { name: SEED_USERS[0].email, exact: true }).waitFor();
  await page.setViewportSize({ width: 375, height: 760 });
  await page.getByRole('button', { name: 'Menu' }).click();
  await page.screenshot({ path: `${OUT}narrow.png` });
  console.log('  docs/screenshots/narrow.png');

  if (errors.length) throw new Error(`The browser console had errors:\n${errors.join('\n')}`);
} finally {
  await browser.close();
  await demo.close();
}
