/**
 * Custom database configuration through the management API: secrets write-only and sealed at rest,
 * scripts with history, log history with filters.
 */
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGatehouse, type TestGatehouse } from '../helpers/gatehouse.js';

const DB_PASSWORD = 'Legacy-Db-Pa55word-zq8';
const ENV_SECRET = 'sk_live_env_value_81723';
let gh: TestGatehouse;
let dataDir: string;

beforeAll(async () => {
  // On disk, so the test can look at the store's files for secrets.
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'gh-customdb-'));
  gh = await startGatehouse({ dataDir });
});
afterAll(async () => {
  await gh?.close();
  await rm(dataDir, { recursive: true, force: true });
});

const api = (p: string, init?: Parameters<TestGatehouse['api']>[1]) =>
  gh.api(`/api/v1/pools/default/custom-db${p}`, init);

async function filesContain(dir: string, needle: string): Promise<string[]> {
  const hits: string[] = [];
  for (const entry of await readdir(dir, { recursive: true })) {
    const file = path.join(dir, entry);
    if (!(await stat(file)).isFile()) continue;
    if ((await readFile(file)).includes(needle)) hits.push(entry);
  }
  return hits;
}

describe('custom database configuration', () => {
  it('starts disabled in lazy migration mode with default scripts', async () => {
    const res = await api('');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      enabled: false,
      mode: 'LAZY_MIGRATION',
      dialect: 'genauth',
      connection: null,
      env: {},
    });
    expect(res.body.scripts.login).toEqual({ version: 0, isDefault: true, updatedAt: null });
    const login = await api('/scripts/login');
    expect(login.body.source).toContain('Please implement the Login script for this database connection');
    const del = await api('/scripts/deleteUser');
    expect(del.body.source).toContain(
      'Please implement the Delete Account script for this database connection',
    );
  });

  it('keeps a URI password write-only and sealed at rest', async () => {
    const uri = `postgres://legacy:${DB_PASSWORD}@127.0.0.1:5432/legacy`;
    const res = await api('', {
      method: 'PUT',
      body: { enabled: true, connection: { uri }, env: { API_TOKEN: ENV_SECRET } },
    });
    expect(res.status).toBe(200);
    expect(res.body.connection).toEqual({
      kind: 'uri',
      uri: 'postgres://legacy:****@127.0.0.1:5432/legacy',
      hasCredentials: true,
    });
    expect(res.body.env).toEqual({ API_TOKEN: '****' });
    expect(JSON.stringify(res.body)).not.toContain(DB_PASSWORD);
    expect(JSON.stringify((await api('')).body)).not.toContain(ENV_SECRET);
    const pool = await gh.services.pools.get('default');
    const runtime = await gh.services.connections.runtime(pool);
    expect(runtime?.env).toMatchObject({ DB_CONNECTION_URI: uri, API_TOKEN: ENV_SECRET });
    // Nothing in the store's files shows the secrets in clear (checkpointed so the files are current).
    await gh.services.store.db.executeQuery({
      sql: 'checkpoint',
      parameters: [],
      query: { kind: 'RawNode' },
    } as never);
    expect(await filesContain(dataDir, DB_PASSWORD)).toEqual([]);
    expect(await filesContain(dataDir, ENV_SECRET)).toEqual([]);
  });

  it('keeps the stored password and env values unless replaced', async () => {
    let res = await api('', {
      method: 'PUT',
      body: {
        connection: {
          host: 'db.internal',
          port: 5432,
          username: 'app',
          password: DB_PASSWORD,
          database: 'users',
        },
      },
    });
    expect(res.body.connection).toEqual({
      kind: 'fields',
      host: 'db.internal',
      port: 5432,
      username: 'app',
      database: 'users',
      passwordSet: true,
    });
    res = await api('', {
      method: 'PUT',
      body: { connection: { host: 'db2.internal', username: 'app' }, env: { API_TOKEN: null, REGION: 'eu' } },
    });
    expect(res.status).toBe(200);
    expect(res.body.env).toEqual({ API_TOKEN: '****', REGION: '****' });
    const pool = await gh.services.pools.get('default');
    const runtime = await gh.services.connections.runtime(pool);
    expect(runtime?.env).toEqual({
      DB_HOST: 'db2.internal',
      DB_USERNAME: 'app',
      DB_PASSWORD,
      API_TOKEN: ENV_SECRET,
      REGION: 'eu',
    });
    res = await api('', { method: 'PUT', body: { env: { DB_PASSWORD: 'x' } } });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('reserved_env');
    res = await api('', { method: 'PUT', body: { env: { NEVER_SET: null } } });
    expect(res.body.error.code).toBe('unknown_env');
  });

  it('disables immediately', async () => {
    await api('', { method: 'PUT', body: { enabled: false } });
    const pool = await gh.services.pools.get('default');
    expect(await gh.services.connections.runtime(pool)).toBeNull();
  });

  it('rejects bad configuration with clear errors', async () => {
    for (const body of [
      { mode: 'EAGER' },
      { timeoutMs: 120_000 },
      { egressAllow: ['not a host port'] },
      { connection: { uri: 'x', host: 'y' } },
      { env: { 'bad name': 'x' } },
      { surprise: true },
    ]) {
      const res = await api('', { method: 'PUT', body });
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error.code).toBe('validation_failed');
    }
  });
});

