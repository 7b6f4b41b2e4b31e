/**
 * Lazy migration (issue 4, item 10), measured in one run against the machine's PostgreSQL as the legacy
 * database (TEST_POSTGRES_URL) and Gatehouse on its embedded store:
 *  - a first login of a legacy user: the postgres template's login script in the sandbox (bcrypt cost 10)
 *    plus the import into the local store (argon2id hash, one transaction);
 *  - a second login of the same user: local only (the bench checks that no script ran);
 *  - the baseline: the same work written directly against the drivers in the host (pg query, native
 *    bcrypt verify, argon2id hash, the same insert into the same kind of store).
 * Means of sequential logins, so each figure is one login's latency. Target: first ≤ 1.3 × baseline.
 */
import { performance } from 'node:perf_hooks';
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { pino } from 'pino';
import { verify as bcryptVerify, hash as bcryptHash } from '@node-rs/bcrypt';
import { loadConfig } from '../src/config/index.js';
import { createGatehouse } from '../src/app.js';
import { getTemplate } from '../src/connections/templates/index.js';
import { PasswordHasher } from '../src/security/passwords.js';
import { openStore, migrate } from '../src/store/index.js';
import { PoolService } from '../src/pools/index.js';
import type { BenchRow } from './run.js';

const PG_URL = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const USERS = Number(process.env.BENCH_LEGACY_USERS || 60);
const PASSWORD = 'legacy-password-1';
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

async function legacyDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `gh_bench_legacy_${randomUUID().slice(0, 8)}`;
  const admin = new pg.Client({ connectionString: PG_URL });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(PG_URL);
  url.pathname = `/${name}`;
  const client = new pg.Client({ connectionString: url.toString() });
  await client.connect();
  const { readFile } = await import('node:fs/promises');
  await client.query(
    await readFile(new URL('../docs/custom-db/sample-schemas/postgres.sql', import.meta.url), 'utf8'),
  );
  const hash = await bcryptHash(PASSWORD, 10);
  // Same password for every bench user: one cost-10 hash, verified at full cost at each login.
  await client.query(
    `insert into users (email, username, password_hash, name, email_verified)
     select 'bench' || i || '@example.com', 'bench' || i, $1, 'Bench ' || i, true from generate_series(1, $2) i`,
    [hash, USERS * 2],
  );
  await client.end();
  return {
    url: url.toString(),
    drop: async () => {
      const c = new pg.Client({ connectionString: PG_URL });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    },
  };
}

export default async function customDbBench(): Promise<BenchRow[]> {
  const legacy = await legacyDatabase();
  const config = {
    ...loadConfig({}),
    port: 0,
    host: '127.0.0.1',
    dataDir: 'memory://',
    secretKey: Buffer.alloc(32, 3).toString('base64'),
    bootstrapApiKey: 'gh_bench_custom_db_key_0123456789',
    adminPassword: 'bench-admin-password',
    logLevel: 'warn',
    rateLimits: { loginPerIpPerMinute: 1e9, loginPerIdentifierPer5Minutes: 1e9, registerPerIpPerHour: 1e9 },
  };
  const gh = await createGatehouse(config, { logger: pino({ level: 'warn' }) });
  const hostStore = await openStore({ dataDir: 'memory://' });
  try {
    const pool = await gh.services.pools.get('default');
    await gh.services.connections.update(pool, {
      enabled: true,
      mode: 'LAZY_MIGRATION',
      connection: { uri: legacy.url },
    });
    for (const [name, source] of Object.entries(getTemplate('postgres')!.scripts)) {
      await gh.services.connections.saveScript(pool, name, source, 'bench');
    }
    const request = { ip: '127.0.0.1' };
    const login = (i: number) =>
      gh.services.auth.authenticate(pool, { email: `bench${i}@example.com`, password: PASSWORD }, request);

    // Warm-up: start the pool's sandbox child and its connection pool, JIT the paths.
    for (let i = USERS + 1; i <= USERS + 5; i++) await login(i);

    const first: number[] = [];
    for (let i = 1; i <= USERS; i++) {
      const t = performance.now();
      await login(i);
      first.push(performance.now() - t);
    }
    const runsBefore = (await gh.services.connections.logs(pool, { page: 1, limit: 1 })).totalCount;
    const second: number[] = [];
    for (let i = 1; i <= USERS; i++) {
      const t = performance.now();
      await login(i);
      second.push(performance.now() - t);
    }
    const scriptRunsDuringSecond =
      (await gh.services.connections.logs(pool, { page: 1, limit: 1 })).totalCount - runsBefore;

    // Baseline: the same work by hand in the host, against the same kinds of databases.
    await migrate(hostStore.db);
    const hostPool = await new PoolService(hostStore.db).ensureDefault();
    const hasher = new PasswordHasher(config.argon2);
    const legacyPool = new pg.Pool({ connectionString: legacy.url, max: 4 });
    const direct = async (i: number) => {
      const { rows } = await legacyPool.query(
        'SELECT id, email, username, phone, nickname, name, password_hash, email_verified, disabled, created_at FROM users WHERE lower(email) = lower($1)',
        [`bench${i}@example.com`],
      );
      const row = rows[0];
      if (!row || !(await bcryptVerify(PASSWORD, row.password_hash)))
        throw new Error('baseline login failed');
      await hostStore.db
        .insertInto('users')
        .values({
          id: randomUUID(),
          pool_id: hostPool.id,
          email: row.email,
          username: row.username,
          phone: row.phone,
          password_hash: await hasher.hash(PASSWORD),
          external_id: String(row.id),
          migrated_at: new Date(),
          last_ip: null,
          profile: JSON.stringify({ name: row.name, nickname: row.nickname }),
        })
        .onConflict((oc) => oc.doNothing())
        .execute();
    };
    for (let i = USERS + 1; i <= USERS + 5; i++) await direct(i);
    const baseline: number[] = [];
    for (let i = 1; i <= USERS; i++) {
      const t = performance.now();
      await direct(i);
      baseline.push(performance.now() - t);
    }
    await legacyPool.end();

    const ratio = mean(first) / mean(baseline);
    return [
      {
        name: `first login of a legacy user (script + import), mean of ${USERS}`,
        value: `${mean(first).toFixed(1)} ms`,
        baseline: `${mean(baseline).toFixed(1)} ms (same work on the drivers in the host)`,
        ratio: `${ratio.toFixed(2)}×`,
        target: '≤ 1.3×',
        met: ratio <= 1.3,
      },
      {
        name: `second login of the same user (local), mean of ${USERS}`,
        value: `${mean(second).toFixed(1)} ms`,
        baseline: `${scriptRunsDuringSecond} script runs during the second logins`,
        target: 'no script call',
        met: scriptRunsDuringSecond === 0,
      },
    ];
  } finally {
    await gh.close();
    await hostStore.close();
    await legacy.drop();
  }
}
