/**
 * Process management and isolation: flags, uids, OS limits, scrubbed env, respawn, idle eviction,
 * caps, concurrency inside one child, compiled-script cache, egress allowlist and strict mode.
 */
import { readFileSync, readdirSync } from 'node:fs';
import os from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSandbox, type Sandbox, type SandboxOptions } from '../../src/sandbox/index.js';
import { NOOP, auth0, genauth } from './helpers.js';

const sandboxes: Sandbox[] = [];
function make(options: SandboxOptions = {}): Sandbox {
  const sandbox = createSandbox(options);
  sandboxes.push(sandbox);
  return sandbox;
}
afterAll(async () => {
  await Promise.all(sandboxes.map((s) => s.close()));
});

function childOf(sandbox: Sandbox, poolId: string) {
  return sandbox.stats().children.filter((c) => c.poolId === poolId);
}

async function eventually(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if (check()) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`gave up waiting for: ${what}`);
}

const SLEEPY = `async function login(query) {
  globalThis.active = (globalThis.active ?? 0) + 1;
  globalThis.peak = Math.max(globalThis.peak ?? 0, globalThis.active);
  await new Promise((resolve) => setTimeout(resolve, query.ms ?? 100));
  globalThis.active--;
  return { id: '1', peak: globalThis.peak };
}`;