describe('scripts with history', () => {
  const v1 =
    'async function login(query, password, context) {\n  return { id: "1", email: query.email };\n}\n';
  const v2 =
    'async function login(query, password, context) {\n  return { id: "2", email: query.email };\n}\n';

  it('saves versions, shows history, restores an earlier one', async () => {
    expect((await api('/scripts/login', { method: 'PUT', body: { source: v1 } })).body).toMatchObject({
      version: 1,
      isDefault: false,
    });
    expect((await api('/scripts/login', { method: 'PUT', body: { source: v2 } })).body).toMatchObject({
      version: 2,
      source: v2,
    });
    const history = await api('/scripts/login/versions');
    expect(history.body.list.map((v: { version: number }) => v.version)).toEqual([2, 1]);
    expect(history.body.list[0].createdBy).toContain('api-key:bootstrap');
    expect((await api('/scripts/login/versions/1')).body.source).toBe(v1);
    const restored = await api('/scripts/login/versions/1/restore', { method: 'POST' });
    expect(restored.body).toMatchObject({ version: 3, source: v1 });
    expect(restored.body.updatedBy).toContain('restored v1');
    expect((await api('/scripts/login/versions/9')).status).toBe(404);
  });

  it('rejects a syntax error with its line, a missing function, and unknown scripts', async () => {
    const broken = await api('/scripts/getUser', {
      method: 'PUT',
      body: { source: 'async function getUser(query) {\n  return {\n}\n' },
    });
    expect(broken.status).toBe(400);
    expect(broken.body.error.code).toBe('script_syntax_error');
    const wrong = await api('/scripts/getUser', {
      method: 'PUT',
      body: { source: 'async function findUser(q) { return null }' },
    });
    expect(wrong.body.error.code).toBe('script_missing_function');
    const unknown = await api('/scripts/dropEverything', {
      method: 'PUT',
      body: { source: 'function dropEverything() {}' },
    });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe('script_not_found');
  });

  it("hides one pool's connection from another pool's key", async () => {
    await gh.api('/api/v1/pools', { method: 'POST', body: { slug: 'tenant-b' } });
    const key = await gh.api('/api/v1/pools/tenant-b/api-keys', { method: 'POST', body: { name: 'b' } });
    const res = await gh.api('/api/v1/pools/default/custom-db', {
      headers: { authorization: `Bearer ${key.body.key}` },
    });
    expect(res.status).toBe(404);
  });
});

describe('log history', () => {
  it('filters by script, outcome and time and caps retention', async () => {
    const pool = await gh.services.pools.get('default');
    const config = await gh.services.connections.get(pool);
    for (let i = 0; i < 12; i++) {
      await gh.services.connections.log(pool, config.id, {
        script: i % 2 ? 'login' : 'getUser',
        outcome: i % 3 ? 'success' : 'timeout',
        debug: false,
        durationMs: i,
        console: 'x'.repeat(20_000),
      });
    }
    const logins = await api('/logs?script=login&limit=3');
    expect(logins.body.totalCount).toBe(6);
    expect(logins.body.list).toHaveLength(3);
    expect(logins.body.list[0].console.length).toBeLessThanOrEqual(8192);
    expect((await api('/logs?outcome=timeout')).body.totalCount).toBe(4);
    expect(
      (await api(`/logs?since=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`)).body
        .totalCount,
    ).toBe(0);
    await gh.services.connections.prune(pool, 5);
    expect((await api('/logs')).body.totalCount).toBe(5);
    expect((await api('/logs?since=yesterday')).status).toBe(400);
  });
});
