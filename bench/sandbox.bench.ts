/**
 * Sandbox benchmarks (issue 3, item 9). Each row is measured in this run:
 *  - warm no-op round trip (p50) and calls/s through one child;
 *  - a PostgreSQL lookup by email through the sandbox against the same query from the host (means);
 *  - the published connect/end-per-call script style against the same script using a Pool (means);
 *  - for reference, the same lookup behind a bare process boundary (bench/reference/pg-lookup-child.js):
 *    what any design that runs scripts in another process pays on this machine.
 * The PostgreSQL rows need TEST_POSTGRES_URL (default postgres://postgres@127.0.0.1:5432/postgres).
 */
import { execFile, spawn } from 'node:child_process';
import os from 'node:os';
import type { Duplex } from 'node:stream';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import type { BenchRow } from './run.js';
import { createSandbox, pinEventLoop, type RunRequest, type Sandbox } from '../src/sandbox/index.js';

const PG_URL = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const context = { userPoolId: 'bench' };

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]!;
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const us = (ms: number) => `${(ms * 1000).toFixed(1)} µs`;

async function timeEach(n: number, fn: () => Promise<unknown>): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await fn();
    times.push(performance.now() - t);
  }
  return times;
}

async function expectOk(promise: Promise<{ ok: boolean }>): Promise<void> {
  const result = await promise;
  if (!result.ok) throw new Error(`bench call failed: ${JSON.stringify(result)}`);
}

/**
 * The machine's floor for a process round trip: a child that echoes bytes straight back over the same
 * kind of socket pair, no framing, no JSON, no script. On a busy shared machine both figures move
 * together, so the ratio says what the sandbox itself adds.
 */
async function rawEcho(): Promise<{ roundTrip: () => Promise<void>; stop: () => void }> {
  const child = spawn(
    process.execPath,
    [
      '--input-type=module',
      '-e',
      "import net from 'node:net'; const s = new net.Socket({ fd: 3, readable: true, writable: true }); s.on('data', (d) => s.write(d)); s.on('close', () => process.exit(0));",
    ],
    { stdio: ['ignore', 'ignore', 'inherit', 'pipe'] },
  );
  const socket = child.stdio[3] as Duplex;
  let answered: () => void = () => {};
  socket.on('data', () => answered());
  const roundTrip = () =>
    new Promise<void>((resolve) => {
      answered = resolve;
      socket.write('x');
    });
  return { roundTrip, stop: () => child.kill() };
}

/**
 * The reference child of bench/reference/pg-lookup-child.js: the same lookup behind a bare process
 * boundary, answering one line per request. Requests are sent one at a time.
 */
function referenceChild(
  dbUrl: string,
  sql: string,
): { lookup: (email: string) => Promise<void>; stop: () => void } {
  const child = spawn(
    process.execPath,
    [fileURLToPath(new URL('./reference/pg-lookup-child.js', import.meta.url)), dbUrl, sql],
    { stdio: ['ignore', 'ignore', 'inherit', 'pipe'] },
  );
  const socket = child.stdio[3] as Duplex;
  let answered: () => void = () => {};
  socket.on('data', () => answered());
  const lookup = (email: string) =>
    new Promise<void>((resolve) => {
      answered = resolve;
      socket.write(`${email}\n`);
    });
  return { lookup, stop: () => child.kill() };
}

