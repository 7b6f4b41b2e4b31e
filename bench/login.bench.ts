/**
 * Password logins per second through the HTTP login API, against raw argon2id verifications per second
 * with the same parameters, both measured in this run on this machine. The server runs in its own
 * process (the built `gatehouse start`), as in production; the baseline runs the verifications alone.
 * Target (issue 2): the API reaches at least 0.85 of the raw hashing rate.
 *
 * The client is bench/http-client.ts, kept cheap because it shares the machine's cores with the server.
 *
 * Two reference servers (bench/reference/login-floor-server.ts) are measured the same way, so each run
 * also shows what this machine allows: a bare HTTP login that only hashes, and one that also does the
 * store work every login needs, with Gatehouse's own store code.
 */
import { spawn, execFileSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { hash, verify } from '@node-rs/argon2';
import { OWASP_ARGON2 } from '../src/config/index.js';
import type { BenchRow } from './run.js';
import { benchClient, type BenchClient } from './http-client.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const DURATION_MS = Number(process.env.BENCH_LOGIN_SECONDS || 8) * 1000;
/**
 * The measurements alternate in this many slices (raw, API, references, raw, API, …), so that a change in
 * the load of a shared machine during the run weighs on all alike; each gets DURATION_MS in total.
 */
const ROUNDS = 4;
// Enough requests in flight to keep libuv's 4 hashing threads busy on both cores.
const CONCURRENCY = 8;
const USERS = 32;
const PASSWORD = 'correct horse battery staple';
const API_KEY = 'gh_bench_key_0123456789abcdefghijkl';

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
    server.once('error', reject);
  });
}

interface Tally {
  done: number;
  seconds: number;
}

/** Runs `task` from `concurrency` loops for `ms`; adds the completions and the time to `tally`. */
async function measure(
  tally: Tally,
  ms: number,
  concurrency: number,
  task: (i: number) => Promise<void>,
): Promise<void> {
  const deadline = Date.now() + ms;
  const started = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: concurrency }, async (_, worker) => {
      for (let i = worker; Date.now() < deadline; i += concurrency) {
        await task(i);
        tally.done++;
      }
    }),
  );
  tally.seconds += Number(process.hrtime.bigint() - started) / 1e9;
}

async function rawVerifier(): Promise<() => Promise<void>> {
  const encoded = await hash(PASSWORD, { algorithm: 2, ...OWASP_ARGON2 });
  const task = async () => {
    if (!(await verify(encoded, PASSWORD))) throw new Error('verification failed');
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, task)); // warm-up
  return task;
}

interface Server {
  base: string;
  stop(): Promise<void>;
}

