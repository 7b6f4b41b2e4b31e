/**
 * SQL of lazy migration: importing a legacy user into the local store, once, whatever the number of
 * nodes and simultaneous first logins. Uniqueness is enforced by the database (users_pool_external_id
 * and the identifier indexes), never by a check-then-insert in the application.
 */
import { sql, type Insertable } from 'kysely';
import type { Db } from '../index.js';
import type { UsersTable } from '../schema.js';
import type { UserRow } from './users.js';

export type ImportOutcome =
  | { kind: 'inserted' | 'existing' | 'attached'; row: UserRow }
  /** Another local user (not from this legacy id) already holds one of the identifiers. */
  | { kind: 'conflict' };

/**
 * Inserts the legacy user, or finds the one a concurrent import inserted, or attaches the legacy id to a
 * local user with the same identifiers that has no password and no legacy id yet (e.g. imported by
 * a password reset or created by an operator). `passwordHash` is set when the row has none.
 */
export async function importLegacyUser(
  db: Db,
  row: Insertable<UsersTable> & { pool_id: string; external_id: string },
): Promise<ImportOutcome> {
  return db.transaction().execute(async (trx) => {
    const inserted = await trx
      .insertInto('users')
      .values(row)
      .onConflict((oc) => oc.doNothing())
      .returningAll()
      .executeTakeFirst();
    if (inserted) return { kind: 'inserted', row: inserted };

    const existing = await trx
      .selectFrom('users')
      .selectAll()
      .where('pool_id', '=', row.pool_id)
      .where('external_id', '=', row.external_id)
      .executeTakeFirst();
    if (existing) {
      if (existing.password_hash || !row.password_hash) return { kind: 'existing', row: existing };
      // Imported earlier without a password (password reset): the first login sets it.
      const updated = await trx
        .updateTable('users')
        .set({ password_hash: row.password_hash, updated_at: new Date() })
        .where('pool_id', '=', row.pool_id)
        .where('id', '=', existing.id)
        .where('password_hash', 'is', null)
        .returningAll()
        .executeTakeFirst();
      return { kind: 'existing', row: updated ?? existing };
    }

    // The conflict was on an identifier: attach to that user if it is a passwordless local stub.
    const identifiers = [
      row.email ? sql<boolean>`lower(email) = ${String(row.email).toLowerCase()}` : undefined,
      row.username ? sql<boolean>`username = ${row.username}` : undefined,
      row.phone ? sql<boolean>`phone = ${row.phone}` : undefined,
    ].filter((c) => c !== undefined);
    const holders = await trx
      .selectFrom('users')
      .selectAll()
      .where('pool_id', '=', row.pool_id)
      .where((eb) => eb.or(identifiers.map((c) => eb(c, '=', true))))
      .execute();
    const holder = holders.length === 1 ? holders[0] : undefined;
    if (!holder || holder.external_id || holder.password_hash) return { kind: 'conflict' };
    const attached = await trx
      .updateTable('users')
      .set({
        external_id: row.external_id,
        migrated_at: row.migrated_at ?? new Date(),
        password_hash: row.password_hash ?? null,
        updated_at: new Date(),
      })
      .where('pool_id', '=', row.pool_id)
      .where('id', '=', holder.id)
      .returningAll()
      .executeTakeFirstOrThrow();
    return { kind: 'attached', row: attached };
  });
}

/** Migration progress of a pool: local users, those that came from the legacy database, and when. */
export async function migrationCounts(
  db: Db,
  poolId: string,
): Promise<{ total: number; migrated: number; withPassword: number }> {
  const row = await db
    .selectFrom('users')
    .select((eb) => [
      eb.fn.countAll<string>().as('total'),
      eb.fn.count<string>('external_id').as('migrated'),
      sql<string>`count(*) filter (where external_id is not null and password_hash is not null)`.as(
        'with_password',
      ),
    ])
    .where('pool_id', '=', poolId)
    .executeTakeFirstOrThrow();
  return {
    total: Number(row.total),
    migrated: Number(row.migrated),
    withPassword: Number(row.with_password),
  };
}

/** Users migrated per day, for the console's progress chart. */
export async function migrationsPerDay(
  db: Db,
  poolId: string,
  days: number,
): Promise<Array<{ day: string; count: number }>> {
  const rows = await db
    .selectFrom('users')
    .select([
      sql<string>`to_char(date_trunc('day', migrated_at), 'YYYY-MM-DD')`.as('day'),
      (eb) => eb.fn.countAll<string>().as('n'),
    ])
    .where('pool_id', '=', poolId)
    .where('migrated_at', '>=', sql<Date>`now() - make_interval(days => ${days})`)
    .groupBy(sql`date_trunc('day', migrated_at)`)
    .orderBy(sql`date_trunc('day', migrated_at)`)
    .execute();
  return rows.map((r) => ({ day: r.day, count: Number(r.n) }));
}
