/**
 * Password logins per second through the HTTP login API, against raw argon2id verifications per second
 * with the same parameters, both measured in this run on this machine. The server runs in its own
 * process (the built `gatehouse start`), as in production; the baseline runs the verifications alone.
 * Target (issue 2): the API reaches at least 0.85 of the raw hashing rate.
 *
 * The client shares the machine's cores with the server, so it is kept cheap: node:http over a keep-alive
 * agent (one socket per request in flight) with request bodies serialised up front, rather than fetch.
 */
import { spawn, execFileSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { hash, verify } from '@node-rs/argon2';
import { OWASP_ARGON2 } from '../src/config/index.js';
import type { BenchRow } from './run.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const DURATION_MS = Number(process.env.BENCH_LOGIN_SECONDS || 8) * 1000;
/**
 * The two measurements alternate in this many slices (raw, API, raw, API, …), so that a change in the
 * load of a shared machine during the run weighs on both alike; each gets DURATION_MS in total.
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

/** Starts the server, registers the users, and measures both rates in alternating slices. */
async function measureBoth(): Promise<{ raw: number; api: number }> {
  const rawTask = await rawVerifier();
  execFileSync('npm', ['run', 'build', '--silent'], { cwd: root, stdio: 'inherit' });
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'gh-bench-'));
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const server = spawn(process.execPath, [path.join(root, 'dist/cli/main.js'), 'start'], {
    cwd: root,
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      GATEHOUSE_DATA_DIR: dataDir,
      GATEHOUSE_BASE_URL: base,
      GATEHOUSE_BOOTSTRAP_API_KEY: API_KEY,
      GATEHOUSE_ADMIN_PASSWORD: 'bench-admin-password',
      GATEHOUSE_RATE_LOGIN_PER_IP: '1000000',
      GATEHOUSE_RATE_LOGIN_PER_IDENTIFIER: '1000000',
      GATEHOUSE_RATE_REGISTER_PER_IP: '1000000',
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  try {
    for (let i = 0; ; i++) {
      try {
        if ((await fetch(`${base}/readyz`)).ok) break;
      } catch {
        // not listening yet
      }
      if (i > 300) throw new Error('the server did not start');
      await new Promise((r) => setTimeout(r, 100));
    }
    const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
    /** POSTs a JSON body (already serialised); resolves with the status and the response text. */
    const post = (url: string, body: Buffer) =>
      new Promise<{ status: number; text: string }>((resolve, reject) => {
        const req = http.request(
          base + url,
          {
            method: 'POST',
            agent,
            headers: { 'content-type': 'application/json', 'content-length': body.length },
          },
          (res) => {
            const chunks: Buffer[] = [];
            res.on('data', (chunk: Buffer) => chunks.push(chunk));
            res.on('end', () =>
              resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString() }),
            );
            res.on('error', reject);
          },
        );
        req.on('error', reject);
        req.end(body);
      });
    const json = (value: unknown) => Buffer.from(JSON.stringify(value));
    for (let u = 0; u < USERS; u++) {
      const res = await post(
        '/api/v1/pools/default/auth/register',
        json({ email: `bench${u}@example.com`, password: PASSWORD }),
      );
      if (res.status !== 201) throw new Error(`register failed: ${res.status} ${res.text}`);
    }
    const bodies = Array.from({ length: USERS }, (_, u) =>
      json({ email: `bench${u}@example.com`, password: PASSWORD }),
    );
    const login = async (i: number) => {
      const res = await post('/api/v1/pools/default/auth/login', bodies[i % USERS]!);
      if (res.status !== 200) throw new Error(`login failed: ${res.status} ${res.text}`);
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, (_, i) => login(i))); // warm-up
    const raw: Tally = { done: 0, seconds: 0 };
    const api: Tally = { done: 0, seconds: 0 };
    try {
      for (let round = 0; round < ROUNDS; round++) {
        await measure(raw, DURATION_MS / ROUNDS, CONCURRENCY, rawTask);
        await measure(api, DURATION_MS / ROUNDS, CONCURRENCY, login);
      }
      return { raw: raw.done / raw.seconds, api: api.done / api.seconds };
    } finally {
      agent.destroy();
    }
  } finally {
    server.kill('SIGTERM');
    await new Promise((r) => server.once('exit', r));
    await rm(dataDir, { recursive: true, force: true });
  }
}

export default async function loginBench(): Promise<BenchRow[]> {
  const { raw, api } = await measureBoth();
  const ratio = api / raw;
  const params = `argon2id m=${OWASP_ARGON2.memoryCost} KiB t=${OWASP_ARGON2.timeCost} p=${OWASP_ARGON2.parallelism}`;
  return [
    {
      name: `password logins through POST …/auth/login (${params}, ${CONCURRENCY} in flight)`,
      value: `${api.toFixed(1)} logins/s`,
      baseline: `${raw.toFixed(1)} raw verifications/s`,
      ratio: `${ratio.toFixed(2)} of raw hashing`,
      target: '≥ 0.85',
      met: ratio >= 0.85,
    },
  ];
}
