/** SQL for applications (OIDC clients). Every query is scoped by pool. */
import type { Selectable } from 'kysely';
import type { Db } from '../index.js';
import type { ApplicationsTable } from '../schema.js';

export type ApplicationRow = Selectable<ApplicationsTable>;

export function findApplication(db: Db, poolId: string, id: string): Promise<ApplicationRow | undefined> {
  return db
    .selectFrom('applications')
    .selectAll()
    .where('pool_id', '=', poolId)
    .where('id', '=', id)
    .executeTakeFirst();
}

/** The oldest first-party application of the pool (the one the login API uses by default). */
export function findFirstPartyApplication(db: Db, poolId: string): Promise<ApplicationRow | undefined> {
  return db
    .selectFrom('applications')
    .selectAll()
    .where('pool_id', '=', poolId)
    .where('first_party', '=', true)
    .orderBy('created_at')
    .orderBy('id')
    .limit(1)
    .executeTakeFirst();
}

export async function listApplications(db: Db, poolId: string, offset: number, limit: number) {
  const [count, rows] = await Promise.all([
    db
      .selectFrom('applications')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('pool_id', '=', poolId)
      .executeTakeFirstOrThrow(),
    db
      .selectFrom('applications')
      .selectAll()
      .where('pool_id', '=', poolId)
      .orderBy('created_at')
      .orderBy('id')
      .offset(offset)
      .limit(limit)
      .execute(),
  ]);
  return { totalCount: Number(count.n), rows };
}

export function insertApplication(
  db: Db,
  row: {
    id: string;
    pool_id: string;
    name: string;
    client_secret_sealed: string | null;
    metadata: Record<string, unknown>;
    first_party: boolean;
  },
): Promise<ApplicationRow> {
  return db
    .insertInto('applications')
    .values({ ...row, metadata: JSON.stringify(row.metadata) })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export function updateApplication(
  db: Db,
  poolId: string,
  id: string,
  patch: { name?: string; metadata?: Record<string, unknown>; first_party?: boolean },
): Promise<ApplicationRow | undefined> {
  return db
    .updateTable('applications')
    .set({
      ...(patch.name !== undefined ? { name: patch.name } : {}),
      ...(patch.metadata !== undefined ? { metadata: JSON.stringify(patch.metadata) } : {}),
      ...(patch.first_party !== undefined ? { first_party: patch.first_party } : {}),
      updated_at: new Date(),
    })
    .where('pool_id', '=', poolId)
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirst();
}

export async function deleteApplication(db: Db, poolId: string, id: string): Promise<boolean> {
  const result = await db
    .deleteFrom('applications')
    .where('pool_id', '=', poolId)
    .where('id', '=', id)
    .executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}
