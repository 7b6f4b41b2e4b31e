/**
 * Login statistics are written behind (batched, within LOGIN_STATS_FLUSH_MS and on close): the stored
 * counts stay exact under concurrency, and what a login returns and what this node reads already show
 * the updated values. On both backends.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { openStore, migrate, type Store } from '../../src/store/index.js';
import { PoolService, type Pool } from '../../src/pools/index.js';
import { LocalDirectory } from '../../src/directory/local.js';
import { PasswordHasher } from '../../src/security/passwords.js';
import { findUserById } from '../../src/store/queries/users.js';
import { createTestDatabase, postgresAvailable } from '../helpers/services.js';

const hasher = new PasswordHasher({ memoryCost: 1024, timeCost: 1, parallelism: 1 });
const PASSWORD = 'correct horse battery staple';
const pgUp = await postgresAvailable();

const backends = [
  {
    name: 'PGlite (embedded)',
    enabled: true,
    open: async () => {
      const store = await openStore({ dataDir: 'memory://' });
      return { store, cleanup: () => store.close() };
    },
  },
  {
    name: 'PostgreSQL',
    enabled: pgUp,
    open: async () => {
      const database = await createTestDatabase('gh_stats');
      const store = await openStore({ dataDir: 'unused', databaseUrl: database.url });
      return {
        store,
        cleanup: async () => {
          await store.close();
          // The pool's clients may still be saying goodbye; a forced drop would kill them mid-way
          // (an uncaught "terminating connection" from pg).
          await new Promise((resolve) => setTimeout(resolve, 250));
          await database.drop();
        },
      };
    },
  },
];

for (const backend of backends) {
  describe.runIf(backend.enabled)(`login statistics on ${backend.name}`, () => {
    let store: Store;
    let cleanup: () => Promise<void>;
    let pool: Pool;
    // A long delay: nothing is written unless a test flushes.
    const directory = () => new LocalDirectory(store.db, hasher, { loginStatsFlushMs: 60_000 });
    const login = (dir: LocalDirectory, email: string, ip: string, password = PASSWORD) =>
      dir.authenticate({ pool, request: { ip } }, { kind: 'email', value: email }, password);
    const stored = async (id: string) => (await findUserById(store.db, pool.id, id))!;

    beforeAll(async () => {
      ({ store, cleanup } = await backend.open());
      await migrate(store.db);
      pool = await new PoolService(store.db).ensureDefault();
    });
    afterAll(async () => {
      await cleanup?.();
    });

    it('returns updated values at once and stores them on flush', async () => {
      const dir = directory();
      const user = await dir.create({ pool }, { email: 'seq@example.com', password: PASSWORD });
      expect(user.loginsCount).toBe(0);
      const counts: number[] = [];
      for (const ip of ['192.0.2.1', '192.0.2.2', '192.0.2.3']) {
        const result = await login(dir, 'seq@example.com', ip);
        if (!result.ok) throw new Error('login failed');
        counts.push(result.user.loginsCount as number);
        expect(result.user.lastIp).toBe(ip);
        expect(Date.now() - Date.parse(result.user.lastLogin as string)).toBeLessThan(60_000);
      }
      expect(counts).toEqual([1, 2, 3]);
      // Reads on this node already show them; the store does not yet.
      const read = await dir.findById({ pool }, user.id);
      expect([read?.loginsCount, read?.lastIp]).toEqual([3, '192.0.2.3']);
      expect((await stored(user.id)).logins_count).toBe(0);

      await dir.flushLoginStats();
      const row = await stored(user.id);
      expect([row.logins_count, row.last_ip]).toEqual([3, '192.0.2.3']);
      expect((await dir.findById({ pool }, user.id))?.loginsCount).toBe(3);

      // Counting goes on from the stored value; a failed login counts nothing.
      const fourth = await login(dir, 'seq@example.com', '192.0.2.4');
      expect(fourth.ok && fourth.user.loginsCount).toBe(4);
      expect((await login(dir, 'seq@example.com', '192.0.2.5', 'wrong password')).ok).toBe(false);
      await dir.close();
      expect((await stored(user.id)).logins_count).toBe(4);
      expect((await stored(user.id)).last_ip).toBe('192.0.2.4');
    });

    it('numbers concurrent logins of one user on one node 1, 2, 3, … like update … returning did', async () => {
      const dir = directory();
      await dir.create({ pool }, { email: 'burst@example.com', password: PASSWORD });
      const results = await Promise.all(
        Array.from({ length: 6 }, (_, i) => login(dir, 'burst@example.com', `198.51.100.${i}`)),
      );
      const counts = results.map((r) => (r.ok ? (r.user.loginsCount as number) : -1));
      expect([...counts].sort((x, y) => x - y)).toEqual([1, 2, 3, 4, 5, 6]);
      await dir.close();
    });

    it('counts every one of many concurrent logins, across nodes and flushes', async () => {
      const nodeA = directory();
      const nodeB = directory();
      const user = await nodeA.create({ pool }, { email: 'many@example.com', password: PASSWORD });
      const results = await Promise.all(
        Array.from({ length: 12 }, (_, i) => {
          const node = i % 2 === 0 ? nodeA : nodeB;
          const attempt = login(node, 'many@example.com', `198.51.100.${i}`);
          // Flushes land while other logins are in flight.
          return i % 4 === 3 ? attempt.then(async (r) => (await node.flushLoginStats(), r)) : attempt;
        }),
      );
      for (const result of results) {
        // A login whose row is read while a flush completes may be off in its response (see
        // LoginStatsRecorder); the stored count below is exact.
        expect(result.ok && result.user.loginsCount).toBeGreaterThanOrEqual(1);
        expect(result.ok && result.user.loginsCount).toBeLessThanOrEqual(12);
      }
      await Promise.all([nodeA.close(), nodeB.close()]);
      const row = await stored(user.id);
      expect(row.logins_count).toBe(12);
      expect(row.last_ip).toMatch(/^198\.51\.100\.\d+$/);
    });

    it('keeps what could not be written and writes it, once, on the next flush', async () => {
      const dir = directory();
      const user = await dir.create({ pool }, { email: 'retry@example.com', password: PASSWORD });
      await login(dir, 'retry@example.com', '203.0.113.1');
      await sql`alter table users rename column last_ip to last_ip_moved`.execute(store.db);
      try {
        await expect(dir.flushLoginStats()).rejects.toThrow();
      } finally {
        await sql`alter table users rename column last_ip_moved to last_ip`.execute(store.db);
      }
      await login(dir, 'retry@example.com', '203.0.113.2');
      expect((await dir.findById({ pool }, user.id))?.loginsCount).toBe(2);
      await dir.close();
      const row = await stored(user.id);
      expect([row.logins_count, row.last_ip]).toEqual([2, '203.0.113.2']);
    });

    it('writes in the background within the flush delay', async () => {
      const dir = new LocalDirectory(store.db, hasher, { loginStatsFlushMs: 20 });
      const user = await dir.create({ pool }, { email: 'timer@example.com', password: PASSWORD });
      await login(dir, 'timer@example.com', '203.0.113.9');
      for (let i = 0; i < 100 && (await stored(user.id)).logins_count === 0; i++) {
        await new Promise((r) => setTimeout(r, 20));
      }
      expect((await stored(user.id)).logins_count).toBe(1);
      await dir.close();
    });
  });
}
