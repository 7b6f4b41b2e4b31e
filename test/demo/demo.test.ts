/**
 * `npm run demo` / `gatehouse demo`: Gatehouse on the embedded store next to the sample legacy database
 * (PGlite on a loopback port), the `default` pool connected to it in LAZY_MIGRATION with the postgres
 * template. A newcomer's first steps must work: a legacy user logs in with the legacy password and shows
 * up migrated in the management API. Restarting on the same data folder duplicates nothing.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemo, demoInstructions, SEED_USERS, type Demo } from '../../src/demo/index.js';
import { getTemplate, SCRIPT_NAMES } from '../../src/connections/templates/index.js';
import { createSandbox } from '../../src/sandbox/index.js';

let dataDir: string;
let demo: Demo | undefined;

const start = () =>
  startDemo({
    env: {},
    config: { port: 0, host: '127.0.0.1', logLevel: process.env.TEST_LOG_LEVEL || 'silent', dataDir },
  });

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

async function call(
  path: string,
  init: { method?: string; body?: unknown; key?: string | null } = {},
): Promise<{ status: number; body: Json }> {
  const headers: Record<string, string> = {};
  if (init.key !== null) headers.authorization = `Bearer ${init.key ?? demo!.apiKey}`;
  if (init.body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(demo!.url + path, {
    method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
    headers,
    ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : null };
}

const login = (body: Record<string, string>) => call('/api/v1/pools/default/auth/login', { body, key: null });

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'gh-demo-'));
  demo = await start();
});
afterAll(async () => {
  await demo?.close();
  await rm(dataDir, { recursive: true, force: true });
});

// Two embedded databases start from an empty folder: seconds on a busy 2-core machine.
describe('the demo', { timeout: 240_000 }, () => {
  it('serves a seeded sample legacy database to the real pg driver', async () => {
    expect(demo!.legacyDb).toMatchObject({ host: '127.0.0.1', seeded: true, userCount: 6 });
    expect(demo!.legacyDb.uri).toBe(`postgres://postgres@127.0.0.1:${demo!.legacyDb.port}/postgres`);
    const client = new pg.Client({ connectionString: demo!.legacyDb.uri });
    await client.connect();
    try {
      const { rows } = await client.query('SELECT id, email FROM users ORDER BY id');
      expect(rows.map((r) => r.email)).toEqual(SEED_USERS.map((u) => u.email));
    } finally {
      await client.end();
    }
  });

  it('connects the default pool: LAZY_MIGRATION, genauth, the URI, its egress allowance, eight scripts', async () => {
    const { status, body } = await call('/api/v1/pools/default/custom-db');
    expect(status).toBe(200);
    expect(body).toMatchObject({
      enabled: true,
      mode: 'LAZY_MIGRATION',
      dialect: 'genauth',
      connection: { kind: 'uri', uri: demo!.legacyDb.uri },
      egressAllow: [`127.0.0.1:${demo!.legacyDb.port}`],
    });
    const template = getTemplate('postgres')!;
    for (const name of SCRIPT_NAMES) {
      expect(body.scripts[name]).toMatchObject({ version: 1, isDefault: false });
      const script = await call(`/api/v1/pools/default/custom-db/scripts/${name}`);
      expect(script.body.source).toBe(template.scripts[name]);
      expect(script.body.updatedBy).toBe('gatehouse demo');
    }
    expect(demo!.configuration).toEqual({
      firstConfiguration: true,
      scriptsSaved: [...SCRIPT_NAMES],
      enabled: true,
      mode: 'LAZY_MIGRATION',
    });
  });

  it('answers concurrent template logins through the sandbox (connect/end per call over pooled connections)', async () => {
    // The template opens and ends a client on every call; the sandbox pools the connections per
    // config (up to 10 per child), which pglite-socket must all admit at once.
    const sandbox = createSandbox();
    try {
      const source = getTemplate('postgres')!.scripts.login;
      const runs = await Promise.all(
        Array.from({ length: 16 }, (_, i) => {
          const user = SEED_USERS[i % 4]!;
          return sandbox.run({
            poolId: 'demo-test',
            source,
            dialect: 'genauth',
            env: { DB_CONNECTION_URI: demo!.legacyDb.uri },
            fn: 'login',
            args: [{ email: user.email }, i % 8 === 7 ? 'wrong password' : user.password],
            context: {},
            egress: { strict: true, allow: [`127.0.0.1:${demo!.legacyDb.port}`] },
          });
        }),
      );
      const outcomes = runs.map((r) => (r.ok ? `ok:${(r.value as { id: string }).id}` : r.error.kind));
      expect(outcomes).toEqual(
        Array.from({ length: 16 }, (_, i) =>
          i % 8 === 7 ? 'wrong_credentials' : `ok:${SEED_USERS[i % 4]!.id}`,
        ),
      );
    } finally {
      await sandbox.close();
    }
  });

  it('logs a legacy user in with the legacy password, then shows them migrated', async () => {
    const ada = SEED_USERS[0];
    const first = await login({ email: ada.email, password: ada.password });
    // The whole answer in the assertion, so a failure shows the error the server gave.
    expect(first).toMatchObject({
      status: 200,
      body: {
        access_token: expect.any(String),
        user: { email: ada.email, username: ada.username, externalId: '1' },
      },
    });

    const found = await call(`/api/v1/pools/default/users?q=${encodeURIComponent(ada.email)}`);
    expect(found.status).toBe(200);
    expect(found.body.totalCount).toBe(1);
    const [user] = found.body.list;
    expect(user).toMatchObject({ email: ada.email, externalId: '1', name: 'Ada Lovelace' });
    expect(Date.parse(user.migratedAt)).not.toBeNaN();

    const progress = await call('/api/v1/pools/default/custom-db/migration');
    expect(progress.body).toMatchObject({
      mode: 'LAZY_MIGRATION',
      migratedUsers: 1,
      legacyUsers: 6,
      remaining: 5,
    });

    // The next login is local: same user, the script is not called again.
    const logged = await call('/api/v1/pools/default/custom-db/logs?script=login');
    const second = await login({ account: ada.username, password: ada.password });
    expect(second.status).toBe(200);
    expect(second.body.user.id).toBe(user.id);
    const after = await call('/api/v1/pools/default/custom-db/logs?script=login');
    expect(after.body.totalCount).toBe(logged.body.totalCount);
  });

  it('keeps legacy outcomes: a wrong password is 401, a disabled legacy user 403', async () => {
    const alan = SEED_USERS[1];
    const wrong = await login({ email: alan.email, password: 'not-his-password' });
    expect(wrong.status).toBe(401);
    const margaret = SEED_USERS[4];
    const blocked = await login({ email: margaret.email, password: margaret.password });
    expect(blocked).toMatchObject({ status: 403, body: { error: { code: 'user_blocked' } } });
  });

  it('lets a few legacy users log in at once', async () => {
    const users = [SEED_USERS[1], SEED_USERS[2], SEED_USERS[3], SEED_USERS[5]];
    const results = await Promise.all(users.map((u) => login({ email: u.email, password: u.password })));
    expect(results.map((r) => r.status)).toEqual([200, 200, 200, 200]);
  });

  it('prints what to try with the real URLs and key', () => {
    const text = demoInstructions(demo!);
    for (const part of [
      demo!.legacyDb.uri,
      demo!.apiKey,
      `${demo!.baseUrl}/api/v1/pools/default/auth/login`,
      `${demo!.baseUrl}/oidc/default/.well-known/openid-configuration`,
      `${demo!.baseUrl}/docs`,
      SEED_USERS[0].password,
    ]) {
      expect(text).toContain(part);
    }
  });

  it('restarts on the same folder without duplicating anything', async () => {
    const before = demo!;
    await before.close();
    demo = undefined;
    demo = await start();
    expect(demo.apiKey).toBe(before.apiKey);
    expect(demo.adminPassword).toBe(before.adminPassword);
    expect(demo.legacyDb).toMatchObject({ seeded: false, userCount: 6 });
    expect(demo.configuration).toEqual({
      firstConfiguration: false,
      scriptsSaved: [],
      enabled: true,
      mode: 'LAZY_MIGRATION',
    });
    const { body } = await call('/api/v1/pools/default/custom-db');
    expect(body).toMatchObject({
      enabled: true,
      mode: 'LAZY_MIGRATION',
      connection: { uri: demo.legacyDb.uri },
      egressAllow: [`127.0.0.1:${demo.legacyDb.port}`],
    });
    for (const name of SCRIPT_NAMES) expect(body.scripts[name].version).toBe(1);
    const versions = await call('/api/v1/pools/default/custom-db/scripts/login/versions');
    expect(versions.body.totalCount).toBe(1);
    // Legacy rows are kept, not seeded twice.
    const client = new pg.Client({ connectionString: demo.legacyDb.uri });
    await client.connect();
    try {
      const { rows } = await client.query('SELECT count(*)::int AS n FROM users');
      expect(rows[0].n).toBe(6);
    } finally {
      await client.end();
    }
  });
});

describe('gatehouse demo (the command)', { timeout: 240_000 }, () => {
  let cliDir: string;
  beforeAll(async () => {
    cliDir = await mkdtemp(path.join(os.tmpdir(), 'gh-demo-cli-'));
  });
  afterAll(async () => {
    await rm(cliDir, { recursive: true, force: true });
  });

  it('prints what to try, serves, and stops cleanly on SIGINT', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.resolve('src/cli/main.ts'), 'demo'], {
      env: { ...process.env, GATEHOUSE_DATA_DIR: cliDir, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    try {
      const url = await new Promise<string>((resolve, reject) => {
        void exited.then((code) => reject(new Error(`exited ${code}: ${out}`)));
        setTimeout(() => reject(new Error(`no instructions yet: ${out}`)), 200_000).unref();
        const timer = setInterval(() => {
          const match = /Gatehouse demo is running on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
          if (match && out.includes('Ctrl-C stops the demo')) {
            clearInterval(timer);
            resolve(match[1]!);
          }
        }, 50);
      });
      expect(out).toMatch(/6 users in table "users" \(seeded now\)/);
      expect(out).toContain(`curl -s ${url}/api/v1/pools/default/auth/login`);
      const discovery = await fetch(`${url}/oidc/default/.well-known/openid-configuration`);
      expect(discovery.status).toBe(200);
      expect((await discovery.json()).issuer).toBe(`${url}/oidc/default`);
      child.kill('SIGINT');
      expect(await exited).toBe(0);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });
});
