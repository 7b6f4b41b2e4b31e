/**
 * Lazy migration under concurrency across nodes (DESIGN.md §3, §4 "Scale-out"): two Gatehouse processes
 * on one PostgreSQL store, the `mysql` template against MariaDB (scripts may not reach the platform's
 * own PostgreSQL server, so the legacy database lives elsewhere). Fifty simultaneous first logins of one
 * legacy user, split across both nodes, give fifty successes and one local user.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, mysqlAvailable, postgresAvailable } from '../helpers/services.js';
import { seedUser } from '../templates/fixtures.js';
import { getTemplate } from '../../src/connections/templates/index.js';
import { mysqlLegacy, type LegacyDatabase } from './helpers.js';

const available = (await postgresAvailable()) && (await mysqlAvailable());

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CLI = path.join(ROOT, 'src/cli/main.ts');
const API_KEY = 'gh_concurrency_bootstrap_key_0123456789';
const SECRET_KEY = Buffer.alloc(32, 9).toString('base64');

interface Node {
  child: ChildProcess;
  url: string;
  output: () => string;
}

/** Starts `gatehouse start` and resolves with the URL from its JSON "listening" log line. */
function startNode(env: NodeJS.ProcessEnv): Promise<Node> {
  const child = spawn(process.execPath, ['--import', 'tsx', CLI, 'start'], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  return new Promise<Node>((resolve, reject) => {
    const onExit = (code: number | null) => reject(new Error(`gatehouse exited ${code}:\n${out}`));
    child.once('exit', onExit);
    const deadline = setTimeout(() => {
      clearInterval(timer);
      reject(new Error(`gatehouse did not start:\n${out}`));
    }, 100_000);
    const timer = setInterval(() => {
      const match = /"url":"(http:\/\/[^"]+)"/.exec(out);
      if (match) {
        clearInterval(timer);
        clearTimeout(deadline);
        child.off('exit', onExit);
        resolve({ child, url: match[1]!, output: () => out });
      }
    }, 50);
  });
}

async function stopNode(node: Node | undefined): Promise<void> {
  if (!node || node.child.exitCode !== null || node.child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => node.child.once('exit', () => resolve()));
  node.child.kill('SIGTERM');
  const timer = setTimeout(() => node.child.kill('SIGKILL'), 15_000);
  await exited;
  clearTimeout(timer);
}

async function call(
  node: Node,
  route: string,
  init: { method?: string; body?: unknown; key?: boolean } = {},
): Promise<{ status: number; body: any }> /* eslint-disable-line @typescript-eslint/no-explicit-any */ {
  const headers: Record<string, string> = {};
  if (init.key !== false) headers.authorization = `Bearer ${API_KEY}`;
  if (init.body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(node.url + route, {
    method: init.method ?? 'GET',
    headers,
    ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : null };
}

describe.skipIf(!available)('LAZY_MIGRATION across two Gatehouse processes', () => {
  let store: { url: string; drop: () => Promise<void> };
  let legacy: LegacyDatabase;
  let dataDir: string;
  const nodes: Node[] = [];
  const ada = seedUser(0);

  beforeAll(async () => {
    store = await createTestDatabase('gh_two_nodes');
    legacy = await mysqlLegacy();
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'gh-two-nodes-'));
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      DATABASE_URL: store.url,
      GATEHOUSE_DATA_DIR: dataDir,
      PORT: '0',
      HOST: '127.0.0.1',
      GATEHOUSE_SECRET_KEY: SECRET_KEY,
      GATEHOUSE_BOOTSTRAP_API_KEY: API_KEY,
      GATEHOUSE_ADMIN_PASSWORD: 'admin-password-for-two-nodes',
      GATEHOUSE_RATE_LOGIN_PER_IP: '100000',
      GATEHOUSE_RATE_LOGIN_PER_IDENTIFIER: '100000',
      GATEHOUSE_RATE_REGISTER_PER_IP: '100000',
      LOG_LEVEL: 'info',
    };
    // One after the other: the first start migrates the store and bootstraps the key.
    nodes.push(await startNode(env));
    nodes.push(await startNode(env));

    const [a] = nodes;
    const put = await call(a!, '/api/v1/pools/default/custom-db', {
      method: 'PUT',
      // Fifty bcrypt checks and fifty local hashes on a shared 2-core machine: the calls queue for the
      // CPU, so the per-call timeout is the largest allowed (this test is about idempotence, not speed).
      body: { enabled: true, mode: 'LAZY_MIGRATION', connection: { uri: legacy.url }, timeoutMs: 60_000 },
    });
    expect(put.status, JSON.stringify(put.body)).toBe(200);
    for (const [name, source] of Object.entries(getTemplate('mysql')!.scripts)) {
      const saved = await call(a!, `/api/v1/pools/default/custom-db/scripts/${name}`, {
        method: 'PUT',
        body: { source },
      });
      expect(saved.status, JSON.stringify(saved.body)).toBe(200);
    }
  }, 240_000);

  afterAll(async () => {
    await Promise.all(nodes.map((node) => stopNode(node)));
    await legacy?.close();
    await store?.drop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  }, 60_000);

  it('fifty simultaneous first logins of one legacy user through two nodes: fifty successes, one local user', async () => {
    const [a, b] = nodes as [Node, Node];
    const identifiers = [
      { email: ada.profile.email },
      { username: ada.profile.username! },
      { phone: ada.profile.phone! },
    ];
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        call(i % 2 === 0 ? a : b, '/api/v1/pools/default/auth/login', {
          method: 'POST',
          body: { ...identifiers[i % 3], password: ada.password },
          key: false,
        }),
      ),
    );
    const statuses = results.map((r) => r.status);
    expect(
      statuses.filter((s) => s !== 200),
      JSON.stringify(results.filter((r) => r.status !== 200).map((r) => r.body)),
    ).toEqual([]);
    const ids = new Set(results.map((r) => r.body.user.id));
    expect(ids.size).toBe(1);
    expect(results.every((r) => r.body.user.externalId === '1')).toBe(true);

    const client = new pg.Client({ connectionString: store.url });
    await client.connect();
    try {
      const { rows } = await client.query(
        `select u.id, u.external_id, u.migrated_at, u.password_hash is not null as has_password
           from users u join pools p on p.id = u.pool_id
          where p.slug = 'default'`,
      );
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({ id: [...ids][0], external_id: '1', has_password: true });
      expect(rows[0].migrated_at).toBeInstanceOf(Date);
    } finally {
      await client.end();
    }

    // Both nodes see one migrated user, and later logins on either node stay local.
    const counts = await call(b, '/api/v1/pools/default/custom-db/migration');
    expect(counts.body).toMatchObject({ localUsers: 1, migratedUsers: 1, migratedWithPassword: 1 });
    const runs = async () =>
      (await call(a, '/api/v1/pools/default/custom-db/logs?script=login&debug=false&limit=1')).body
        .totalCount as number;
    const before = await runs();
    expect(before).toBeGreaterThanOrEqual(1);
    expect(before).toBeLessThanOrEqual(50);
    for (const node of [a, b]) {
      const again = await call(node, '/api/v1/pools/default/auth/login', {
        method: 'POST',
        body: { email: ada.profile.email, password: ada.password },
        key: false,
      });
      expect(again.status).toBe(200);
    }
    expect(await runs()).toBe(before);
  }, 180_000);
});