async function noopRows(sandbox: Sandbox, placement = ''): Promise<BenchRow[]> {
  const req: RunRequest = {
    poolId: `bench-noop${placement ? '-pinned' : ''}`,
    source: 'async function login() { return null }',
    dialect: 'genauth',
    env: {},
    fn: 'login',
    args: [{ email: 'a@b.c' }, 'pw'],
    context,
  };
  const echo = await rawEcho();
  await timeEach(3000, () => expectOk(sandbox.run(req)));
  await timeEach(3000, echo.roundTrip);
  const sandboxTimes: number[] = [];
  const echoTimes: number[] = [];
  for (let round = 0; round < 10; round++) {
    sandboxTimes.push(...(await timeEach(2000, () => sandbox.run(req))));
    echoTimes.push(...(await timeEach(2000, echo.roundTrip)));
  }
  echo.stop();
  const times = sandboxTimes.sort((a, b) => a - b);
  const p50 = percentile(times, 0.5);
  const echoP50 = percentile(
    echoTimes.sort((a, b) => a - b),
    0.5,
  );

  const total = 60_000;
  const inFlight = 64;
  let issued = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (issued < total) {
        issued++;
        await sandbox.run(req);
      }
    }),
  );
  const perSecond = total / ((performance.now() - started) / 1000);
  return [
    {
      name: `warm no-op call round trip, p50 (p99)${placement}`,
      value: `${us(p50)} (${us(percentile(times, 0.99))})`,
      baseline: `${us(echoP50)} raw pipe echo`,
      ratio: `${(p50 / echoP50).toFixed(2)}×`,
      target: '≤ 50 µs',
      met: p50 * 1000 <= 50,
    },
    {
      name: `no-op calls/s through one child (${inFlight} in flight)${placement}`,
      value: `${Math.round(perSecond).toLocaleString('en-US')} /s`,
      target: '≥ 30,000 /s',
      met: perSecond >= 30_000,
    },
  ];
}

async function pgRows(sandbox: Sandbox, placement = ''): Promise<BenchRow[]> {
  const database = `gh_sbx_bench_${process.pid}`;
  const admin = new pg.Client({ connectionString: PG_URL });
  try {
    await admin.connect();
  } catch (error) {
    console.warn(`PostgreSQL at ${PG_URL} is not reachable (${(error as Error).message}): pg rows skipped`);
    return [];
  }
  const url = new URL(PG_URL);
  url.pathname = `/${database}`;
  const dbUrl = url.toString();
  await admin.query(`DROP DATABASE IF EXISTS ${database}`);
  await admin.query(`CREATE DATABASE ${database}`);
  const host = new pg.Pool({ connectionString: dbUrl, max: 10 });
  let stopReference = () => {};
  try {
    await host.query(
      `CREATE TABLE users (id serial PRIMARY KEY, email text UNIQUE NOT NULL, username text, nickname text)`,
    );
    await host.query(
      `INSERT INTO users (email, username, nickname) SELECT 'user' || i || '@example.com', 'user' || i, 'User ' || i FROM generate_series(1, 10000) AS i`,
    );
    const sql = 'SELECT id, email, username, nickname FROM users WHERE email = $1';
    const emailOf = (i: number) => `user${(i % 10000) + 1}@example.com`;
    const env = { DB_CONNECTION_URI: dbUrl };
    const poolStyle: RunRequest = {
      poolId: 'bench-pg',
      dialect: 'genauth',
      env,
      fn: 'getUser',
      args: [],
      context,
      source: `const { Pool } = require('pg');
const pool = new Pool({ connectionString: env.DB_CONNECTION_URI });
async function getUser(query) {
  const res = await pool.query(${JSON.stringify(sql)}, [query.email]);
  return res.rows[0] ?? null;
}`,
    };
    const connectStyle: RunRequest = {
      ...poolStyle,
      source: `async function getUser(query) {
  const { Client } = require('pg');
  const client = new Client({ connectionString: env.DB_CONNECTION_URI });
  await client.connect();
  try {
    const res = await client.query(${JSON.stringify(sql)}, [query.email]);
    return res.rows[0] ?? null;
  } finally {
    await client.end();
  }
}`,
    };
    let i = 0;
    const reference = referenceChild(dbUrl, sql);
    stopReference = reference.stop;
    const direct = async () => (await host.query(sql, [emailOf(i++)])).rows[0];
    const viaReference = () => reference.lookup(emailOf(i++));
    const viaPool = () => expectOk(sandbox.run({ ...poolStyle, args: [{ email: emailOf(i++) }] }));
    const viaConnect = () => expectOk(sandbox.run({ ...connectStyle, args: [{ email: emailOf(i++) }] }));
    for (const warm of [direct, viaReference, viaPool, viaConnect]) await timeEach(2000, warm);
    // Interleaved rounds, so drift in machine load hits every variant alike.
    const samples = {
      direct: [] as number[],
      reference: [] as number[],
      pool: [] as number[],
      connect: [] as number[],
    };
    for (let round = 0; round < 10; round++) {
      samples.direct.push(...(await timeEach(500, direct)));
      samples.reference.push(...(await timeEach(500, viaReference)));
      samples.pool.push(...(await timeEach(500, viaPool)));
      samples.connect.push(...(await timeEach(500, viaConnect)));
    }
    const [d, r, p, c] = [
      mean(samples.direct),
      mean(samples.reference),
      mean(samples.pool),
      mean(samples.connect),
    ];
    const median = (xs: number[]) =>
      percentile(
        [...xs].sort((a, b) => a - b),
        0.5,
      );
    const [dm, pm] = [median(samples.direct), median(samples.pool)];
    return [
      {
        name: `pg lookup by email: sandbox (Pool style) vs host, mean (p50)${placement}`,
        value: `${us(p)} (${us(pm)})`,
        baseline: `${us(d)} (${us(dm)}) host`,
        ratio: `${(p / d).toFixed(2)}× (p50 ${(pm / dm).toFixed(2)}×)`,
        target: '≤ 1.5× (means)',
        met: p / d <= 1.5,
      },
      {
        name: `reference: the same lookup behind a bare process boundary (bench/reference) vs host, mean${placement}`,
        value: us(r),
        baseline: `${us(d)} host`,
        ratio: `${(r / d).toFixed(2)}× (the sandbox: ${(p / r).toFixed(2)}× of it)`,
      },
      {
        name: `pg lookup: connect/end per call vs Pool style, mean${placement}`,
        value: us(c),
        baseline: `${us(p)} Pool style`,
        ratio: `${(c / p).toFixed(2)}×`,
        target: '≤ 1.1×',
        met: c / p <= 1.1,
      },
    ];
  } finally {
    stopReference();
    await host.end();
    await sandbox.evictPool('bench-pg');
    await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    await admin.end();
  }
}