describe('sandbox processes', () => {
  let sandbox: Sandbox;
  beforeAll(() => {
    process.env.GATEHOUSE_TEST_LIFECYCLE_SECRET = 'do-not-leak';
    sandbox = make();
  });

  it('starts one child per pool with the security flags, OS limits, a scrubbed env and its own uid', async () => {
    expect(await sandbox.run(genauth('iso-a', NOOP))).toMatchObject({ ok: true });
    expect(await sandbox.run(genauth('iso-b', NOOP))).toMatchObject({ ok: true });
    const [a] = childOf(sandbox, 'iso-a');
    const [b] = childOf(sandbox, 'iso-b');
    expect(a!.pid).not.toBe(b!.pid);
    const cmdline = readFileSync(`/proc/${a!.pid}/cmdline`, 'utf8').split('\0');
    const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
    const permission =
      major > 23 || (major === 23 && minor >= 5) ? '--permission' : '--experimental-permission';
    expect(cmdline).toEqual(
      expect.arrayContaining([
        permission,
        '--disallow-code-generation-from-strings',
        '--disable-proto=throw',
        '--max-old-space-size=128',
        '--allow-addons',
      ]),
    );
    expect(cmdline.some((arg) => arg.startsWith('--allow-fs-read=') && arg.endsWith('node_modules/'))).toBe(
      true,
    );
    expect(cmdline.some((arg) => arg.startsWith('--allow-fs-write'))).toBe(false);
    const limits = readFileSync(`/proc/${a!.pid}/limits`, 'utf8');
    expect(limits).toMatch(/Max address space\s+17179869184/);
    expect(limits).toMatch(/Max open files\s+1024/);
    expect(limits).toMatch(/Max core file size\s+0/);
    const environ = readFileSync(`/proc/${a!.pid}/environ`, 'utf8').split('\0').filter(Boolean);
    expect(environ.join('\n')).not.toContain('do-not-leak');
    expect(environ.map((e) => e.split('=')[0]).sort()).toEqual(
      ['HOME', 'LANG', 'NODE_ENV', ...(process.env.TZ ? ['TZ'] : [])].sort(),
    );
    // Under root (and with the sandbox's files readable by others) each pool has its own uid.
    if (a!.uid !== null) {
      const uidOf = (pid: number) =>
        Number(/^Uid:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]);
      expect(uidOf(a!.pid)).toBe(a!.uid);
      expect(uidOf(a!.pid)).toBeGreaterThanOrEqual(200_000);
      expect(uidOf(a!.pid)).not.toBe(uidOf(b!.pid));
      expect(limits).toMatch(/Max processes\s+64/);
    }
  });

  it('respawns a pool child after it was killed', async () => {
    expect(await sandbox.run(genauth('respawn', NOOP))).toMatchObject({ ok: true });
    const before = childOf(sandbox, 'respawn')[0]!.pid;
    const killed = await sandbox.run({
      ...genauth('respawn', 'async function login() { for (;;) {} }'),
      timeoutMs: 300,
    });
    expect(killed).toMatchObject({ ok: false, error: { kind: 'timeout' } });
    // The stuck child cannot answer the liveness ping, so it is killed; new calls go to a fresh child.
    expect(await sandbox.run(genauth('respawn', NOOP))).toMatchObject({ ok: true });
    await eventually(
      () => childOf(sandbox, 'respawn').every((c) => c.pid !== before),
      'the stuck child to go',
    );
    expect(childOf(sandbox, 'respawn')).toHaveLength(1);
  });

  it.runIf(os.availableParallelism() >= 2)(
    "pins a child's main thread to eventLoopCpu once ready, leaving its thread pool free",
    async () => {
      const sandbox = make({ eventLoopCpu: 1 });
      const source = `async function login() {
        await require('bcrypt').hash('warm the pool', 4);
        return { id: '1' };
      }`;
      expect(await sandbox.run(genauth('pinned', source))).toMatchObject({ ok: true });
      const [child] = childOf(sandbox, 'pinned');
      const allowed = (tid: string) =>
        /^Cpus_allowed_list:\s+(\S+)/m.exec(
          readFileSync(`/proc/${child!.pid}/task/${tid}/status`, 'utf8'),
        )![1];
      await eventually(() => allowed(String(child!.pid)) === '1', 'the main thread to be pinned to CPU 1');
      const others = readdirSync(`/proc/${child!.pid}/task`).filter((tid) => tid !== String(child!.pid));
      expect(others.length).toBeGreaterThan(0);
      expect(others.every((tid) => allowed(tid) === `0-${os.availableParallelism() - 1}`)).toBe(true);
    },
  );

  it('abandons a timed-out call on a responsive child; the calls beside it carry on in the same child', async () => {
    const sandbox = make({ maxChildrenPerPool: 1 });
    const source = `async function login(query) {
      if (query.hang) {
        setInterval(() => console.log('still here'), 10);
        return new Promise(() => {});
      }
      await new Promise((resolve) => setTimeout(resolve, query.ms));
      return { id: query.id };
    }`;
    expect(await sandbox.run(genauth('abandon', source, 'login', [{ id: 'w', ms: 1 }]))).toMatchObject({
      ok: true,
    });
    const pid = childOf(sandbox, 'abandon')[0]!.pid;
    const [hung, slow] = await Promise.all([
      sandbox.run({ ...genauth('abandon', source, 'login', [{ hang: true }]), timeoutMs: 200 }),
      sandbox.run(genauth('abandon', source, 'login', [{ id: 'slow', ms: 600 }])),
    ]);
    expect(hung).toMatchObject({ ok: false, error: { kind: 'timeout' } });
    expect(slow).toMatchObject({ ok: true, value: { id: 'slow' } });
    expect(await sandbox.run(genauth('abandon', source, 'login', [{ id: 'after', ms: 1 }]))).toMatchObject({
      ok: true,
      value: { id: 'after' },
      // The abandoned call's interval was cleared: nothing of it leaks into later calls' output.
      logs: [],
    });
    expect(childOf(sandbox, 'abandon').map((c) => c.pid)).toEqual([pid]);
  });

  it('keeps the child alive when an auth0 script throws inside an async callback', async () => {
    expect(
      await sandbox.run(auth0('stray', 'function login(e, p, cb) { cb(null, { user_id: "1" }) }')),
    ).toMatchObject({ ok: true });
    const pid = childOf(sandbox, 'stray')[0]!.pid;
    const stray = await sandbox.run(
      auth0('stray', 'function login(e, p, cb) { setTimeout(() => { null.boom }, 1) }\n'),
    );
    expect(stray).toMatchObject({ ok: false, error: { kind: 'script_error', line: 1 } });
    expect(childOf(sandbox, 'stray')[0]!.pid).toBe(pid);
  });

  it('compiles a script once and picks up a changed script or env at the next call', async () => {
    const source =
      'const loadedAt = Math.random();\nasync function login() { return { id: "1", loadedAt, v: env.V } }';
    const first = await sandbox.run({ ...genauth('cache', source), env: { V: 'one' } });
    const again = await sandbox.run({ ...genauth('cache', source), env: { V: 'one' } });
    expect(first.ok && again.ok).toBe(true);
    expect((again as { value: { loadedAt: number } }).value.loadedAt).toBe(
      (first as { value: { loadedAt: number } }).value.loadedAt,
    );
    const newEnv = await sandbox.run({ ...genauth('cache', source), env: { V: 'two' } });
    expect(newEnv).toMatchObject({ ok: true, value: { v: 'two' } });
    const newSource = await sandbox.run({
      ...genauth('cache', 'async function login() { return { id: "2" } }'),
      env: { V: 'two' },
    });
    expect(newSource).toMatchObject({ ok: true, value: { id: '2' } });
  });

  it('reports syntax errors and thrown errors with the line in the script', async () => {
    const syntax = await sandbox.run(
      genauth('lines', 'async function login() {\n  const a = 1;\n  return a +;\n}'),
    );
    expect(syntax).toMatchObject({ ok: false, error: { kind: 'script_error', line: 3 } });
    const thrown = await sandbox.run(
      genauth(
        'lines',
        '\n\nasync function login() {\n  throw new ValidationError("bad email", "invalid_email");\n}',
      ),
    );
    expect(thrown).toMatchObject({
      ok: false,
      error: { kind: 'validation', message: 'bad email', code: 'invalid_email', line: 4 },
    });
    expect((thrown as { error: { stack: string } }).error.stack).toMatch(/at login \(login\.js:4:/);
  });

  it('stops a pool on evictPool and starts afresh', async () => {
    expect(await sandbox.run(genauth('evict', NOOP))).toMatchObject({ ok: true });
    const before = childOf(sandbox, 'evict')[0]!.pid;
    await sandbox.evictPool('evict');
    expect(childOf(sandbox, 'evict')).toHaveLength(0);
    expect(await sandbox.run(genauth('evict', NOOP))).toMatchObject({ ok: true });
    expect(childOf(sandbox, 'evict')[0]!.pid).not.toBe(before);
  });

  it('rejects malformed requests and clamps the timeout', async () => {
    await expect(sandbox.run({ ...genauth('bad', NOOP), dialect: 'lua' as never })).rejects.toThrow(
      /dialect/,
    );
    await expect(sandbox.run({ ...genauth('bad', NOOP), fn: 'x; y' })).rejects.toThrow(/fn/);
    await expect(sandbox.run({ ...genauth('bad', NOOP), egress: { allow: ['nope'] } })).rejects.toThrow(
      /host:port/,
    );
    expect(await sandbox.run({ ...genauth('bad', NOOP), timeoutMs: 3_600_000 })).toMatchObject({ ok: true });
  });
});

