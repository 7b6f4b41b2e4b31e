/**
 * The `mysql` template against MariaDB and the `http` template against the reference legacy web service
 * (examples/legacy-http-service, on a loopback port), each in both modes through the HTTP API of one
 * Gatehouse node (embedded store), one pool per template and mode. SQL-injection strings go through
 * every identifier field of the login API and the management search.
 */
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildLegacyService } from '../../examples/legacy-http-service/src/app.js';
import { loadSampleSchema, openPglite } from '../../examples/legacy-http-service/src/store.js';
import { startGatehouse, type TestGatehouse } from '../helpers/gatehouse.js';
import { mysqlAvailable } from '../helpers/services.js';
import { HOSTILE_STRINGS, SEED_USERS, seedUser } from '../templates/fixtures.js';
import {
  configure,
  HIGH_RATE_LIMITS,
  login,
  mysqlLegacy,
  saveTemplateScripts,
  scriptRuns,
} from './helpers.js';

const mysqlUp = await mysqlAvailable();

interface Backend {
  /** What PUT …/custom-db needs besides enabled and mode (connection or env). */
  settings: Record<string, unknown>;
  countUsers(): Promise<number>;
  close(): Promise<void>;
}

let gh: TestGatehouse;
const api: TestGatehouse['api'] = (path, init) => gh.api(path, init);

beforeAll(async () => {
  gh = await startGatehouse({}, { rateLimits: HIGH_RATE_LIMITS });
});
afterAll(async () => {
  await gh?.close();
});

async function mysqlBackend(): Promise<Backend> {
  const legacy = await mysqlLegacy();
  return {
    settings: { connection: { uri: legacy.url } },
    countUsers: legacy.countUsers,
    close: legacy.close,
  };
}

async function httpBackend(): Promise<Backend> {
  const apiKey = 'e2e-legacy-api-key-0123456789';
  const db = await openPglite();
  await loadSampleSchema(db);
  const service = buildLegacyService({ db, apiKey });
  await service.listen({ host: '127.0.0.1', port: 0 });
  const base = `http://127.0.0.1:${(service.server.address() as AddressInfo).port}`;
  return {
    settings: { env: { API_BASE_URL: base, API_KEY: apiKey } },
    countUsers: async () =>
      (await db.query<{ n: number }>('SELECT count(*)::int AS n FROM users')).rows[0]!.n,
    close: async () => {
      await service.close();
      await db.close();
    },
  };
}

const ada = seedUser(0);
const alan = seedUser(1);
const grace = seedUser(2);
const linus = seedUser(3);
const margaret = seedUser(4);

/** Every hostile string through email, username, phone and account: never a login, never a 5xx. */
async function hostileLogins(pool: string): Promise<void> {
  for (const hostile of HOSTILE_STRINGS) {
    for (const field of ['email', 'username', 'phone', 'account'] as const) {
      for (const password of ['whatever-1', hostile]) {
        const res = await login(gh, { [field]: hostile, password }, pool);
        const label = `${field}=${JSON.stringify(hostile)} password=${JSON.stringify(password)}`;
        // 400 when the value is not an email / phone at all; otherwise the script says "not found".
        expect([400, 401], `${label}: ${JSON.stringify(res.body)}`).toContain(res.status);
        if (field === 'username') expect(res.status, label).toBe(401);
      }
    }
    const wrongPassword = await login(gh, { email: alan.profile.email, password: hostile }, pool);
    expect(wrongPassword.status).toBe(401);
  }
}

