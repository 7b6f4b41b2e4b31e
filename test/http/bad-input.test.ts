import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGatehouse, type TestGatehouse } from '../helpers/gatehouse.js';

let gh: TestGatehouse;
beforeAll(async () => {
  gh = await startGatehouse();
});
afterAll(async () => {
  await gh?.close();
});

const register = (body: unknown, headers: Record<string, string> = {}) =>
  gh.api('/api/v1/pools/default/auth/register', { method: 'POST', body, headers });

describe('bad input gets a clear error with the right status', () => {
  it('answers health checks', async () => {
    expect((await gh.api('/healthz')).body).toEqual({ status: 'ok' });
    expect((await gh.api('/readyz')).body).toEqual({ status: 'ready' });
  });

  it('rejects malformed JSON with 400 malformed_json', async () => {
    const res = await register('{"email": "a@b.c", ');
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('malformed_json');
  });

  it('rejects wrong types with 400 validation_failed', async () => {
    const res = await register({ email: 42, password: 'long-enough-password' });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('validation_failed');
  });

  it('rejects unknown fields with 400', async () => {
    const res = await register({ email: 'x@example.com', password: 'long-enough-password', isAdmin: true });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('validation_failed');
  });

  it('rejects bodies over 1 MiB with 413', async () => {
    const res = await register({ email: 'x@example.com', password: 'p'.repeat(1024 * 1024 + 10) });
    expect(res.status).toBe(413);
    expect(res.body.error.code).toBe('payload_too_large');
  });

  it('answers unknown pools with 404 pool_not_found', async () => {
    const res = await gh.api('/api/v1/pools/nope/auth/register', {
      method: 'POST',
      body: { email: 'x@example.com', password: 'long-enough-password' },
    });
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('pool_not_found');
  });

  it('answers unknown routes with 404 route_not_found', async () => {
    const res = await gh.api('/api/v1/nothing-here');
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('route_not_found');
  });

  it('rejects a non-JSON content type with 415', async () => {
    const res = await register('email=x', { 'content-type': 'text/plain' });
    expect(res.status).toBe(415);
    expect(res.body.error.code).toBe('unsupported_media_type');
  });
});