describe('sandbox scheduling', () => {
  it('runs several calls at once inside one child', async () => {
    const sandbox = make({ maxChildrenPerPool: 1 });
    const results = await Promise.all(
      Array.from({ length: 8 }, () => sandbox.run(genauth('conc', SLEEPY, 'login', [{ ms: 150 }]))),
    );
    expect(results.every((r) => r.ok)).toBe(true);
    expect(Math.max(...results.map((r) => (r.ok ? (r.value as { peak: number }).peak : 0)))).toBeGreaterThan(
      1,
    );
    expect(childOf(sandbox, 'conc')).toHaveLength(1);
  });

  it('keeps the console output of concurrent calls apart', async () => {
    const sandbox = make({ maxChildrenPerPool: 1 });
    const source = `async function login(query) {
      console.log('start', query.n);
      await new Promise((resolve) => setTimeout(resolve, 20 + (query.n % 3) * 10));
      console.log('end', query.n);
      return { id: String(query.n) };
    }`;
    const results = await Promise.all(
      Array.from({ length: 12 }, (_, n) => sandbox.run(genauth('logs', source, 'login', [{ n }]))),
    );
    results.forEach((result, n) => {
      expect(result.logs.map((l) => l.message)).toEqual([`start ${n}`, `end ${n}`]);
    });
  });

  it('adds a second child when the first is full, never more than maxChildrenPerPool', async () => {
    const sandbox = make({ maxChildrenPerPool: 2, maxConcurrentPerChild: 2 });
    const pending = Array.from({ length: 6 }, () =>
      sandbox.run(genauth('spread', SLEEPY, 'login', [{ ms: 100 }])),
    );
    await eventually(() => childOf(sandbox, 'spread').length === 2, 'a second child');
    const results = await Promise.all(pending);
    expect(results.every((r) => r.ok)).toBe(true);
    expect(childOf(sandbox, 'spread').length).toBeLessThanOrEqual(2);
  });

  it('caps children per node by evicting the least recently used idle child', async () => {
    const sandbox = make({ maxChildren: 2 });
    for (const pool of ['cap-a', 'cap-b', 'cap-c', 'cap-a']) {
      expect(await sandbox.run(genauth(pool, NOOP))).toMatchObject({ ok: true });
      expect(sandbox.stats().children.length).toBeLessThanOrEqual(2);
    }
  });

  it('stops idle children', async () => {
    const sandbox = make({ idleTimeoutMs: 200 });
    expect(await sandbox.run(genauth('idle', NOOP))).toMatchObject({ ok: true });
    expect(childOf(sandbox, 'idle')).toHaveLength(1);
    await eventually(() => childOf(sandbox, 'idle').length === 0, 'the idle child to stop');
  });

  it('refuses calls after close()', async () => {
    const sandbox = make();
    expect(await sandbox.run(genauth('closing', NOOP))).toMatchObject({ ok: true });
    await sandbox.close();
    expect(sandbox.stats().children).toHaveLength(0);
    await expect(sandbox.run(genauth('closing', NOOP))).rejects.toThrow(/closed/);
  });
});

