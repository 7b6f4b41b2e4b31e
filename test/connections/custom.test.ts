/**
 * CUSTOM_USER_STORE end to end (DESIGN.md §3): every user operation goes to the `postgres` template's
 * scripts against a fresh legacy database on the machine's PostgreSQL; Gatehouse (embedded store) keeps
 * no user and no password.
 */
import { decodeJwt } from 'jose';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGatehouse, type TestGatehouse } from '../helpers/gatehouse.js';
import { postgresAvailable } from '../helpers/services.js';
import { SEED_USERS, seedUser } from '../templates/fixtures.js';
import {
  configure,
  HIGH_RATE_LIMITS,
  login,
  postgresLegacy,
  saveTemplateScripts,
  scriptRuns,
  type LegacyDatabase,
} from './helpers.js';

const available = await postgresAvailable();

describe.skipIf(!available)('CUSTOM_USER_STORE × postgres template', () => {
  let gh: TestGatehouse;
  let legacy: LegacyDatabase;
  let connectionId: string;
  const api: TestGatehouse['api'] = (path, init) => gh.api(path, init);
  const users = (suffix = '') => `/api/v1/pools/default/users${suffix}`;
  const ada = seedUser(0);
  const alan = seedUser(1);
  const grace = seedUser(2);
  const margaret = seedUser(4);
  const NEW_PASSWORD = 'Grace-changed-Passw0rd';
  const REGISTERED_PASSWORD = 'Registered-Passw0rd-1';
  const CREATED_PASSWORD = 'Created-by-admin-Passw0rd';
  const RESET_PASSWORD = 'Linus-reset-Passw0rd';
  const sub = (id: string | number) => `${connectionId}|${id}`;
  const path = (id: string | number) => users(`/${encodeURIComponent(sub(id))}`);
  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

  beforeAll(async () => {
    legacy = await postgresLegacy();
    gh = await startGatehouse({}, { rateLimits: HIGH_RATE_LIMITS });
    await configure(api, { enabled: true, mode: 'CUSTOM_USER_STORE', connection: { uri: legacy.url } });
    await saveTemplateScripts(api, 'postgres');
    const pool = await gh.services.pools.get('default');
    connectionId = (await gh.services.connections.get(pool!)).id;
  });
  afterAll(async () => {
    await gh?.close();
    await legacy?.close();
  });

  it('logs in through the login script with a stable, derived subject', async () => {
    const first = await login(gh, { email: ada.profile.email, password: ada.password });
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    expect(first.body.user).toMatchObject({
      id: sub(1),
      email: ada.profile.email,
      username: 'ada',
      name: 'Ada Lovelace',
      externalId: '1',
      migratedAt: null,
    });
    const second = await login(gh, { account: 'ada', password: ada.password });
    expect(second.status).toBe(200);
    expect(decodeJwt(first.body.id_token).sub).toBe(sub(1));
    expect(decodeJwt(second.body.id_token).sub).toBe(sub(1));

    const wrong = await login(gh, { email: ada.profile.email, password: 'wrong' });
    expect(wrong.status).toBe(401);
    expect(wrong.body.error.message).toBe('Wrong username or password');
    const blocked = await login(gh, { email: margaret.profile.email, password: margaret.password });
    expect(blocked.status).toBe(403);
    expect(blocked.body.error.code).toBe('user_blocked');
  });

  it('serves /auth/me and OIDC userinfo through getUser', async () => {
    const tokens = (await login(gh, { username: 'alan_turing', password: alan.password })).body;
    const before = await scriptRuns(api, 'getUser');
    // The legacy row changes after login: getUser shows the current profile.
    await legacy.query("UPDATE users SET nickname = 'Prof' WHERE id = 2");
    const me = await gh.api('/api/v1/pools/default/auth/me', { headers: bearer(tokens.access_token) });
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ id: sub(2), email: alan.profile.email, nickname: 'Prof' });

    const discovery = await gh.api('/oidc/default/.well-known/openid-configuration');
    expect(discovery.status).toBe(200);
    const endpoint = discovery.body.userinfo_endpoint as string;
    const info = await fetch(endpoint, { headers: bearer(tokens.access_token) });
    expect(info.status).toBe(200);
    expect(await info.json()).toMatchObject({
      sub: sub(2),
      email: alan.profile.email,
      email_verified: true,
      nickname: 'Prof',
    });
    expect(await scriptRuns(api, 'getUser')).toBeGreaterThanOrEqual(before + 2);
  });

  it('registers through getUser (409 when found), createUser, then login to verify', async () => {
    const runs = {
      getUser: await scriptRuns(api, 'getUser'),
      createUser: await scriptRuns(api, 'createUser'),
      login: await scriptRuns(api, 'login'),
    };
    const register = (body: Record<string, string>) =>
      gh.api('/api/v1/pools/default/auth/register', { method: 'POST', body, headers: { authorization: '' } });
    const taken = await register({ email: grace.profile.email.toUpperCase(), password: REGISTERED_PASSWORD });
    expect(taken.status).toBe(409);
    expect(taken.body.error.message).toBe('User already exists');
    expect(await scriptRuns(api, 'createUser')).toBe(runs.createUser);

    const created = await register({
      email: 'registered@example.com',
      username: 'registered',
      name: 'Reg Istered',
      password: REGISTERED_PASSWORD,
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body.user).toMatchObject({ id: sub(7), email: 'registered@example.com', externalId: '7' });
    // One getUser per identifier (email, then username).
    expect(await scriptRuns(api, 'getUser')).toBe(runs.getUser + 3);
    expect(await scriptRuns(api, 'createUser')).toBe(runs.createUser + 1);
    expect(await scriptRuns(api, 'login')).toBe(runs.login + 1);
    const [row] = await legacy.query(
      "SELECT name, password_hash FROM users WHERE email = 'registered@example.com'",
    );
    expect(row).toMatchObject({
      name: 'Reg Istered',
      password_hash: expect.stringMatching(/^\$2[aby]\$10\$/),
    });
    expect((await login(gh, { email: 'registered@example.com', password: REGISTERED_PASSWORD })).status).toBe(
      200,
    );

    // A new email does not hide an existing username: 409 before createUser runs.
    const creates = await scriptRuns(api, 'createUser');
    const clash = await register({
      email: 'clash@example.com',
      username: 'grace',
      password: REGISTERED_PASSWORD,
    });
    expect(clash.status).toBe(409);
    expect(clash.body.error.message).toBe('User already exists');
    expect(await scriptRuns(api, 'createUser')).toBe(creates);
  });

  it('updates profiles through updateUser', async () => {
    const res = await api(path(3), { method: 'PATCH', body: { nickname: 'Grandma COBOL', city: null } });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({ id: sub(3), nickname: 'Grandma COBOL', name: 'Grace Hopper' });
    const [row] = await legacy.query('SELECT nickname FROM users WHERE id = 3');
    expect(row!.nickname).toBe('Grandma COBOL');
    // A bare legacy id is understood too.
    const bare = await api(users('/3'));
    expect(bare.body).toMatchObject({ id: sub(3), nickname: 'Grandma COBOL' });
  });

  it('changes a password through validatePassword then updateUser', async () => {
    const tokens = (await login(gh, { email: grace.profile.email, password: grace.password })).body;
    const change = (oldPassword: string, newPassword: string) =>
      gh.api('/api/v1/pools/default/auth/password/change', {
        method: 'POST',
        body: { oldPassword, newPassword },
        headers: bearer(tokens.access_token),
      });
    const updates = await scriptRuns(api, 'updateUser');
    const wrongOld = await change('not-the-password', NEW_PASSWORD);
    expect(wrongOld.status).toBe(401);
    expect(await scriptRuns(api, 'updateUser')).toBe(updates);

    const validations = await scriptRuns(api, 'validatePassword');
    expect((await change(grace.password, NEW_PASSWORD)).status).toBe(204);
    expect(await scriptRuns(api, 'validatePassword')).toBe(validations + 1);
    expect(await scriptRuns(api, 'updateUser')).toBe(updates + 1);
    expect((await login(gh, { email: grace.profile.email, password: NEW_PASSWORD })).status).toBe(200);
    expect((await login(gh, { email: grace.profile.email, password: grace.password })).status).toBe(401);
  });

  it('resets a password through getUser then updateUser', async () => {
    const linus = seedUser(3);
    const requested = await gh.api('/api/v1/pools/default/auth/password/reset-request', {
      method: 'POST',
      body: { email: 'linus@example.com' },
      headers: { authorization: '' },
    });
    expect(requested.status).toBe(202);
    const mail = (await api('/api/v1/pools/default/outbox')).body.list[0];
    expect(mail.to).toBe(linus.profile.email);
    const token = /Reset token: (\S+)/.exec(mail.text)![1]!;
    const updates = await scriptRuns(api, 'updateUser');
    const reset = await gh.api('/api/v1/pools/default/auth/password/reset', {
      method: 'POST',
      body: { token, newPassword: RESET_PASSWORD },
      headers: { authorization: '' },
    });
    expect(reset.status, JSON.stringify(reset.body)).toBe(204);
    expect(await scriptRuns(api, 'updateUser')).toBe(updates + 1);
    expect((await login(gh, { phone: linus.profile.phone!, password: RESET_PASSWORD })).status).toBe(200);
    expect((await login(gh, { phone: linus.profile.phone!, password: linus.password })).status).toBe(401);
  });

  it('lists with paging passed straight to listUsers, one script call per request', async () => {
    const listRuns = await scriptRuns(api, 'listUsers');
    const getUserRuns = await scriptRuns(api, 'getUser');
    const page = await api(users('?page=2&limit=2'));
    expect(page.status).toBe(200);
    expect(page.body.totalCount).toBe(SEED_USERS.length + 1);
    expect(page.body.list.map((u: { id: string }) => u.id)).toEqual([sub(3), sub(4)]);
    const last = await api(users('?page=4&limit=2'));
    expect(last.body.list.map((u: { id: string }) => u.id)).toEqual([sub(7)]);
    expect(await scriptRuns(api, 'listUsers')).toBe(listRuns + 2);
    expect(await scriptRuns(api, 'getUser')).toBe(getUserRuns);
  });

  it('searches through searchUser', async () => {
    const runs = await scriptRuns(api, 'searchUser');
    const found = await api(users(`?q=${encodeURIComponent('LOVELACE')}`));
    expect(found.status).toBe(200);
    expect(found.body).toMatchObject({ totalCount: 1, list: [{ id: sub(1), name: 'Ada Lovelace' }] });
    const many = await api(users('?q=example.com&limit=2'));
    expect(many.body.totalCount).toBe(SEED_USERS.length + 1);
    expect(many.body.list).toHaveLength(2);
    expect((await api(users('?q=nobody-like-this'))).body).toEqual({ totalCount: 0, list: [] });
    expect(await scriptRuns(api, 'searchUser')).toBe(runs + 3);
  });

  it('gets, creates and deletes users through the scripts', async () => {
    const got = await api(path(2));
    expect(got.status).toBe(200);
    expect(got.body).toMatchObject({ id: sub(2), username: 'alan_turing', externalId: '2' });
    expect((await api(path(9999))).status).toBe(404);

    const created = await api(users(), {
      method: 'POST',
      body: { email: 'made.by.admin@example.com', name: 'Made By Admin', password: CREATED_PASSWORD },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body).toMatchObject({ id: sub(8), email: 'made.by.admin@example.com' });
    const duplicate = await api(users(), {
      method: 'POST',
      body: { email: 'made.by.admin@example.com', password: CREATED_PASSWORD },
    });
    expect(duplicate.status).toBe(409);
    expect((await login(gh, { email: 'made.by.admin@example.com', password: CREATED_PASSWORD })).status).toBe(
      200,
    );

    const deleted = await api(path(8), { method: 'DELETE' });
    expect(deleted.status).toBe(204);
    expect(await legacy.query('SELECT id FROM users WHERE id = 8')).toEqual([]);
    expect((await api(path(8))).status).toBe(404);
    expect((await api(path(8), { method: 'DELETE' })).status).toBe(404);
    expect((await login(gh, { email: 'made.by.admin@example.com', password: CREATED_PASSWORD })).status).toBe(
      401,
    );
  });

  it('keeps no user and no password in the local store', async () => {
    const pool = await gh.services.pools.get('default');
    const db = gh.services.store.db;
    const local = await db.selectFrom('users').selectAll().where('pool_id', '=', pool!.id).execute();
    expect(local).toEqual([]);
    const payloads = await db.selectFrom('oidc_payloads').selectAll().execute();
    expect(payloads.length).toBeGreaterThan(0);

    const secrets = [
      ...SEED_USERS.map((u) => u.password),
      NEW_PASSWORD,
      REGISTERED_PASSWORD,
      CREATED_PASSWORD,
      RESET_PASSWORD,
    ];
    const tables = await sql<{ table_name: string }>`
      select table_name from information_schema.tables
      where table_schema = 'public' and table_type = 'BASE TABLE'`.execute(db);
    expect(tables.rows.length).toBeGreaterThan(5);
    for (const { table_name } of tables.rows) {
      const rows = await sql`select * from ${sql.table(table_name)}`.execute(db);
      const text = JSON.stringify(rows.rows);
      for (const secret of secrets) {
        expect(text.includes(secret), `${table_name} holds a password`).toBe(false);
      }
    }
    // Nor any legacy bcrypt hash.
    const everything = JSON.stringify(payloads);
    for (const user of SEED_USERS) expect(everything).not.toContain(user.passwordHash);
  });
});
