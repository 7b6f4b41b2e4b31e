/**
 * Console sign-in (POST/GET/DELETE /api/v1/console/session) and the console session as a way to call the
 * management API: cookie flags, wrong passwords, rate limits, the CSRF header, sign-out and expiry.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGatehouse, TEST_ADMIN_PASSWORD, type TestGatehouse } from '../helpers/gatehouse.js';
import { consoleCookie, isSecureBaseUrl } from '../../src/http/console-cookie.js';

const NO_AUTH = { authorization: '' };

async function signIn(node: TestGatehouse, username: string, password: string) {
  const response = await fetch(`${node.url}/api/v1/console/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  const setCookie = response.headers.get('set-cookie') ?? '';
  const cookie = /^gh_console=([^;]*)/.exec(setCookie)?.[1];
  return {
    status: response.status,
    body: await response.json(),
    setCookie,
    cookie,
    headers: response.headers,
  };
}

/** A management call authenticated by the console cookie only (no Authorization header). */
async function withCookie(
  node: TestGatehouse,
  cookie: string,
  path: string,
  init: { method?: string; body?: unknown; csrf?: boolean } = {},
) {
  const headers: Record<string, string> = { cookie: `other=1; gh_console=${cookie}` };
  if (init.csrf) headers['x-gatehouse-csrf'] = '1';
  if (init.body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(node.url + path, {
    method: init.method ?? 'GET',
    headers,
    ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : null, headers: response.headers };
}

describe('console session', () => {
  let node: TestGatehouse;

  beforeAll(async () => {
    node = await startGatehouse();
  });
  afterAll(async () => {
    await node?.close();
  });

  it('signs in the admin account and sets an HttpOnly, SameSite=Strict session cookie', async () => {
    const result = await signIn(node, 'admin', TEST_ADMIN_PASSWORD);
    expect(result.status).toBe(200);
    expect(result.body.username).toBe('admin');
    expect(Date.parse(result.body.expiresAt) - Date.now()).toBeGreaterThan(11 * 3600 * 1000);
    expect(result.cookie).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const flags = result.setCookie.split(';').map((f) => f.trim());
    expect(flags).toEqual(expect.arrayContaining(['Path=/', 'HttpOnly', 'SameSite=Strict', 'Max-Age=43200']));
    // The test node's base URL is http: no Secure flag (browsers would drop the cookie).
    expect(flags).not.toContain('Secure');
    expect(result.headers.get('cache-control')).toBe('no-store');

    // Stored only as a digest.
    const rows = await node.services.store.db.selectFrom('console_sessions').selectAll().execute();
    expect(rows.some((r) => r.token_hash === result.cookie)).toBe(false);

    const me = await withCookie(node, result.cookie!, '/api/v1/console/session');
    expect(me.status).toBe(200);
    expect(me.body.username).toBe('admin');
  });

  it('answers 401 for a wrong password, an unknown username, and no session', async () => {
    const wrong = await signIn(node, 'admin', 'not-the-password');
    expect(wrong.status).toBe(401);
    expect(wrong.body.error.code).toBe('invalid_credentials');
    expect(wrong.setCookie).toBe('');
    const unknown = await signIn(node, 'root', TEST_ADMIN_PASSWORD);
    expect(unknown.status).toBe(401);
    expect(unknown.body.error).toEqual(wrong.body.error);

    const me = await fetch(`${node.url}/api/v1/console/session`);
    expect(me.status).toBe(200);
    expect(await me.json()).toEqual({ username: null, expiresAt: null });
    const bogus = await withCookie(node, 'not-a-session', '/api/v1/pools');
    expect(bogus.status).toBe(401);
    expect(bogus.body.error.code).toBe('invalid_session');
  });

  it('reaches the management API with the cookie, instance-wide', async () => {
    const { cookie } = await signIn(node, 'admin', TEST_ADMIN_PASSWORD);
    const pools = await withCookie(node, cookie!, '/api/v1/pools');
    expect(pools.status).toBe(200);
    expect(pools.body.list.map((p: { slug: string }) => p.slug)).toContain('default');
    const users = await withCookie(node, cookie!, '/api/v1/pools/default/users');
    expect(users.status).toBe(200);
    expect(users.body).toHaveProperty('totalCount');
  });

  it('rejects state-changing cookie requests without the CSRF header', async () => {
    const { cookie } = await signIn(node, 'admin', TEST_ADMIN_PASSWORD);
    const body = { slug: 'csrf-check' };
    const refused = await withCookie(node, cookie!, '/api/v1/pools', { method: 'POST', body });
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('csrf_header_required');
    expect((await node.api('/api/v1/pools/csrf-check')).status).toBe(404);

    const created = await withCookie(node, cookie!, '/api/v1/pools', { method: 'POST', body, csrf: true });
    expect(created.status).toBe(201);
    const user = await withCookie(node, cookie!, '/api/v1/pools/csrf-check/users', {
      method: 'POST',
      body: { email: 'console@example.com', password: 'a-long-password' },
      csrf: true,
    });
    expect(user.status).toBe(201);
  });

  it('prefers an Authorization header to the cookie', async () => {
    const { cookie } = await signIn(node, 'admin', TEST_ADMIN_PASSWORD);
    const response = await fetch(`${node.url}/api/v1/pools`, {
      headers: { cookie: `gh_console=${cookie}`, authorization: 'Bearer not-a-key' },
    });
    expect(response.status).toBe(401);
    expect((await response.json()).error.code).toBe('invalid_api_key');
  });

  it('signs out: the cookie is cleared and the session no longer works', async () => {
    const { cookie } = await signIn(node, 'admin', TEST_ADMIN_PASSWORD);
    const refused = await withCookie(node, cookie!, '/api/v1/console/session', { method: 'DELETE' });
    expect(refused.status).toBe(403);

    const out = await withCookie(node, cookie!, '/api/v1/console/session', { method: 'DELETE', csrf: true });
    expect(out.status).toBe(204);
    expect(out.headers.get('set-cookie')).toMatch(
      /^gh_console=; Path=\/; HttpOnly; SameSite=Strict; Max-Age=0/,
    );
    expect((await withCookie(node, cookie!, '/api/v1/console/session')).body.username).toBeNull();
    expect((await withCookie(node, cookie!, '/api/v1/pools')).status).toBe(401);
  });

  it('refuses an expired session', async () => {
    const { cookie } = await signIn(node, 'admin', TEST_ADMIN_PASSWORD);
    expect((await withCookie(node, cookie!, '/api/v1/pools')).status).toBe(200);
    await node.services.store.db
      .updateTable('console_sessions')
      .set({ expires_at: new Date(Date.now() - 1000) })
      .execute();
    expect((await withCookie(node, cookie!, '/api/v1/pools')).status).toBe(401);
  });

  it('answers 400 for a malformed sign-in body', async () => {
    const response = await node.api('/api/v1/console/session', {
      method: 'POST',
      body: { username: 'admin' },
      headers: NO_AUTH,
    });
    expect(response.status).toBe(400);
  });
});

describe('console session behind https, with tight rate limits', () => {
  let node: TestGatehouse;

  beforeAll(async () => {
    node = await startGatehouse({
      baseUrl: 'https://console.example.test',
      rateLimits: { loginPerIpPerMinute: 100, loginPerIdentifierPer5Minutes: 3, registerPerIpPerHour: 10 },
    });
  });
  afterAll(async () => {
    await node?.close();
  });

  it('marks the cookie Secure', async () => {
    const result = await signIn(node, 'admin', TEST_ADMIN_PASSWORD);
    expect(result.status).toBe(200);
    expect(result.setCookie.split('; ')).toContain('Secure');
  });

  it('rate-limits sign-in attempts per username with 429 and Retry-After', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await signIn(node, 'admin', `wrong-${i}`)).status);
    // One attempt was spent by the previous test.
    expect(statuses).toEqual([401, 401, 429, 429]);
    const limited = await signIn(node, 'admin', TEST_ADMIN_PASSWORD);
    expect(limited.status).toBe(429);
    expect(limited.body.error.code).toBe('rate_limited');
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
  });
});

describe('console cookie helpers', () => {
  it('builds the cookie with its flags', () => {
    expect(consoleCookie('abc', 60, false)).toBe(
      'gh_console=abc; Path=/; HttpOnly; SameSite=Strict; Max-Age=60',
    );
    expect(consoleCookie('abc', 60, true)).toMatch(/; Secure$/);
    expect(isSecureBaseUrl('https://id.example.com')).toBe(true);
    expect(isSecureBaseUrl('http://localhost:3000')).toBe(false);
  });
});
