/**
 * Failures of a custom database connection (DESIGN.md §3 "Errors"): an unreachable database, a script
 * that hangs or crashes its process, invalid profiles; and legacy values normalised. Gatehouse on its
 * embedded store, the `postgres` template against a fresh legacy database on the machine's PostgreSQL.
 */
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getTemplate } from '../../src/connections/templates/index.js';
import { startGatehouse, type TestGatehouse } from '../helpers/gatehouse.js';
import { postgresAvailable } from '../helpers/services.js';
import { seedUser } from '../templates/fixtures.js';
import {
  configure,
  HIGH_RATE_LIMITS,
  login,
  postgresLegacy,
  saveScript,
  saveTemplateScripts,
  scriptRuns,
  type LegacyDatabase,
} from './helpers.js';

const available = await postgresAvailable();

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe.skipIf(!available)('custom database errors', () => {
  let gh: TestGatehouse;
  let legacy: LegacyDatabase;
  const api: TestGatehouse['api'] = (path, init) => gh.api(path, init);
  const templateLogin = getTemplate('postgres')!.scripts.login;
  const ada = seedUser(0);
  const alan = seedUser(1);
  const grace = seedUser(2);
  const linus = seedUser(3);

  const localUsers = async () => {
    const pool = await gh.services.pools.get('default');
    const row = await gh.services.store.db
      .selectFrom('users')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('pool_id', '=', pool!.id)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  };

  beforeAll(async () => {
    legacy = await postgresLegacy();
    gh = await startGatehouse({}, { rateLimits: HIGH_RATE_LIMITS });
    await configure(api, { enabled: true, mode: 'LAZY_MIGRATION', connection: { uri: legacy.url } });
    await saveTemplateScripts(api, 'postgres');
    expect((await login(gh, { email: ada.profile.email, password: ada.password })).status).toBe(200);
  });
  afterAll(async () => {
    await gh?.close();
    await legacy?.close();
  });

  it('an unreachable legacy database is 503 custom_db_unavailable; nothing is created or disabled', async () => {
    const before = await localUsers();
    await configure(api, { connection: { uri: `postgres://postgres@127.0.0.1:${await closedPort()}/gone` } });

    const res = await login(gh, { email: alan.profile.email, password: alan.password });
    expect(res.status).toBe(503);
    expect(res.body.error.code).toBe('custom_db_unavailable');
    // A wrong password cannot be told from a right one without the database: still 503, never 401.
    const wrong = await login(gh, { email: alan.profile.email, password: 'wrong' });
    expect(wrong.status).toBe(503);
    const register = await gh.api('/api/v1/pools/default/auth/register', {
      method: 'POST',
      body: { email: 'someone.new@example.com', password: 'Some-new-passw0rd' },
      headers: { authorization: '' },
    });
    expect(register.status).toBe(503);
    expect(register.body.error.code).toBe('custom_db_unavailable');
    expect(await localUsers()).toBe(before);

    // Migrated users do not need the legacy database.
    expect((await login(gh, { email: ada.profile.email, password: ada.password })).status).toBe(200);

    const config = await api('/api/v1/pools/default/custom-db');
    expect(config.body.enabled).toBe(true);
    const failures = await api('/api/v1/pools/default/custom-db/logs?script=login&outcome=script_error');
    expect(failures.body.totalCount).toBeGreaterThanOrEqual(2);

    // The database is back: the same user logs in at once, nothing was cached from the failure.
    await configure(api, { connection: { uri: legacy.url } });
    const back = await login(gh, { email: alan.profile.email, password: alan.password });
    expect(back.status).toBe(200);
    expect(back.body.user.externalId).toBe('2');
    expect(await localUsers()).toBe(before + 1);
  });

  it('a login script that hangs past timeoutMs is 503, and the next login works', async () => {
    await configure(api, { timeoutMs: 500 });
    await saveScript(
      api,
      'login',
      'async function login(query, password) {\n  await new Promise(() => {});\n}\n',
    );
    const pending = await login(gh, { email: grace.profile.email, password: grace.password });
    expect(pending.status).toBe(503);
    expect(pending.body.error.code).toBe('custom_db_unavailable');

    await saveScript(api, 'login', 'async function login(query, password) {\n  for (;;) {}\n}\n');
    const busy = await login(gh, { email: grace.profile.email, password: grace.password });
    expect(busy.status).toBe(503);
    expect(busy.body.error.code).toBe('custom_db_unavailable');
    const timeouts = await api('/api/v1/pools/default/custom-db/logs?script=login&outcome=timeout');
    expect(timeouts.body.totalCount).toBe(2);

    await configure(api, { timeoutMs: 10_000 });
    await saveScript(api, 'login', templateLogin);
    const ok = await login(gh, { email: grace.profile.email, password: grace.password });
    expect(ok.status).toBe(200);
  });

  it('a script that kills its process (heap exhaustion) is 503, and the next login works', async () => {
    const before = await localUsers();
    await saveScript(
      api,
      'login',
      'async function login(query, password) {\n  const hoard = [];\n  for (;;) hoard.push(new Array(1e6).fill(query));\n}\n',
    );
    const res = await login(gh, { email: linus.profile.email, password: linus.password });
    expect(res.status).toBe(503);
    expect(res.body.error.code).toBe('custom_db_unavailable');
    expect(await localUsers()).toBe(before);

    await saveScript(api, 'login', templateLogin);
    const ok = await login(gh, { email: linus.profile.email, password: linus.password });
    expect(ok.status).toBe(200);
    expect(ok.body.user.externalId).toBe('4');
  });

  it('a profile without id is 500 custom_db_invalid_profile naming the problem', async () => {
    const before = await localUsers();
    await saveScript(
      api,
      'login',
      'async function login(query, password) {\n  return { email: query.email, name: "No Id" };\n}\n',
    );
    const res = await login(gh, { email: 'noid@example.com', password: 'whatever-1' });
    expect(res.status).toBe(500);
    expect(res.body.error.code).toBe('custom_db_invalid_profile');
    expect(res.body.error.message).toBe(
      'The login script returned an invalid profile: The returned profile has no "id"',
    );
    expect(await localUsers()).toBe(before);
  });

  it('wrong types and unknown fields are clear errors', async () => {
    const before = await localUsers();
    const cases: Array<[string, string]> = [
      [
        '{ id: { nested: 1 }, email: query.email }',
        'Profile field "id" must be a string or a number, got object',
      ],
      [
        '{ id: 9, email: query.email, emailVerified: "maybe" }',
        'Profile field "emailVerified" must be a boolean, got string "maybe"',
      ],
      ['{ id: 9, email: query.email, birthdate: "not a date" }', 'Profile field "birthdate" must be a date'],
      [
        '{ id: 9, email: query.email, loginsCount: -3 }',
        'Profile field "loginsCount" must be a non-negative integer',
      ],
      ['{ id: 9, email: query.email, gender: "X" }', 'Profile field "gender" must be M, F or U'],
      [
        '{ id: 9, email: query.email, customData: [1, 2] }',
        'Profile field "customData" must be an object, got an array',
      ],
      ['{ id: 9, email: query.email, password_hash: "$2b$10$x" }', 'must not carry "password_hash"'],
      ['{ id: 9, email: query.email, email_verified: true }', 'Unknown profile field "email_verified"'],
      ['"just a string"', 'The script must return a profile object'],
    ];
    for (const [profile, message] of cases) {
      await saveScript(api, 'login', `async function login(query, password) {\n  return ${profile};\n}\n`);
      const res = await login(gh, { email: 'typed@example.com', password: 'whatever-1' });
      expect(res.status, profile).toBe(500);
      expect(res.body.error.code).toBe('custom_db_invalid_profile');
      expect(res.body.error.message).toContain('The login script returned an invalid profile');
      expect(res.body.error.message).toContain(message);
    }
    expect(await localUsers()).toBe(before);
  });

  it('normalises legacy values: numeric ids, nulls, t/f, 0/1, numbers for strings, Date objects', async () => {
    await saveScript(
      api,
      'login',
      `async function login(query, password) {
  if (password !== 'legacy-pass-1') throw new WrongUsernameOrPasswordError('Bad legacy password');
  return {
    id: 42,
    email: query.email,
    username: null,
    phone: '+1 (415) 555-0142',
    emailVerified: 't',
    phoneVerified: 0,
    blocked: 'f',
    nickname: null,
    name: 'Forty Two',
    postalCode: 94107,
    birthdate: new Date('1990-05-17T00:00:00Z'),
    createdAt: new Date('2015-01-02T03:04:05Z'),
    lastLogin: 1700000000,
    loginsCount: '17',
    gender: 'female',
  };
}
`,
    );
    const wrong = await login(gh, { email: 'legacy42@example.com', password: 'nope' });
    expect(wrong.status).toBe(401);
    expect(wrong.body.error.message).toBe('Bad legacy password');

    const res = await login(gh, { email: 'legacy42@example.com', password: 'legacy-pass-1' });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.user).toMatchObject({
      externalId: '42',
      email: 'legacy42@example.com',
      username: null,
      phone: '+14155550142',
      emailVerified: true,
      phoneVerified: false,
      blocked: false,
      nickname: null,
      name: 'Forty Two',
      postalCode: '94107',
      birthdate: '1990-05-17',
      createdAt: '2015-01-02T03:04:05.000Z',
      gender: 'F',
    });
    const stored = await api(`/api/v1/pools/default/users/${res.body.user.id}`);
    expect(stored.body).toMatchObject({ externalId: '42', emailVerified: true, birthdate: '1990-05-17' });

    // The debugger shows the same values as the sandbox returns them (Dates as ISO strings).
    const debug = await api('/api/v1/pools/default/custom-db/debug', {
      method: 'POST',
      body: { script: 'login', args: [{ email: 'x@example.com' }, 'legacy-pass-1'] },
    });
    expect(debug.body.ok).toBe(true);
    expect(debug.body.result).toMatchObject({
      id: 42,
      emailVerified: 't',
      createdAt: '2015-01-02T03:04:05.000Z',
    });
  });

  it('a getUser that throws UserNotFoundError instead of returning null means "not found"', async () => {
    await saveScript(
      api,
      'getUser',
      'async function getUser(query) {\n  throw new UserNotFoundError();\n}\n',
    );
    const res = await gh.api('/api/v1/pools/default/auth/register', {
      method: 'POST',
      body: { email: 'not.found.newcomer@example.com', password: 'Some-new-passw0rd' },
      headers: { authorization: '' },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    await saveScript(api, 'getUser', getTemplate('postgres')!.scripts.getUser);
  });

  it('an unreachable web service (fetch failed) is 503 too, not a script bug or a wrong password', async () => {
    const before = await localUsers();
    const http = getTemplate('http')!.scripts;
    await configure(api, {
      env: { API_BASE_URL: `http://127.0.0.1:${await closedPort()}`, API_KEY: 'unused' },
    });
    await saveScript(api, 'login', http.login);
    await saveScript(api, 'getUser', http.getUser);
    const res = await login(gh, { email: 'someone@example.com', password: 'whatever-1' });
    expect(res.status).toBe(503);
    expect(res.body.error.code).toBe('custom_db_unavailable');
    const register = await gh.api('/api/v1/pools/default/auth/register', {
      method: 'POST',
      body: { email: 'web.new@example.com', password: 'Some-new-passw0rd' },
      headers: { authorization: '' },
    });
    expect(register.status).toBe(503);
    expect(await localUsers()).toBe(before);
    expect((await login(gh, { email: ada.profile.email, password: ada.password })).status).toBe(200);
    await saveScript(api, 'login', templateLogin);
    await saveScript(api, 'getUser', getTemplate('postgres')!.scripts.getUser);
  });

  it('keeps unknown legacy fields in customData when the connection allows it', async () => {
    await configure(api, { unknownFields: 'customData' });
    await saveScript(
      api,
      'login',
      `async function login(query, password) {
  return { id: '77', email: query.email, legacy_plan: 'gold', customData: { tier: 2 } };
}
`,
    );
    const res = await login(gh, { email: 'custom77@example.com', password: 'whatever-1' });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.user.customData).toEqual({ legacy_plan: 'gold', tier: 2 });
    await configure(api, { unknownFields: 'reject' });
    // Nothing was disabled by all these failures; the template login still runs.
    expect(await scriptRuns(api, 'login')).toBeGreaterThan(10);
  });
});
