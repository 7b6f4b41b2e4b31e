/**
 * The store's behaviour on both backends: embedded PGlite and the machine's PostgreSQL.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore, migrate, type Store } from '../../src/store/index.js';
import { PoolService } from '../../src/pools/index.js';
import { LocalDirectory } from '../../src/directory/local.js';
import { PasswordHasher } from '../../src/security/passwords.js';
import { findUserById, findUserByIdentifier } from '../../src/store/queries/users.js';
import { upsertOidcPayloads } from '../../src/store/queries/oidc-payloads.js';
import { createTestDatabase, postgresAvailable } from '../helpers/services.js';
import type { Pool } from '../../src/pools/index.js';

const hasher = new PasswordHasher({ memoryCost: 1024, timeCost: 1, parallelism: 1 });

const backends: Array<{ name: string; open: () => Promise<{ store: Store; cleanup: () => Promise<void> }> }> =
  [
    {
      name: 'PGlite (embedded)',
      open: async () => {
        const store = await openStore({ dataDir: 'memory://' });
        return { store, cleanup: () => store.close() };
      },
    },
    {
      name: 'PostgreSQL',
      open: async () => {
        const database = await createTestDatabase('gh_store');
        const store = await openStore({ dataDir: 'unused', databaseUrl: database.url });
        return {
          store,
          cleanup: async () => {
            await store.close();
            await database.drop();
          },
        };
      },
    },
  ];

const pgUp = await postgresAvailable();

for (const backend of backends) {
  describe.runIf(backend.name !== 'PostgreSQL' || pgUp)(`store on ${backend.name}`, () => {
    let store: Store;
    let cleanup: () => Promise<void>;
    let pools: PoolService;
    let a: Pool;
    let b: Pool;
    let dir: LocalDirectory;

    beforeAll(async () => {
      ({ store, cleanup } = await backend.open());
      expect(await migrate(store.db)).toContain('001-core');
      // Running again is a no-op (every node migrates on start).
      expect(await migrate(store.db)).toEqual([]);
      pools = new PoolService(store.db);
      a = await pools.ensureDefault();
      b = await pools.create({ slug: 'other', name: 'Other' });
      dir = new LocalDirectory(store.db, hasher);
    });
    afterAll(async () => {
      await cleanup?.();
    });

    it('creates the default pool once', async () => {
      const again = await pools.ensureDefault();
      expect(again.id).toBe(a.id);
      expect((await pools.list(1, 10)).totalCount).toBe(2);
      expect(a.settings.passwordPolicy.minLength).toBe(8);
    });

    it('refuses a duplicate pool slug with 409', async () => {
      await expect(pools.create({ slug: 'other' })).rejects.toMatchObject({
        status: 409,
        code: 'pool_exists',
      });
    });

    it('keeps email unique case-insensitively, username case-sensitively, phone as E.164, per pool', async () => {
      await dir.create(
        { pool: a },
        { email: 'Ada@Example.com', username: 'ada', phone: '+1 (415) 555-2671' },
      );
      await expect(dir.create({ pool: a }, { email: 'ada@example.COM' })).rejects.toMatchObject({
        status: 409,
        code: 'user_exists',
      });
      await expect(dir.create({ pool: a }, { phone: '+14155552671' })).rejects.toMatchObject({ status: 409 });
      // Username is case-sensitive: "Ada" is another user.
      await expect(dir.create({ pool: a }, { username: 'Ada' })).resolves.toMatchObject({ username: 'Ada' });
      // The same identifiers in another pool are another user.
      await expect(
        dir.create({ pool: b }, { email: 'ada@example.com', username: 'ada', phone: '+14155552671' }),
      ).resolves.toMatchObject({ email: 'ada@example.com' });
      const found = await dir.findByIdentifier({ pool: a }, { kind: 'email', value: 'ADA@example.com' });
      expect(found?.phone).toBe('+14155552671');
      expect(found?.email).toBe('Ada@Example.com');
    });

    it('reads a user by identifier exactly as select * does (the login lookup reads JSON)', async () => {
      const created = await dir.create(
        { pool: a },
        {
          email: 'Json@Example.com',
          username: 'json-user',
          phone: '+14155550123',
          nickname: 'Jay',
          address: 'Somewhere 1',
          customData: { plan: 'pro', tags: ['a', 'b'], nested: { n: 1.5, ok: true } },
        },
      );
      await store.db
        .updateTable('users')
        .set({ last_login: new Date('2024-02-29T23:59:59.123Z'), last_ip: '192.0.2.7', logins_count: 41 })
        .where('id', '=', created.id)
        .execute();
      const expected = await findUserById(store.db, a.id, created.id);
      for (const identifier of [
        { kind: 'email', value: 'JSON@example.com' },
        { kind: 'username', value: 'json-user' },
        { kind: 'phone', value: '+14155550123' },
      ] as const) {
        expect(await findUserByIdentifier(store.db, a.id, identifier)).toEqual(expected);
        expect(await findUserByIdentifier(store.db, b.id, identifier)).toBeUndefined();
      }
      expect(expected?.last_login).toEqual(new Date('2024-02-29T23:59:59.123Z'));
      expect(await findUserByIdentifier(store.db, a.id, { kind: 'username', value: 'JSON-user' })).toBe(
        undefined,
      );
    });

    it('scopes every lookup by pool', async () => {
      const inA = await dir.create({ pool: a }, { email: 'scoped@example.com', password: 'correct horse' });
      expect(await dir.findById({ pool: b }, inA.id)).toBeNull();
      await expect(dir.update({ pool: b }, inA.id, { nickname: 'x' })).rejects.toMatchObject({ status: 404 });
      await expect(dir.delete({ pool: b }, inA.id)).rejects.toMatchObject({ status: 404 });
      const viaB = await dir.authenticate(
        { pool: b },
        { kind: 'email', value: 'scoped@example.com' },
        'correct horse',
      );
      expect(viaB.ok).toBe(false);
      const viaA = await dir.authenticate(
        { pool: a },
        { kind: 'email', value: 'scoped@example.com' },
        'correct horse',
      );
      expect(viaA.ok).toBe(true);
    });

    it('stores the profile fields and pages the list with a total', async () => {
      const created = await dir.create(
        { pool: b },
        {
          username: 'grace',
          nickname: 'Amazing Grace',
          gender: 'F',
          customData: { team: 'navy' },
          city: 'Arlington',
        },
      );
      expect(created).toMatchObject({ nickname: 'Amazing Grace', gender: 'F', customData: { team: 'navy' } });
      const updated = await dir.update({ pool: b }, created.id, { city: 'New York', blocked: true });
      expect(updated).toMatchObject({ city: 'New York', nickname: 'Amazing Grace', blocked: true });
      for (let i = 0; i < 5; i++) await dir.create({ pool: b }, { username: `page-${i}` });
      const page1 = await dir.list({ pool: b }, { page: 1, limit: 3 });
      const page3 = await dir.list({ pool: b }, { page: 3, limit: 3 });
      expect(page1.totalCount).toBe(7);
      expect(page1.list).toHaveLength(3);
      expect(page3.list).toHaveLength(1);
      const search = await dir.list({ pool: b }, { page: 1, limit: 10, keyword: 'amazing' });
      expect(search.list.map((u) => u.username)).toEqual(['grace']);
      // Wildcards in keywords match literally.
      expect((await dir.list({ pool: b }, { page: 1, limit: 10, keyword: '%' })).totalCount).toBe(0);
    });

    it('serialises concurrent writes and transactions', async () => {
      const results = await Promise.allSettled(
        Array.from({ length: 10 }, () => dir.create({ pool: a }, { email: 'race@example.com' })),
      );
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      await store.db.transaction().execute(async (trx) => {
        await trx.updateTable('pools').set({ name: 'Renamed' }).where('id', '=', a.id).execute();
      });
      expect((await pools.get('default')).name).toBe('Renamed');
    });

    it("deleting a pool removes its OIDC artifacts and users, and nothing of another pool's", async () => {
      const doomed = await pools.create({ slug: 'doomed', name: 'Doomed' });
      const expiresAt = new Date(Date.now() + 60_000);
      await upsertOidcPayloads(store.db, [
        { key: { poolId: doomed.id, model: 'AccessToken' }, id: 'tok-1', payload: {}, expiresAt },
        { key: { poolId: b.id, model: 'AccessToken' }, id: 'tok-1', payload: {}, expiresAt },
      ]);
      await dir.create({ pool: doomed }, { email: 'doomed@example.com' });
      await pools.delete('doomed');
      const left = await store.db
        .selectFrom('oidc_payloads')
        .select('pool_id')
        .where('id', '=', 'tok-1')
        .execute();
      expect(left).toEqual([{ pool_id: b.id }]);
      const users = await store.db
        .selectFrom('users')
        .select('id')
        .where('pool_id', '=', doomed.id)
        .execute();
      expect(users).toEqual([]);
    });
  });
}
