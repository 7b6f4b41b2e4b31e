/**
 * Metrics, logs and rate limits as an operator sees them through HTTP.
 */
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGatehouse, TEST_API_KEY, type TestGatehouse } from '../helpers/gatehouse.js';
import { loggerOptions } from '../../src/http/logging.js';

const PASSWORD = 'Observable-Secret-Passphrase-42';
let gh: TestGatehouse;
const logLines: string[] = [];

beforeAll(async () => {
  const sink = new Writable({
    write(chunk, _encoding, done) {
      logLines.push(String(chunk));
      done();
    },
  });
  gh = await startGatehouse(
    { logLevel: 'debug' },
    {
      logger: pino(loggerOptions('debug'), sink),
      rateLimits: { registerPerIp: { max: 3, windowSeconds: 3600 } },
    },
  );
});
afterAll(async () => {
  await gh?.close();
});

const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
  gh.api(`/api/v1/pools/default/auth${path}`, { method: 'POST', body, headers });

describe('observability', () => {
  let accessToken = '';
  let refreshToken = '';

  it('logs requests without passwords, tokens or API keys', async () => {
    expect((await post('/register', { email: 'obs@example.com', password: PASSWORD })).status).toBe(201);
    const login = await post('/login', { email: 'obs@example.com', password: PASSWORD });
    expect(login.status).toBe(200);
    accessToken = login.body.access_token;
    refreshToken = login.body.refresh_token ?? '';
    expect((await post('/login', { email: 'obs@example.com', password: 'wrong-password' })).status).toBe(401);
    const me = await gh.api('/api/v1/pools/default/auth/me', {
      headers: { authorization: `Bearer ${accessToken}` },
    });
    expect(me.status).toBe(200);
    await post(
      '/password/change',
      { oldPassword: PASSWORD, newPassword: `${PASSWORD}-2` },
      { authorization: `Bearer ${accessToken}` },
    );
    const logs = logLines.join('');
    expect(logs).toContain('/api/v1/pools/default/auth/login');
    for (const secret of [PASSWORD, accessToken, refreshToken, TEST_API_KEY, 'wrong-password'].filter(
      Boolean,
    )) {
      expect(logs).not.toContain(secret);
    }
  });

  it('exposes request durations and login outcomes to Prometheus', async () => {
    const res = await fetch(`${gh.url}/metrics`);
    const text = await res.text();
    expect(res.headers.get('content-type')).toContain('text/plain');
    expect(text).toMatch(
      /gatehouse_http_request_duration_seconds_count\{method="POST",route="\/api\/v1\/pools\/:pool\/auth\/login",status="200"\} \d+/,
    );
    expect(text).toMatch(/gatehouse_logins_total\{pool="default",outcome="success",method="password"\} 1/);
    expect(text).toMatch(
      /gatehouse_logins_total\{pool="default",outcome="invalid_credentials",method="password"\} 1/,
    );
    expect(text).toContain('process_cpu_seconds_total');
    // Nothing is hashing between requests.
    expect(text).toContain('gatehouse_password_hashes{state="active"} 0');
    expect(text).toContain('gatehouse_password_hashes{state="waiting"} 0');
  });

  it('answers too many registrations from one address with 429 and Retry-After', async () => {
    // One registration above was the first of three allowed.
    for (const n of [1, 2]) {
      expect((await post('/register', { email: `obs${n}@example.com`, password: PASSWORD })).status).toBe(
        201,
      );
    }
    const limited = await post('/register', { email: 'obs3@example.com', password: PASSWORD });
    expect(limited.status).toBe(429);
    expect(limited.body.error.code).toBe('rate_limited');
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
  });
});
