/**
 * Password logins per second through the HTTP login API, against raw argon2id verifications per second
 * with the same parameters, both measured in this run on this machine. The server runs in its own
 * process (the built `gatehouse start`), as in production; the baseline runs the verifications alone.
 * Target (issue 2): the API reaches at least 0.85 of the raw hashing rate.
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

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const DURATION_MS = Number(process.env.BENCH_LOGIN_SECONDS || 8) * 1000;
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

/** Runs `task` from `concurrency` loops until the time is up; returns completions per second. */
async function rate(concurrency: number, task: (i: number) => Promise<void>): Promise<number> {
  let done = 0;
  const deadline = Date.now() + DURATION_MS;
  const started = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: concurrency }, async (_, worker) => {
      for (let i = worker; Date.now() < deadline; i += concurrency) {
        await task(i);
        done++;
      }
    }),
  );
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return done / seconds;
}

async function rawArgon2Rate(): Promise<number> {
  const encoded = await hash(PASSWORD, { algorithm: 2, ...OWASP_ARGON2 });
  await Promise.all(Array.from({ length: CONCURRENCY }, () => verify(encoded, PASSWORD))); // warm-up
  return rate(CONCURRENCY, async () => {
    if (!(await verify(encoded, PASSWORD))) throw new Error('verification failed');
  });
}

async function apiLoginRate(): Promise<number> {
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
    const post = (url: string, body: unknown) =>
      fetch(base + url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    for (let u = 0; u < USERS; u++) {
      const res = await post('/api/v1/pools/default/auth/register', {
        email: `bench${u}@example.com`,
        password: PASSWORD,
      });
      if (res.status !== 201) throw new Error(`register failed: ${res.status} ${await res.text()}`);
    }
    const login = async (i: number) => {
      const res = await post('/api/v1/pools/default/auth/login', {
        email: `bench${i % USERS}@example.com`,
        password: PASSWORD,
      });
      if (res.status !== 200) throw new Error(`login failed: ${res.status} ${await res.text()}`);
      await res.arrayBuffer();
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, (_, i) => login(i))); // warm-up
    return await rate(CONCURRENCY, login);
  } finally {
    server.kill('SIGTERM');
    await new Promise((r) => server.once('exit', r));
    await rm(dataDir, { recursive: true, force: true });
  }
}

export default async function loginBench(): Promise<BenchRow[]> {
  const raw = await rawArgon2Rate();
  const api = await apiLoginRate();
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
