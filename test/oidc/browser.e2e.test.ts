/**
 * End to end: openid-client (v6) completes the authorization code flow with PKCE through the hosted
 * login (and registration and consent) pages, driven by playwright-core in Debian's Chromium, then calls
 * userinfo and ends the session. Without Chromium this suite is skipped loudly, and fails when CI is set.
 */
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as client from 'openid-client';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startGatehouse, type TestGatehouse } from '../helpers/gatehouse.js';

const CHROMIUM = '/usr/bin/chromium';
const available = existsSync(CHROMIUM);
if (!available) {
  const message = `Chromium is not installed at ${CHROMIUM}: the browser tests cannot run`;
  if (process.env.CI) throw new Error(`${message} (CI is set, so this fails the run)`);
  console.warn(`\n!!! ${message}; SKIPPING them. Install it with: apt-get install -y chromium !!!\n`);
}

// The relying party's callbacks: never reached over the network, the browser's requests are intercepted.
const RP = 'http://127.0.0.1:5999';
const CALLBACK = `${RP}/callback`;
const LOGGED_OUT = `${RP}/logged-out`;
const PASSWORD = 'correct horse battery staple';

describe.runIf(available)('hosted login pages in a browser', () => {
  let gh: TestGatehouse;
  let browser: Browser;
  let issuer: URL;

  beforeAll(async () => {
    [gh, browser] = await Promise.all([
      startGatehouse(),
      chromium.launch({
        executablePath: CHROMIUM,
        args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
      }),
    ]);
    issuer = new URL(`${gh.url}/oidc/default`);
    const res = await gh.api('/api/v1/pools/default/auth/register', {
      method: 'POST',
      body: { email: 'ada@example.com', password: PASSWORD, name: 'Ada Lovelace' },
    });
    expect(res.status).toBe(201);
  });
  afterAll(async () => {
    await browser?.close();
    await gh?.close();
  });

  async function publicClient(body: Record<string, unknown>): Promise<client.Configuration> {
    const created = await gh.api('/api/v1/pools/default/applications', {
      method: 'POST',
      body: {
        redirect_uris: [CALLBACK],
        post_logout_redirect_uris: [LOGGED_OUT],
        token_endpoint_auth_method: 'none',
        ...body,
      },
    });
    expect(created.status).toBe(201);
    expect(created.body).not.toHaveProperty('client_secret');
    return client.discovery(issuer, created.body.clientId, undefined, client.None(), {
      execute: [client.allowInsecureRequests],
    });
  }

  /** A page whose navigations to the relying party are answered locally; resolves with their URLs. */
  async function rpPage(): Promise<{ page: Page; arrivals: string[]; next: () => Promise<string> }> {
    const context = await browser.newContext();
    const page = await context.newPage();
    const arrivals: string[] = [];
    let wake: (() => void) | undefined;
    await page.route(`${RP}/**`, async (route) => {
      arrivals.push(route.request().url());
      wake?.();
      await route.fulfill({ status: 200, contentType: 'text/html', body: '<p>relying party</p>' });
    });
    const next = async () => {
      const seen = arrivals.length;
      while (arrivals.length === seen) await new Promise<void>((resolve) => (wake = resolve));
      return arrivals.at(-1)!;
    };
    return { page, arrivals, next };
  }

  async function start(config: client.Configuration, scope: string) {
    const verifier = client.randomPKCECodeVerifier();
    const state = client.randomState();
    const url = client.buildAuthorizationUrl(config, {
      redirect_uri: CALLBACK,
      scope,
      code_challenge: await client.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state,
    });
    return { url, verifier, state };
  }

  it('signs in through the hosted login and consent pages, then calls userinfo and signs out', async () => {
    const config = await publicClient({ name: 'Example SPA' });
    const { url, verifier, state } = await start(config, 'openid email profile');
    const { page, next } = await rpPage();

    await page.goto(url.href);
    await expect(page.title()).resolves.toMatch(/Sign in/);
    expect(await page.textContent('main')).toContain('Example SPA');

    // A wrong password is shown on the page, not as an error document.
    await page.fill('#account', 'ada@example.com');
    await page.fill('#password', 'not the password');
    await page.click('button[type=submit]');
    await expect(page.textContent('[role=alert]')).resolves.toContain(
      'Wrong email, username, phone or password',
    );
    expect(await page.inputValue('#account')).toBe('ada@example.com');

    await page.fill('#password', PASSWORD);
    await page.click('button[type=submit]');
    // A third-party application asks for consent.
    await page.waitForSelector('text=Authorize Example SPA');
    expect(await page.textContent('ul.scopes')).toContain('Your email address');
    const arrived = next();
    await page.click('button:has-text("Allow")');
    const callback = new URL(await arrived);
    expect(callback.searchParams.get('code')).toBeTruthy();

    const tokens = await client.authorizationCodeGrant(config, callback, {
      pkceCodeVerifier: verifier,
      expectedState: state,
    });
    const claims = tokens.claims()!;
    expect(claims.email).toBe('ada@example.com');
    const userinfo = await client.fetchUserInfo(config, tokens.access_token, claims.sub);
    expect(userinfo).toMatchObject({ sub: claims.sub, email: 'ada@example.com', name: 'Ada Lovelace' });

    // The access token is the pool's: the login API accepts it too.
    const me = await gh.api('/api/v1/pools/default/auth/me', {
      headers: { authorization: `Bearer ${tokens.access_token}` },
    });
    expect(me.body.email).toBe('ada@example.com');

    // End session (RP-initiated logout) through the hosted confirmation page.
    const logout = client.buildEndSessionUrl(config, {
      id_token_hint: tokens.id_token!,
      post_logout_redirect_uri: LOGGED_OUT,
    });
    await page.goto(logout.href);
    const loggedOut = next();
    await page.click('button:has-text("Yes, sign me out")');
    expect(await loggedOut).toBe(LOGGED_OUT);
    await page.context().close();
  });

  it('registers through the hosted page; a first-party application skips consent', async () => {
    const config = await publicClient({ name: 'First-party web', firstParty: true });
    const { url, verifier, state } = await start(config, 'openid email');
    const { page, next } = await rpPage();

    await page.goto(url.href);
    await page.click('text=Create one');
    await expect(page.title()).resolves.toMatch(/Create account/);
    // Errors of the registration flow are shown on the page.
    await page.fill('#email', 'ada@example.com');
    await page.fill('#password', PASSWORD);
    await page.click('button[type=submit]');
    await expect(page.textContent('[role=alert]')).resolves.toMatch(/exist/i);

    await page.fill('#email', 'grace@example.com');
    await page.fill('#name', 'Grace <b>Hopper</b>');
    await page.fill('#password', PASSWORD);
    const arrived = next();
    await page.click('button[type=submit]');
    const callback = new URL(await arrived);

    const tokens = await client.authorizationCodeGrant(config, callback, {
      pkceCodeVerifier: verifier,
      expectedState: state,
    });
    expect(tokens.refresh_token).toEqual(expect.any(String));
    const userinfo = await client.fetchUserInfo(config, tokens.access_token, tokens.claims()!.sub);
    expect(userinfo.email).toBe('grace@example.com');
    const pool = await gh.services.pools.get('default');
    const user = await gh.services.auth.findAccount(pool, tokens.claims()!.sub);
    expect(user?.name).toBe('Grace <b>Hopper</b>');
    await page.context().close();
  });

  it('refuses an authorization request without PKCE from a public client', async () => {
    const config = await publicClient({ name: 'No PKCE' });
    const url = client.buildAuthorizationUrl(config, { redirect_uri: CALLBACK, scope: 'openid' });
    const res = await fetch(url, { redirect: 'manual' });
    expect(res.status).toBe(303);
    const callback = new URL(res.headers.get('location')!);
    expect(callback.href.startsWith(CALLBACK)).toBe(true);
    expect(callback.searchParams.get('error')).toBe('invalid_request');
    expect(callback.searchParams.get('error_description')).toMatch(/PKCE/);
  });
});