describe('sandbox egress rules', () => {
  const PG = `async function login() {
    const { Pool } = require('pg');
    const pool = new Pool({ host: env.HOST, port: 5432, user: 'postgres', database: 'postgres', connectionTimeoutMillis: 3000 });
    return (await pool.query('select 1 as one')).rows[0];
  }`;

  it('strict mode denies private addresses unless the connection allowlists them', async () => {
    const sandbox = make();
    const request = (poolId: string, host: string, egress: { allow?: string[]; strict?: boolean }) =>
      sandbox.run({ ...genauth(poolId, PG), env: { HOST: host }, egress });
    const strict = await request('strict-1', '127.0.0.1', { strict: true });
    expect(strict).toMatchObject({ ok: false, error: { kind: 'egress_denied' } });
    const byName = await request('strict-1', 'localhost', { strict: true });
    expect(byName).toMatchObject({ ok: false, error: { kind: 'egress_denied' } });
    const allowedIp = await request('strict-1', '127.0.0.1', { strict: true, allow: ['127.0.0.1:5432'] });
    const allowedName = await request('strict-2', 'localhost', { strict: true, allow: ['localhost:5432'] });
    const lenient = await request('strict-3', '127.0.0.1', {});
    // Where no PostgreSQL listens the connection fails, but not because of the policy.
    for (const result of [allowedIp, allowedName, lenient]) {
      expect(result.ok || result.error.kind !== 'egress_denied').toBe(true);
    }
  });
});
