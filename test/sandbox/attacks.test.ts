/**
 * The attack suite (issue 3, item 7): each hostile script must fail in its own pool's child, and
 * afterwards the host and another pool's child must be exactly as before — same pid, still serving.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSandbox, type RunResult, type Sandbox } from '../../src/sandbox/index.js';
import { NOOP, genauth } from './helpers.js';

const PLATFORM_DB = '127.0.0.1:5432';
const ATTACKER = 'attacker';
const BYSTANDER = 'bystander';

let sandbox: Sandbox;
let bystanderPid: number;

beforeAll(async () => {
  process.env.GATEHOUSE_TEST_HOST_SECRET = 'host-secret-value';
  sandbox = createSandbox({
    denyHosts: [PLATFORM_DB, '127.0.0.1:6379'],
    heapLimitMb: 64,
    rssLimitMb: 256,
    maxFrameBytes: 1024 * 1024,
    maxLogLines: 50,
  });
  const first = await sandbox.run(genauth(BYSTANDER, NOOP));
  expect(first.ok).toBe(true);
  bystanderPid = pidOf(BYSTANDER);
});

afterAll(async () => {
  await sandbox?.close();
  delete process.env.GATEHOUSE_TEST_HOST_SECRET;
});

function pidOf(poolId: string): number {
  const child = sandbox.stats().children.find((c) => c.poolId === poolId);
  if (!child) throw new Error(`no child for ${poolId}`);
  return child.pid;
}

/** Runs the hostile source in the attacker pool, then checks the host and the bystander. */
async function attack(source: string, timeoutMs = 1500, args: unknown[] = [{ email: 'a@b.c' }, 'pw']) {
  const result = await sandbox.run({ ...genauth(ATTACKER, source, 'login', args), timeoutMs });
  await expectOthersUnaffected();
  return result;
}

async function expectOthersUnaffected(): Promise<void> {
  expect(process.env.GATEHOUSE_TEST_HOST_SECRET).toBe('host-secret-value');
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  const check = await sandbox.run(
    genauth(BYSTANDER, 'async function login() { return { id: "1", polluted: ({}).polluted ?? null } }'),
  );
  expect(check).toMatchObject({ ok: true, value: { id: '1', polluted: null } });
  expect(pidOf(BYSTANDER)).toBe(bystanderPid);
}

function failure(result: RunResult) {
  if (result.ok) throw new Error(`expected a failure, got ${JSON.stringify(result.value)}`);
  return result.error;
}

