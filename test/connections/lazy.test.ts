/**
 * LAZY_MIGRATION end to end (DESIGN.md §3): Gatehouse on its embedded store, the `postgres` template
 * against a fresh legacy database on the machine's PostgreSQL holding the sample schema and seed users.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGatehouse, type TestGatehouse } from '../helpers/gatehouse.js';
import { postgresAvailable } from '../helpers/services.js';
import { seedUser } from '../templates/fixtures.js';
import { MASKED_CREDENTIALS_MESSAGE } from '../../src/connections/runner.js';
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

describe.skipIf(!available)('LAZY_MIGRATION × postgres template', () => {
  let gh: TestGatehouse;
  let legacy: LegacyDatabase;
  const api: TestGatehouse['api'] = (path, init) => gh.api(path, init);
  const ada = seedUser(0);
  const alan = seedUser(1);
  const grace = seedUser(2);
  const linus = seedUser(3);
  const margaret = seedUser(4);
  const edsger = seedUser(5);

  beforeAll(async () => {
    legacy = await postgresLegacy();
    gh = await startGatehouse({}, { rateLimits: HIGH_RATE_LIMITS });
  });
  afterAll(async () => {
    await gh?.close();
    await legacy?.close();
  });

  it('fails with the default script message when enabled before the login script is written', async () => {
    await configure(api, { enabled: true, mode: 'LAZY_MIGRATION', connection: { uri: legacy.url } });
    const res = await login(gh, { email: ada.profile.email, password: ada.password });
    expect(res.status).toBe(501);
    expect(res.body.error.message).toBe('Please implement the Login script for this database connection');
    await saveTemplateScripts(api, 'postgres');
  });

  it('migrates seed users on their first login by email, username or phone', async () => {
    const cases: Array<[Record<string, string>, ReturnType<typeof seedUser>, string]> = [
      [{ email: ada.profile.email.toUpperCase(), password: ada.password }, ada, '1'],
      [{ username: alan.profile.username!, password: alan.password }, alan, '2'],
      [{ phone: linus.profile.phone!, password: linus.password }, linus, '4'],
      [{ account: grace.profile.username!, password: grace.password }, grace, '3'],
    ];
    for (const [body, seed, externalId] of cases) {
      const res = await login(gh, body);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(res.body.access_token).toEqual(expect.any(String));
      expect(res.body.user).toMatchObject({
        // Kept as the legacy database holds it (lookups ignore its case).
        email: seed.profile.email,
        username: seed.profile.username,
        name: seed.profile.name,
        externalId,
        migratedAt: expect.any(String),
      });
    }
  });

  it("answers a wrong password with the script's message, or the uniform one when masked", async () => {
    const wrong = await login(gh, { email: edsger.profile.email, password: 'not-his-password' });
    expect(wrong.status).toBe(401);
    expect(wrong.body.error.code).toBe('invalid_credentials');
    // WrongUsernameOrPasswordError() without arguments: the sandbox's genauth message.
    expect(wrong.body.error.message).toBe('Wrong username or password');
    const unknown = await login(gh, { email: 'nobody@example.com', password: 'whatever-1' });
    expect(unknown.status).toBe(401);
    expect(unknown.body.error.message).toBe('User not found');

    const patched = await api('/api/v1/pools/default', {
      method: 'PATCH',
      body: { settings: { maskScriptErrors: true } },
    });
    expect(patched.status).toBe(200);
    for (const body of [
      { email: edsger.profile.email, password: 'not-his-password' },
      { email: 'nobody@example.com', password: 'whatever-1' },
    ]) {
      const masked = await login(gh, body);
      expect(masked.status).toBe(401);
      expect(masked.body.error.message).toBe(MASKED_CREDENTIALS_MESSAGE);
    }
    await api('/api/v1/pools/default', { method: 'PATCH', body: { settings: { maskScriptErrors: false } } });
  });

  it('never calls the script again for a migrated user, even once the legacy row changes or goes', async () => {
    const before = await scriptRuns(api, 'login');
    expect(before).toBeGreaterThan(0);
    await legacy.query('UPDATE users SET password_hash = $1 WHERE id = 1', [edsger.passwordHash]);
    expect((await login(gh, { email: ada.profile.email, password: ada.password })).status).toBe(200);
    await legacy.query('DELETE FROM users WHERE id = 1');
    const again = await login(gh, { username: 'ada', password: ada.password });
    expect(again.status).toBe(200);
    expect(again.body.user).toMatchObject({ externalId: '1' });
    expect(await scriptRuns(api, 'login')).toBe(before);
    // The local copy has its own password now: the legacy one is not accepted.
    const legacyPassword = await login(gh, { email: ada.profile.email, password: edsger.password });
    expect(legacyPassword.status).toBe(401);
    expect(await scriptRuns(api, 'login')).toBe(before);
  });

  it('refuses to register an email the legacy database knows (getUser), and registers new users locally', async () => {
    const getUserRuns = await scriptRuns(api, 'getUser');
    const taken = await gh.api('/api/v1/pools/default/auth/register', {
      method: 'POST',
      body: { email: edsger.profile.email, password: 'a-new-Passw0rd' },
      headers: { authorization: '' },
    });
    expect(taken.status).toBe(409);
    expect(taken.body.error.message.toLowerCase()).toBe('user already exists');
    expect(await scriptRuns(api, 'getUser')).toBe(getUserRuns + 1);
    // A new email does not hide a legacy user's username or phone.
    for (const body of [
      { email: 'someone.else@example.com', username: edsger.profile.username! },
      { email: 'third@example.com', phone: margaret.profile.phone! },
    ]) {
      const res = await gh.api('/api/v1/pools/default/auth/register', {
        method: 'POST',
        body: { ...body, password: 'a-new-Passw0rd' },
        headers: { authorization: '' },
      });
      expect(res.status, JSON.stringify(body)).toBe(409);
    }

    const fresh = await gh.api('/api/v1/pools/default/auth/register', {
      method: 'POST',
      body: { email: 'newcomer@example.com', password: 'a-new-Passw0rd' },
      headers: { authorization: '' },
    });
    expect(fresh.status).toBe(201);
    expect(fresh.body.user).toMatchObject({
      email: 'newcomer@example.com',
      externalId: null,
      migratedAt: null,
    });
    await expect(legacy.countUsers()).resolves.toBe(5);
    const loggedIn = await login(gh, { email: 'newcomer@example.com', password: 'a-new-Passw0rd' });
    expect(loggedIn.status).toBe(200);
  });

  it('resets the password of an unmigrated user: imported through getUser, externalId kept', async () => {
    const email = edsger.profile.email;
    const requested = await gh.api('/api/v1/pools/default/auth/password/reset-request', {
      method: 'POST',
      body: { email },
      headers: { authorization: '' },
    });
    expect(requested.status).toBe(202);
    const outbox = await api('/api/v1/pools/default/outbox');
    expect(outbox.status).toBe(200);
    const mail = outbox.body.list.find((m: { to: string }) => m.to === email);
    expect(mail).toBeDefined();
    const token = /Reset token: (\S+)/.exec(mail.text)![1]!;
    const reset = await gh.api('/api/v1/pools/default/auth/password/reset', {
      method: 'POST',
      body: { token, newPassword: 'Edsger-new-Passw0rd' },
      headers: { authorization: '' },
    });
    expect(reset.status).toBe(204);
    const runs = await scriptRuns(api, 'login');
    const res = await login(gh, { email, password: 'Edsger-new-Passw0rd' });
    expect(res.status).toBe(200);
    expect(res.body.user).toMatchObject({ email, externalId: '6', migratedAt: expect.any(String) });
    expect(await scriptRuns(api, 'login')).toBe(runs);
    // The old legacy password is gone for this user.
    expect((await login(gh, { email, password: edsger.password })).status).toBe(401);
  });

  it('refuses a blocked legacy user (403) and counts the migration', async () => {
    const blocked = await login(gh, { email: margaret.profile.email, password: margaret.password });
    expect(blocked.status).toBe(403);
    expect(blocked.body.error.code).toBe('user_blocked');
    const wrong = await login(gh, { email: margaret.profile.email, password: 'wrong-password' });
    expect(wrong.status).toBe(401);

    const migration = await api('/api/v1/pools/default/custom-db/migration');
    expect(migration.status).toBe(200);
    // ada, alan, linus, grace, edsger and margaret came from the legacy database; newcomer did not.
    expect(migration.body).toMatchObject({
      enabled: true,
      mode: 'LAZY_MIGRATION',
      localUsers: 7,
      migratedUsers: 6,
      migratedWithPassword: 6,
      legacyUsers: 5, // ada's legacy row was deleted above
    });
    expect(migration.body.perDay).toHaveLength(1);
    expect(migration.body.perDay[0].count).toBe(6);
  });

  it('lists migrated users with externalId and migratedAt in the management API', async () => {
    const res = await api('/api/v1/pools/default/users?limit=100');
    expect(res.status).toBe(200);
    expect(res.body.totalCount).toBe(7);
    const byEmail = new Map(res.body.list.map((u: { email: string }) => [u.email, u]));
    for (const [seed, id] of [
      [ada, '1'],
      [alan, '2'],
      [grace, '3'],
      [linus, '4'],
      [margaret, '5'],
      [edsger, '6'],
    ] as const) {
      expect(byEmail.get(seed.profile.email)).toMatchObject({
        externalId: id,
        migratedAt: expect.any(String),
        blocked: seed.profile.blocked,
      });
    }
    expect(byEmail.get('newcomer@example.com')).toMatchObject({ externalId: null, migratedAt: null });
    const one = await api(`/api/v1/pools/default/users?q=${encodeURIComponent('grace')}`);
    expect(one.body.list).toEqual([expect.objectContaining({ externalId: '3' })]);
  });

  it('disabling the connection takes effect at once: unmigrated users fail, migrated users log in', async () => {
    // A seventh legacy user, never logged in.
    await legacy.query(
      "INSERT INTO users (email, username, password_hash, name) VALUES ('late@example.com', 'late', $1, 'Late')",
      [alan.passwordHash],
    );
    await configure(api, { enabled: false });
    const runs = await scriptRuns(api, 'login');
    const unmigrated = await login(gh, { email: 'late@example.com', password: alan.password });
    expect(unmigrated.status).toBe(401);
    const migrated = await login(gh, { email: alan.profile.email, password: alan.password });
    expect(migrated.status).toBe(200);
    expect(await scriptRuns(api, 'login')).toBe(runs);

    await configure(api, { enabled: true });
    const late = await login(gh, { email: 'late@example.com', password: alan.password });
    expect(late.status).toBe(200);
    expect(late.body.user).toMatchObject({ externalId: '7' });
  });
});
