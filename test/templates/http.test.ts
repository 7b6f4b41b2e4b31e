/**
 * The `http` template against the reference legacy web service of examples/legacy-http-service, started
 * here on a loopback port over an embedded PGlite database holding the sample schema and seed users
 * (so this suite needs no external service). Every script runs through the real sandbox.
 */
import { describe, expect, it } from 'vitest';
import type { AddressInfo } from 'node:net';
import { buildLegacyService } from '../../examples/legacy-http-service/src/app.js';
import { loadSampleSchema, openPglite } from '../../examples/legacy-http-service/src/store.js';
import { defineTemplateContract } from './contract.js';

const API_KEY = 'test-api-key-0123456789';
let baseUrl = '';

describe('http template × the reference legacy web service', () => {
  defineTemplateContract('http', async () => {
    const db = await openPglite();
    await loadSampleSchema(db);
    const app = buildLegacyService({ db, apiKey: API_KEY });
    await app.listen({ host: '127.0.0.1', port: 0 });
    baseUrl = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
    return {
      env: { API_BASE_URL: baseUrl, API_KEY },
      missingId: '999999',
      countUsers: async () =>
        (await db.query<{ n: number }>('SELECT count(*)::int AS n FROM users')).rows[0]!.n,
      usersTableExists: async () =>
        (await db.query<{ present: boolean }>("SELECT to_regclass('public.users') IS NOT NULL AS present"))
          .rows[0]!.present,
      close: async () => {
        await app.close();
        await db.close();
      },
    };
  });

  it('the service refuses requests without the right API key', async () => {
    const none = await fetch(`${baseUrl}/users?page=1&limit=1`);
    expect(none.status).toBe(401);
    const wrong = await fetch(`${baseUrl}/users?page=1&limit=1`, { headers: { 'x-api-key': 'wrong' } });
    expect(wrong.status).toBe(401);
    const right = await fetch(`${baseUrl}/users?page=1&limit=1`, { headers: { 'x-api-key': API_KEY } });
    expect(right.status).toBe(200);
    expect(await right.json()).toMatchObject({
      total: 6,
      users: [{ id: 1, email: 'ada.lovelace@example.com' }],
    });
  });
});
