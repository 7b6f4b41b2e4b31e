/**
 * Where a login's CPU goes: a diagnostic beside `npm run bench login`, not a benchmark entry.
 *
 * Starts the built server (`npm run build` first) on a fresh data folder, registers 32 users, runs N
 * password logins with 8 in flight, and prints the server's CPU per login read from /proc: its main
 * thread (the event loop) and its other threads (libuv's pool, where argon2 runs, and V8's helpers),
 * user and system time apart, and the client's. Then it measures raw argon2id verifications in this
 * process the same way, so the two can be compared.
 *
 *   npx tsx bench/tools/login-cpu.ts                 # real argon2id parameters
 *   CHEAP_HASH=1 npx tsx bench/tools/login-cpu.ts    # argon2 made almost free: the rest of a login
 *   DATABASE_URL=postgres://… npx tsx bench/tools/login-cpu.ts   # the PostgreSQL store (an empty database)
 *
 * Other knobs: LOGINS (default 1000), SERVER_NODE_FLAGS (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof").
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { hash, verify } from '@node-rs/argon2';
import { OWASP_ARGON2 } from '../../src/config/index.js';
import { benchClient } from '../http-client.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const PASSWORD = 'correct horse battery staple';
const LOGINS = Number(process.env.LOGINS || 1000);
const IN_FLIGHT = 8;
const cheap = Boolean(process.env.CHEAP_HASH);

/** CPU milliseconds of one process's threads from /proc: main thread vs the rest, user vs system. */
async function threadCpu(pid: number): Promise<Record<string, number>> {
  const totals: Record<string, number> = { mainUser: 0, mainSys: 0, otherUser: 0, otherSys: 0 };
  const tick = 1000 / 100; // USER_HZ
  for (const tid of await readdir(`/proc/${pid}/task`)) {
    const stat = await readFile(`/proc/${pid}/task/${tid}/stat`, 'utf8').catch(() => null);
    if (!stat) continue; // the thread ended meanwhile
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const who = tid === String(pid) ? 'main' : 'other';
    totals[`${who}User`]! += Number(fields[11]) * tick;
    totals[`${who}Sys`]! += Number(fields[12]) * tick;
  }
  return totals;
}

const perLogin = (ms: number) => (ms / LOGINS).toFixed(2);

const dataDir = await mkdtemp(path.join(os.tmpdir(), 'gh-login-cpu-'));
const port = 20000 + Math.floor(Math.random() * 20000);
const base = `http://127.0.0.1:${port}`;
const server = spawn(
  process.execPath,
  [...(process.env.SERVER_NODE_FLAGS?.split(' ').filter(Boolean) ?? []), 'dist/cli/main.js', 'start'],
  {
    cwd: root,
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      GATEHOUSE_DATA_DIR: dataDir,
      GATEHOUSE_BASE_URL: base,
      GATEHOUSE_ADMIN_PASSWORD: 'bench-admin-password',
      GATEHOUSE_RATE_LOGIN_PER_IP: '1000000',
      GATEHOUSE_RATE_LOGIN_PER_IDENTIFIER: '1000000',
      GATEHOUSE_RATE_REGISTER_PER_IP: '1000000',
      LOG_LEVEL: 'warn',
      ...(cheap ? { GATEHOUSE_ARGON2_MEMORY_KIB: '64', GATEHOUSE_ARGON2_TIME_COST: '1' } : {}),
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  },
);
try {
  for (let attempt = 0; ; attempt++) {
    if (
      await fetch(`${base}/readyz`)
        .then((r) => r.ok)
        .catch(() => false)
    )
      break;
    if (attempt > 300) throw new Error('the server did not start');
    await new Promise((r) => setTimeout(r, 100));
  }
  const http = benchClient(base, IN_FLIGHT);
  const post = async (url: string, body: Buffer) => (await http.post(url, body)).status;
  const bodies = Array.from({ length: 32 }, (_, u) =>
    Buffer.from(JSON.stringify({ email: `cpu${u}@example.com`, password: PASSWORD })),
  );
  for (const body of bodies) await post('/api/v1/pools/default/auth/register', body);
  const logins = async (n: number) => {
    let issued = 0;
    await Promise.all(
      Array.from({ length: IN_FLIGHT }, async () => {
        while (issued < n) {
          const status = await post('/api/v1/pools/default/auth/login', bodies[issued++ % bodies.length]!);
          if (status !== 200) throw new Error(`login answered ${status}`);
        }
      }),
    );
  };
  await logins(100); // warm-up

  const before = await threadCpu(server.pid!);
  const client = process.cpuUsage();
  const started = performance.now();
  await logins(LOGINS);
  const seconds = (performance.now() - started) / 1000;
  const after = await threadCpu(server.pid!);
  const clientUsage = process.cpuUsage(client);
  const d = (key: string) => after[key]! - before[key]!;
  const server_ = d('mainUser') + d('mainSys') + d('otherUser') + d('otherSys');
  console.log(
    `API (${cheap ? 'cheap hash' : 'argon2id m=19456 t=2'}, ${process.env.DATABASE_URL ? 'PostgreSQL' : 'PGlite'}): ` +
      `${(LOGINS / seconds).toFixed(1)} logins/s; CPU per login: server ${perLogin(server_)} ms ` +
      `(main thread user ${perLogin(d('mainUser'))} + sys ${perLogin(d('mainSys'))}, ` +
      `other threads user ${perLogin(d('otherUser'))} + sys ${perLogin(d('otherSys'))}), ` +
      `client ${perLogin((clientUsage.user + clientUsage.system) / 1000)} ms`,
  );
  http.close();

  if (!cheap) {
    const encoded = await hash(PASSWORD, { algorithm: 2, ...OWASP_ARGON2 });
    const rawStart = process.cpuUsage();
    const rawStarted = performance.now();
    let done = 0;
    await Promise.all(
      Array.from({ length: IN_FLIGHT }, async () => {
        while (done++ < LOGINS) await verify(encoded, PASSWORD);
      }),
    );
    const rawSeconds = (performance.now() - rawStarted) / 1000;
    const raw = process.cpuUsage(rawStart);
    console.log(
      `raw argon2id: ${(LOGINS / rawSeconds).toFixed(1)} verifications/s; ` +
        `CPU per verification ${perLogin((raw.user + raw.system) / 1000)} ms`,
    );
  }
} finally {
  server.kill('SIGTERM');
  await new Promise((r) => server.once('exit', r));
  await rm(dataDir, { recursive: true, force: true });
}
