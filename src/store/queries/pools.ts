/** SQL for user pools. */
import type { Insertable, Selectable } from 'kysely';
import type { Db } from '../index.js';
import type { PoolsTable } from '../schema.js';

export type PoolRow = Selectable<PoolsTable>;

export function findPoolBySlug(db: Db, slug: string): Promise<PoolRow | undefined> {
  return db.selectFrom('pools').selectAll().where('slug', '=', slug).executeTakeFirst();
}

export function findPoolById(db: Db, id: string): Promise<PoolRow | undefined> {
  return db.selectFrom('pools').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function listPoolRows(db: Db, offset: number, limit: number) {
  const [count, rows] = await Promise.all([
    db
      .selectFrom('pools')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .executeTakeFirstOrThrow(),
    db
      .selectFrom('pools')
      .selectAll()
      .orderBy('created_at')
      .orderBy('id')
      .offset(offset)
      .limit(limit)
      .execute(),
  ]);
  return { totalCount: Number(count.n), rows };
}

/** Inserts unless the slug exists; returns the row either way (safe when nodes start together). */
export async function insertPoolIfAbsent(db: Db, row: Insertable<PoolsTable>): Promise<PoolRow> {
  await db
    .insertInto('pools')
    .values(row)
    .onConflict((oc) => oc.column('slug').doNothing())
    .execute();
  return (await findPoolBySlug(db, row.slug))!;
}

export async function insertPool(db: Db, row: Insertable<PoolsTable>): Promise<PoolRow> {
  return db.insertInto('pools').values(row).returningAll().executeTakeFirstOrThrow();
}

export async function updatePoolRow(
  db: Db,
  id: string,
  patch: { name?: string; metadata?: string; settings?: string },
): Promise<PoolRow | undefined> {
  return db
    .updateTable('pools')
    .set({ ...patch, updated_at: new Date() })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirst();
}

/** Removes the pool and everything of it: by cascade, and the OIDC artifacts (no foreign key, see 005). */
export async function deletePoolRow(db: Db, id: string): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const result = await trx.deleteFrom('pools').where('id', '=', id).executeTakeFirst();
    await trx.deleteFrom('oidc_payloads').where('pool_id', '=', id).execute();
    return result.numDeletedRows > 0n;
  });
}