/** Spawns a server process on a fresh data folder and a free port, and waits until `ready` answers. */
async function startServer(
  args: string[],
  env: Record<string, string>,
  ready: (base: string) => Promise<boolean>,
): Promise<Server> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'gh-bench-'));
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const child = spawn(process.execPath, args, {
    cwd: root,
    env: { ...process.env, PORT: String(port), GATEHOUSE_DATA_DIR: dataDir, ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const stop = async () => {
    if (child.exitCode === null) {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    }
    await rm(dataDir, { recursive: true, force: true });
  };
  for (let i = 0; ; i++) {
    if (await ready(base).catch(() => false)) return { base, stop };
    if (i > 300 || child.exitCode !== null) {
      await stop();
      throw new Error(`${args.join(' ')} did not start`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

const json = (value: unknown) => Buffer.from(JSON.stringify(value));
const bodies = Array.from({ length: USERS }, (_, u) =>
  json({ email: `bench${u}@example.com`, password: PASSWORD }),
);

/** A login task against `url` that fails loudly on anything but 200. */
function loginTask(post: BenchClient['post'], url: string) {
  return async (i: number) => {
    const res = await post(url, bodies[i % USERS]!);
    if (res.status !== 200) throw new Error(`login failed: ${res.status} ${res.text}`);
  };
}

async function startGatehouse(): Promise<{
  server: Server;
  login: (i: number) => Promise<void>;
  close(): void;
}> {
  execFileSync('npm', ['run', 'build', '--silent'], { cwd: root, stdio: 'inherit' });
  const server = await startServer(
    [path.join(root, 'dist/cli/main.js'), 'start'],
    {
      HOST: '127.0.0.1',
      GATEHOUSE_BOOTSTRAP_API_KEY: API_KEY,
      GATEHOUSE_ADMIN_PASSWORD: 'bench-admin-password',
      GATEHOUSE_RATE_LOGIN_PER_IP: '1000000',
      GATEHOUSE_RATE_LOGIN_PER_IDENTIFIER: '1000000',
      GATEHOUSE_RATE_REGISTER_PER_IP: '1000000',
      LOG_LEVEL: 'warn',
    },
    async (base) => (await fetch(`${base}/readyz`)).ok,
  );
  const { post, close } = benchClient(server.base, CONCURRENCY);
  for (let u = 0; u < USERS; u++) {
    const res = await post('/api/v1/pools/default/auth/register', bodies[u]!);
    if (res.status !== 201) throw new Error(`register failed: ${res.status} ${res.text}`);
  }
  return { server, login: loginTask(post, '/api/v1/pools/default/auth/login'), close };
}

/** One of the reference servers of bench/reference/login-floor-server.ts (it creates its own users). */
async function startFloor(level: 'hash' | 'store') {
  const server = await startServer(
    ['--import', 'tsx', path.join(root, 'bench/reference/login-floor-server.ts'), level],
    { USERS: String(USERS), PASSWORD },
    async (base) => (await fetch(base, { method: 'POST', body: bodies[0] })).ok,
  );
  const { post, close } = benchClient(server.base, CONCURRENCY);
  return { server, login: loginTask(post, '/'), close };
}

interface Rates {
  raw: number;
  api: number;
  floorHash: number;
  floorStore: number;
}

/**
 * Starts Gatehouse and the two reference servers, and measures raw hashing and the three servers in
 * alternating slices. Only one server is under load at a time; the others sit idle.
 */
async function measureAll(): Promise<Rates> {
  const rawTask = await rawVerifier();
  const subjects = [await startGatehouse(), await startFloor('hash'), await startFloor('store')];
  try {
    for (const subject of subjects) {
      await Promise.all(Array.from({ length: CONCURRENCY }, (_, i) => subject.login(i))); // warm-up
    }
    const tallies: Tally[] = Array.from({ length: 4 }, () => ({ done: 0, seconds: 0 }));
    const tasks = [rawTask, ...subjects.map((s) => s.login)];
    for (let round = 0; round < ROUNDS; round++) {
      for (const [k, task] of tasks.entries()) {
        await measure(tallies[k]!, DURATION_MS / ROUNDS, CONCURRENCY, task);
      }
    }
    const [raw, api, floorHash, floorStore] = tallies.map((t) => t.done / t.seconds) as [
      number,
      number,
      number,
      number,
    ];
    return { raw, api, floorHash, floorStore };
  } finally {
    for (const subject of subjects) {
      subject.close();
      await subject.server.stop();
    }
  }
}

export default async function loginBench(): Promise<BenchRow[]> {
  const { raw, api, floorHash, floorStore } = await measureAll();
  const ratio = api / raw;
  const params = `argon2id m=${OWASP_ARGON2.memoryCost} KiB t=${OWASP_ARGON2.timeCost} p=${OWASP_ARGON2.parallelism}`;
  const rawText = `${raw.toFixed(1)} raw verifications/s`;
  return [
    {
      name: `password logins through POST …/auth/login (${params}, ${CONCURRENCY} in flight)`,
      value: `${api.toFixed(1)} logins/s`,
      baseline: rawText,
      ratio: `${ratio.toFixed(2)} of raw hashing`,
      target: '≥ 0.85',
      met: ratio >= 0.85,
    },
    {
      name: 'reference: node:http + one verification, nothing stored (the ceiling of any HTTP login here)',
      value: `${floorHash.toFixed(1)} logins/s`,
      baseline: rawText,
      ratio: `${(floorHash / raw).toFixed(2)} of raw hashing`,
    },
    {
      name: 'reference: node:http + the LocalDirectory login + the three token rows in the embedded store',
      value: `${floorStore.toFixed(1)} logins/s`,
      baseline: rawText,
      ratio: `${(floorStore / raw).toFixed(2)} of raw hashing`,
    },
  ];
}