/**
 * The same rows with this process's event loop and the child's pinned to CPU 0
 * (GATEHOUSE_EVENT_LOOP_CPU=0 in the server; see src/sandbox/affinity.ts). Both the sandboxed and the
 * direct variants run with the bench's event loop pinned, so the ratios compare like with like.
 */
async function pinnedRows(): Promise<BenchRow[]> {
  const cpus = os.availableParallelism();
  try {
    await pinEventLoop(0);
  } catch (error) {
    console.warn(`${(error as Error).message}: the rows with pinned event loops are skipped`);
    return [];
  }
  const sandbox = createSandbox({ maxChildrenPerPool: 1, maxConcurrentPerChild: 64, eventLoopCpu: 0 });
  try {
    const placement = ', event loops on CPU 0';
    return [...(await noopRows(sandbox, placement)), ...(await pgRows(sandbox, placement))];
  } finally {
    await sandbox.close();
    await pinThreadToAll(process.pid, cpus);
  }
}

function pinThreadToAll(tid: number, cpus: number): Promise<void> {
  return new Promise((resolve) =>
    execFile('taskset', ['-p', '-c', `0-${cpus - 1}`, String(tid)], () => resolve()),
  );
}

export default async function sandboxBench(): Promise<BenchRow[]> {
  const sandbox = createSandbox({ maxChildrenPerPool: 1, maxConcurrentPerChild: 64 });
  let rows: BenchRow[];
  try {
    rows = [...(await noopRows(sandbox)), ...(await pgRows(sandbox))];
  } finally {
    await sandbox.close();
  }
  return [...rows, ...(os.availableParallelism() >= 2 ? await pinnedRows() : [])];
}