function defineTemplateSuite(template: 'mysql' | 'http', makeBackend: () => Promise<Backend>): void {
  describe('LAZY_MIGRATION', () => {
    const pool = `${template}-lazy`;
    let backend: Backend;
    beforeAll(async () => {
      backend = await makeBackend();
      expect((await api('/api/v1/pools', { method: 'POST', body: { slug: pool } })).status).toBe(201);
      await configure(api, { enabled: true, mode: 'LAZY_MIGRATION', ...backend.settings }, pool);
      await saveTemplateScripts(api, template, undefined, pool);
    });
    afterAll(async () => backend?.close());

    it('migrates users on their first login and never asks the legacy store again', async () => {
      const first = await login(gh, { email: ada.profile.email, password: ada.password }, pool);
      expect(first.status, JSON.stringify(first.body)).toBe(200);
      expect(first.body.user).toMatchObject({
        email: ada.profile.email,
        username: 'ada',
        phone: ada.profile.phone,
        name: ada.profile.name,
        gender: 'F',
        birthdate: '1815-12-10',
        emailVerified: true,
        externalId: '1',
        migratedAt: expect.any(String),
      });
      const byPhone = await login(gh, { phone: linus.profile.phone!, password: linus.password }, pool);
      expect(byPhone.status).toBe(200);
      expect(byPhone.body.user).toMatchObject({ externalId: '4', emailVerified: false, birthdate: null });

      const runs = await scriptRuns(api, 'login', pool);
      expect((await login(gh, { username: 'ada', password: ada.password }, pool)).status).toBe(200);
      expect(await scriptRuns(api, 'login', pool)).toBe(runs);

      expect((await login(gh, { email: grace.profile.email, password: 'wrong' }, pool)).status).toBe(401);
      const blocked = await login(gh, { email: margaret.profile.email, password: margaret.password }, pool);
      expect(blocked.status).toBe(403);
    });

    it('checks registrations with getUser and imports unmigrated users for a password reset', async () => {
      const register = (body: Record<string, string>) =>
        gh.api(`/api/v1/pools/${pool}/auth/register`, {
          method: 'POST',
          body,
          headers: { authorization: '' },
        });
      const taken = await register({ username: 'alan_turing', password: 'Some-Passw0rd-1' });
      expect(taken.status).toBe(409);
      expect((await register({ email: 'fresh@example.com', password: 'Some-Passw0rd-1' })).status).toBe(201);

      await gh.api(`/api/v1/pools/${pool}/auth/password/reset-request`, {
        method: 'POST',
        body: { email: grace.profile.email },
        headers: { authorization: '' },
      });
      const mail = (await api(`/api/v1/pools/${pool}/outbox`)).body.list[0];
      const token = /Reset token: (\S+)/.exec(mail.text)![1]!;
      const reset = await gh.api(`/api/v1/pools/${pool}/auth/password/reset`, {
        method: 'POST',
        body: { token, newPassword: 'Grace-reset-Passw0rd' },
        headers: { authorization: '' },
      });
      expect(reset.status).toBe(204);
      const res = await login(gh, { email: grace.profile.email, password: 'Grace-reset-Passw0rd' }, pool);
      expect(res.status).toBe(200);
      expect(res.body.user.externalId).toBe('3');

      const migration = await api(`/api/v1/pools/${pool}/custom-db/migration`);
      expect(migration.body).toMatchObject({
        localUsers: 5,
        migratedUsers: 4,
        legacyUsers: SEED_USERS.length,
        remaining: SEED_USERS.length - 4,
      });
    });

    it('refuses SQL-injection strings in every identifier field; the legacy table is intact', async () => {
      const before = await backend.countUsers();
      await hostileLogins(pool);
      expect(await backend.countUsers()).toBe(before);
      // Still working afterwards.
      expect((await login(gh, { username: 'alan_turing', password: alan.password }, pool)).status).toBe(200);
    });
  });

  describe('CUSTOM_USER_STORE', () => {
    const pool = `${template}-custom`;
    let backend: Backend;
    let connectionId: string;
    const users = (suffix = '') => `/api/v1/pools/${pool}/users${suffix}`;
    const sub = (id: string | number) => `${connectionId}|${id}`;
    beforeAll(async () => {
      backend = await makeBackend();
      expect((await api('/api/v1/pools', { method: 'POST', body: { slug: pool } })).status).toBe(201);
      await configure(api, { enabled: true, mode: 'CUSTOM_USER_STORE', ...backend.settings }, pool);
      await saveTemplateScripts(api, template, undefined, pool);
      const found = await gh.services.pools.get(pool);
      connectionId = (await gh.services.connections.get(found!)).id;
    });
    afterAll(async () => backend?.close());

    it('runs every flow through the eight scripts', async () => {
      const first = await login(gh, { email: ada.profile.email.toUpperCase(), password: ada.password }, pool);
      expect(first.status, JSON.stringify(first.body)).toBe(200);
      expect(first.body.user).toMatchObject({
        id: sub(1),
        username: 'ada',
        externalId: '1',
        migratedAt: null,
      });
      const me = await gh.api(`/api/v1/pools/${pool}/auth/me`, {
        headers: { authorization: `Bearer ${first.body.access_token}` },
      });
      expect(me.body).toMatchObject({ id: sub(1), email: ada.profile.email });

      const register = await gh.api(`/api/v1/pools/${pool}/auth/register`, {
        method: 'POST',
        body: { email: 'joined@example.com', nickname: 'Joiner', password: 'Joined-Passw0rd-1' },
        headers: { authorization: '' },
      });
      expect(register.status, JSON.stringify(register.body)).toBe(201);
      expect(register.body.user).toMatchObject({ id: sub(7), nickname: 'Joiner' });
      const again = await gh.api(`/api/v1/pools/${pool}/auth/register`, {
        method: 'POST',
        body: { email: 'JOINED@example.com', password: 'Joined-Passw0rd-1' },
        headers: { authorization: '' },
      });
      expect(again.status).toBe(409);

      const patched = await api(users(`/${encodeURIComponent(sub(7))}`), {
        method: 'PATCH',
        body: { name: 'Joined Later', emailVerified: true },
      });
      expect(patched.status, JSON.stringify(patched.body)).toBe(200);
      expect(patched.body).toMatchObject({ name: 'Joined Later', emailVerified: true });

      const tokens = (await login(gh, { email: 'joined@example.com', password: 'Joined-Passw0rd-1' }, pool))
        .body;
      const change = await gh.api(`/api/v1/pools/${pool}/auth/password/change`, {
        method: 'POST',
        body: { oldPassword: 'Joined-Passw0rd-1', newPassword: 'Changed-Passw0rd-2' },
        headers: { authorization: `Bearer ${tokens.access_token}` },
      });
      expect(change.status, JSON.stringify(change.body)).toBe(204);
      expect(
        (await login(gh, { email: 'joined@example.com', password: 'Changed-Passw0rd-2' }, pool)).status,
      ).toBe(200);

      const page = await api(users('?page=3&limit=3'));
      expect(page.body).toMatchObject({ totalCount: SEED_USERS.length + 1, list: [{ id: sub(7) }] });
      const search = await api(users('?q=turing'));
      expect(search.body).toMatchObject({ totalCount: 1, list: [{ id: sub(2) }] });

      const created = await api(users(), {
        method: 'POST',
        body: { username: 'temp_user', password: 'Temp-Passw0rd-1' },
      });
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      const id = encodeURIComponent(created.body.id);
      expect((await api(users(`/${id}`))).body.username).toBe('temp_user');
      expect((await api(users(`/${id}`), { method: 'DELETE' })).status).toBe(204);
      expect((await api(users(`/${id}`))).status).toBe(404);
      expect(await backend.countUsers()).toBe(SEED_USERS.length + 1);

      const pool_ = await gh.services.pools.get(pool);
      const local = await gh.services.store.db
        .selectFrom('users')
        .select('id')
        .where('pool_id', '=', pool_!.id)
        .execute();
      expect(local).toEqual([]);
    });

    it('refuses SQL-injection strings in logins, searches and ids; the legacy table is intact', async () => {
      const before = await backend.countUsers();
      await hostileLogins(pool);

      const all = (await api(users('?limit=100'))).body.list as Array<Record<string, string | null>>;
      expect(all).toHaveLength(before);
      for (const hostile of HOSTILE_STRINGS) {
        const label = JSON.stringify(hostile);
        const res = await api(users(`?q=${encodeURIComponent(hostile)}&limit=100`));
        expect(res.status, label).toBe(200);
        // Exactly the users holding the string literally (no wildcard, no widening).
        const literal = all.filter((u) =>
          [u.email, u.username, u.phone, u.nickname, u.name].some((v) =>
            v?.toLowerCase().includes(hostile.toLowerCase()),
          ),
        );
        expect(res.body.list.map((u: { id: string }) => u.id).sort(), label).toEqual(
          literal.map((u) => u.id).sort(),
        );
        expect(res.body.totalCount, label).toBe(literal.length);
        const byId = await api(users(`/${encodeURIComponent(hostile)}`));
        expect(byId.status, `GET ${label}`).toBe(404);
        const removed = await api(users(`/${encodeURIComponent(hostile)}`), { method: 'DELETE' });
        expect(removed.status, `DELETE ${label}`).toBe(404);
      }
      expect(await backend.countUsers()).toBe(before);
      expect((await login(gh, { email: alan.profile.email, password: alan.password }, pool)).status).toBe(
        200,
      );
    });
  });
}

describe.skipIf(!mysqlUp)('mysql template × MariaDB', () => {
  defineTemplateSuite('mysql', mysqlBackend);
});

describe('http template × the reference legacy web service', () => {
  defineTemplateSuite('http', httpBackend);
});
