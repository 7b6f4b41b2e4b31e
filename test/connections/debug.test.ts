/**
 * The script debugger and the log history (POST …/custom-db/debug, GET …/custom-db/logs): saved scripts
 * and drafts run with the real env in the sandbox, errors with their line, console output, filters.
 * Gatehouse on its embedded store, the `postgres` template against the machine's PostgreSQL.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGatehouse, type TestGatehouse } from '../helpers/gatehouse.js';
import { postgresAvailable } from '../helpers/services.js';
import { seedUser } from '../templates/fixtures.js';
import {
  configure,
  HIGH_RATE_LIMITS,
  login,
  postgresLegacy,
  saveTemplateScripts,
  type LegacyDatabase,
} from './helpers.js';

const available = await postgresAvailable();

describe.skipIf(!available)('custom database debugger and logs', () => {
  let gh: TestGatehouse;
  let legacy: LegacyDatabase;
  const api: TestGatehouse['api'] = (path, init) => gh.api(path, init);
  const debug = (body: unknown) => api('/api/v1/pools/default/custom-db/debug', { method: 'POST', body });
  const logs = (query = '') => api(`/api/v1/pools/default/custom-db/logs${query}`);
  const ada = seedUser(0);
  let startedAt: string;

  beforeAll(async () => {
    legacy = await postgresLegacy();
    gh = await startGatehouse({}, { rateLimits: HIGH_RATE_LIMITS });
    startedAt = new Date(Date.now() - 1000).toISOString();
    // Disabled: the debugger works before the connection is switched on.
    await configure(api, { enabled: false, mode: 'LAZY_MIGRATION', connection: { uri: legacy.url } });
    await saveTemplateScripts(api, 'postgres');
  });
  afterAll(async () => {
    await gh?.close();
    await legacy?.close();
  });

  it('runs the saved login script with a sample user', async () => {
    const res = await debug({ script: 'login', args: [{ email: ada.profile.email }, ada.password] });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      ok: true,
      result: { id: '1', email: ada.profile.email, username: 'ada', emailVerified: true, blocked: false },
      logs: [],
    });
    expect(res.body.durationMs).toEqual(expect.any(Number));
    expect(res.body.result).not.toHaveProperty('password_hash');

    const wrong = await debug({ script: 'login', args: [{ email: ada.profile.email }, 'wrong'] });
    expect(wrong.body).toMatchObject({
      ok: false,
      error: { kind: 'wrong_credentials', message: 'Wrong username or password' },
    });
    const getUser = await debug({ script: 'getUser', args: [{ id: '2' }] });
    expect(getUser.body).toMatchObject({ ok: true, result: { id: '2', username: 'alan_turing' } });
    const list = await debug({ script: 'listUsers', args: [2, 2] });
    expect(list.body.result.totalCount).toBe(6);
    expect(list.body.result.list.map((u: { id: string }) => u.id)).toEqual(['3', '4']);
  });

  it('runs a draft: the error carries its line in the draft, console output comes back', async () => {
    const source = [
      'async function login(query, password, context) {',
      "  console.log('looking up', query.email);",
      "  console.warn('pool', context.userPoolName, 'uri set:', Boolean(env.DB_CONNECTION_URI));",
      '  const user = { id: 1 };',
      "  throw new Error('draft failure for ' + query.email);",
      '}',
    ].join('\n');
    const res = await debug({ script: 'login', args: [{ email: 'x@example.com' }, 'pw'], source });
    expect(res.status).toBe(200);
    expect(res.body.ok).toBe(false);
    expect(res.body.error).toMatchObject({
      kind: 'script_error',
      message: 'draft failure for x@example.com',
      line: 5,
    });
    expect(res.body.logs).toEqual([
      { level: 'log', message: 'looking up x@example.com' },
      { level: 'warn', message: 'pool Default uri set: true' },
    ]);
    // A draft does not replace the saved script.
    const saved = await api('/api/v1/pools/default/custom-db/scripts/login');
    expect(saved.body.source).not.toContain('draft failure');

    const typo = await debug({
      script: 'getUser',
      args: [{ id: '1' }],
      source: 'async function getUser(query) {\n  const a = 1;\n\n  return notDefined.value;\n}\n',
    });
    expect(typo.body.ok).toBe(false);
    expect(typo.body.error.line).toBe(4);
    expect(typo.body.error.message).toContain('notDefined');
  });

  it('records debug runs and real runs in the log history, with filters', async () => {
    const debugRuns = await logs('?debug=true&limit=100');
    expect(debugRuns.status).toBe(200);
    expect(debugRuns.body.totalCount).toBe(6);
    expect(debugRuns.body.list.every((l: { debug: boolean }) => l.debug)).toBe(true);
    const draft = debugRuns.body.list.find((l: { message: string | null }) =>
      l.message?.startsWith('draft failure'),
    );
    expect(draft).toMatchObject({
      script: 'login',
      outcome: 'script_error',
      console: '[log] looking up x@example.com\n[warn] pool Default uri set: true',
      createdAt: expect.any(String),
    });

    // A real login run (connection enabled) is recorded with debug=false.
    await configure(api, { enabled: true });
    expect((await login(gh, { email: ada.profile.email, password: ada.password })).status).toBe(200);
    const real = await logs('?debug=false');
    expect(real.body.totalCount).toBe(1);
    expect(real.body.list[0]).toMatchObject({
      script: 'login',
      outcome: 'success',
      debug: false,
      message: null,
    });

    const logins = await logs('?script=login&limit=100');
    expect(logins.body.totalCount).toBe(4);
    expect(logins.body.list.every((l: { script: string }) => l.script === 'login')).toBe(true);
    const failed = await logs('?script=login&outcome=wrong_credentials');
    expect(failed.body.totalCount).toBe(1);
    const successes = await logs('?outcome=success&limit=100');
    expect(successes.body.totalCount).toBe(4);

    // Newest first, paged.
    const all = await logs('?limit=100');
    expect(all.body.totalCount).toBe(7);
    const ids = all.body.list.map((l: { id: string }) => Number(l.id));
    expect(ids).toEqual([...ids].sort((a, b) => b - a));
    const page2 = await logs('?limit=3&page=2');
    expect(page2.body.list.map((l: { id: string }) => l.id)).toEqual(
      all.body.list.slice(3, 6).map((l: { id: string }) => l.id),
    );

    // Time windows.
    const future = new Date(Date.now() + 60_000).toISOString();
    expect((await logs(`?since=${encodeURIComponent(startedAt)}`)).body.totalCount).toBe(7);
    expect((await logs(`?since=${encodeURIComponent(future)}`)).body.totalCount).toBe(0);
    expect((await logs(`?until=${encodeURIComponent(startedAt)}`)).body.totalCount).toBe(0);
    expect((await logs(`?until=${encodeURIComponent(future)}`)).body.totalCount).toBe(7);
    const newest = all.body.list[0].createdAt as string;
    const sinceNewest = await logs(`?since=${encodeURIComponent(newest)}`);
    expect(sinceNewest.body.list.map((l: { id: string }) => l.id)).toContain(all.body.list[0].id);
    expect((await logs('?since=yesterday')).status).toBe(400);
  });

  it('gives real runs the request context without the password, and records their console', async () => {
    const template = (await api('/api/v1/pools/default/custom-db/scripts/login')).body.source as string;
    const res = await api('/api/v1/pools/default/custom-db/scripts/login', {
      method: 'PUT',
      body: {
        source: [
          'async function login(query, password, context) {',
          '  console.log(JSON.stringify(context));',
          "  return { id: 'ctx-1', email: query.email };",
          '}',
        ].join('\n'),
      },
    });
    expect(res.status).toBe(200);
    const secret = 'Context-Secret-Passw0rd';
    expect((await login(gh, { email: 'context@example.com', password: secret })).status).toBe(200);
    const [run] = (await logs('?script=login&debug=false&limit=1')).body.list;
    expect(run.console).toMatch(/^\[log\] /);
    const context = JSON.parse(run.console.slice('[log] '.length));
    expect(context).toMatchObject({
      userPoolId: expect.any(String),
      userPoolName: 'Default',
      request: { ip: '127.0.0.1', body: { email: 'context@example.com' } },
    });
    expect(run.console).not.toContain(secret);
    expect(run.console).not.toContain('password');
    await api('/api/v1/pools/default/custom-db/scripts/login', { method: 'PUT', body: { source: template } });
  });

  it('answers 404 for an unknown script and 400 for a bad body', async () => {
    const unknown = await debug({ script: 'dropEverything', args: [] });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe('script_not_found');
    for (const body of [
      {},
      { script: 'login' },
      { script: 'login', args: 'not-an-array' },
      { script: 'login', args: [], extra: true },
      { script: '', args: [] },
    ]) {
      const res = await debug(body);
      expect(res.status, JSON.stringify(body)).toBe(400);
    }
    const notJson = await api('/api/v1/pools/default/custom-db/debug', { method: 'POST', body: '{oops' });
    expect(notJson.status).toBe(400);
    // Nothing of these was run or recorded.
    expect((await logs('?debug=true')).body.totalCount).toBe(6);
  });
});