describe('sandbox attack suite', () => {
  it('sees neither process nor the host environment', async () => {
    const result = await attack(`async function login() {
      return {
        process: typeof process,
        globalProcess: typeof globalThis.process,
        envKeys: Object.keys(env),
        module: typeof module,
        secret: JSON.stringify(globalThis).includes('host-secret-value'),
      };
    }`);
    expect(result).toMatchObject({
      ok: true,
      value: {
        process: 'undefined',
        globalProcess: 'undefined',
        envKeys: [],
        module: 'undefined',
        secret: false,
      },
    });
  });

  it("refuses require('fs') with a message naming the allowlist", async () => {
    const error = failure(
      await attack(`async function login() { return require('fs').readFileSync('/etc/passwd', 'utf8') }`),
    );
    expect(error.kind).toBe('script_error');
    expect(error.message).toMatch(/Cannot require "fs": scripts may only require pg, mysql2/);
    expect(error.line).toBe(1);
  });

  it('has no dynamic import()', async () => {
    const error = failure(
      await attack(
        `async function login() { return (await import('node:fs')).readFileSync('/etc/passwd', 'utf8') }`,
      ),
    );
    expect(error.kind).toBe('script_error');
  });

  it("refuses require('child_process') and node: specifiers", async () => {
    const error = failure(
      await attack(`async function login() { return require('node:child_process').execSync('id') }`),
    );
    expect(error.kind).toBe('script_error');
    expect(error.message).toMatch(/Cannot require "node:child_process"/);
  });

  it("cannot reach process through this.constructor.constructor('return process')()", async () => {
    const error = failure(
      await attack(`async function login() { return this.constructor.constructor('return process')().env }`),
    );
    expect(error.kind).toBe('script_error');
    expect(error.message).toMatch(/Code generation from strings disallowed/);
  });

  it('cannot reach the child realm through require.constructor', async () => {
    const error = failure(
      await attack(`async function login() { return require.constructor('return process')().pid }`),
    );
    expect(error.kind).toBe('script_error');
    expect(error.message).toMatch(/Code generation from strings disallowed/);
  });

  it('keeps prototype pollution inside the polluting script', async () => {
    const polluted = await attack(`async function login(query) {
      Object.prototype.polluted = 'yes';
      Array.prototype.polluted = 'yes';
      Object.getPrototypeOf(query).polluted = 'yes';
      return { id: '1' };
    }`);
    expect(polluted.ok).toBe(true);
    const proto = failure(await attack(`async function login() { return ({}).__proto__ }`));
    expect(proto.message).toMatch(/__proto__ has been disallowed/);
    const otherScript = await attack(
      `async function login() { return { id: '2', seen: ({}).polluted ?? null } }`,
    );
    expect(otherScript).toMatchObject({ ok: true, value: { seen: null } });
  });

  it('kills a synchronous infinite loop at the timeout', async () => {
    const error = failure(await attack(`async function login() { for (;;) {} }`, 500));
    expect(error.kind).toBe('timeout');
  });

  it('kills an infinite loop after await at the timeout', async () => {
    const error = failure(
      await attack(
        `async function login() { await null; await new Promise((r) => setTimeout(r, 5)); for (;;) {} }`,
        500,
      ),
    );
    expect(error.kind).toBe('timeout');
  });

  it('times out a never-settling promise', async () => {
    const error = failure(await attack(`async function login() { return new Promise(() => {}) }`, 500));
    expect(error.kind).toBe('timeout');
  });

  it('stops a heap bomb with a memory error', async () => {
    const error = failure(
      await attack(
        `async function login() { const keep = []; for (;;) keep.push(new Array(100000).fill({ a: 1 })) }`,
        20_000,
      ),
    );
    expect(error.kind).toBe('memory');
  });

  it('stops a Buffer bomb with a memory error', async () => {
    const error = failure(
      await attack(
        `async function login() { const keep = []; for (;;) { const b = Buffer.alloc(64 * 1024 * 1024); b.fill(1); keep.push(b) } }`,
        20_000,
      ),
    );
    expect(error.kind).toBe('memory');
  });

  it('refuses a huge return value', async () => {
    const error = failure(
      await attack(`async function login() { return { id: '1', blob: 'x'.repeat(8 * 1024 * 1024) } }`),
    );
    expect(error.kind).toBe('too_large');
  });

  it('caps a console flood', async () => {
    const result = await attack(
      `async function login() { for (let i = 0; i < 100000; i++) console.log('line', i, 'x'.repeat(100)); return { id: '1' } }`,
    );
    expect(result.ok).toBe(true);
    expect(result.logs.length).toBeLessThanOrEqual(51);
    expect(result.logs.at(-1)?.message).toMatch(/more console line\(s\) dropped/);
    expect(JSON.stringify(result.logs).length).toBeLessThan(32 * 1024);
  });

  it('clears timers a call leaves running after it returns', async () => {
    const source = `
      async function login() {
        globalThis.ticks = globalThis.ticks ?? 0;
        setInterval(() => { globalThis.ticks++ }, 1);
        setTimeout(() => { globalThis.ticks += 1000 }, 1);
        return { id: '1', ticks: globalThis.ticks };
      }`;
    const first = await attack(source);
    expect(first).toMatchObject({ ok: true, value: { ticks: 0 } });
    await new Promise((resolve) => setTimeout(resolve, 100));
    const second = await attack(source);
    expect(second).toMatchObject({ ok: true, value: { ticks: 0 } });
  });

  it("denies egress to the platform's PostgreSQL", async () => {
    const error = failure(
      await attack(`async function login() {
        const { Client } = require('pg');
        const client = new Client({ host: 'localhost', port: 5432, user: 'postgres', database: 'postgres' });
        await client.connect();
        return (await client.query('select current_user')).rows;
      }`),
    );
    expect(error.kind).toBe('egress_denied');
    expect(error.message).toMatch(/reserved for the platform/);
  });

  it('denies egress to the cloud metadata service', async () => {
    const byIp = failure(
      await attack(
        `async function login() { return (await fetch('http://169.254.169.254/latest/meta-data/')).text() }`,
      ),
    );
    expect(byIp.kind).toBe('egress_denied');
    const byName = failure(
      await attack(
        `async function login() { return (await require('axios').get('http://metadata.google.internal/computeMetadata/v1/')).data }`,
      ),
    );
    expect(byName.kind).toBe('egress_denied');
  });

  it('denies egress to [::ffff:127.0.0.1] (IPv4-mapped IPv6)', async () => {
    const viaFetch = failure(
      await attack(
        `async function login() { return (await fetch('http://[::ffff:127.0.0.1]:5432/')).status }`,
      ),
    );
    expect(viaFetch.kind).toBe('egress_denied');
    const viaPg = failure(
      await attack(`async function login() {
        const { Pool } = require('pg');
        return (await new Pool({ host: '::ffff:7f00:1', port: 5432, user: 'postgres' }).query('select 1')).rows;
      }`),
    );
    expect(viaPg.kind).toBe('egress_denied');
  });
});
