/** SQL for users. Every function takes the pool id and filters by it. */
import { sql, type Selectable, type Insertable, type Updateable } from 'kysely';
import type { Db } from '../index.js';
import type { UsersTable } from '../schema.js';

export type UserRow = Selectable<UsersTable>;
export type Identifier = { kind: 'email' | 'username' | 'phone'; value: string };

export function findUserById(db: Db, poolId: string, id: string): Promise<UserRow | undefined> {
  return db
    .selectFrom('users')
    .selectAll()
    .where('pool_id', '=', poolId)
    .where('id', '=', id)
    .executeTakeFirst();
}

export function findUserByIdentifier(
  db: Db,
  poolId: string,
  identifier: Identifier,
): Promise<UserRow | undefined> {
  const query = db.selectFrom('users').selectAll().where('pool_id', '=', poolId);
  switch (identifier.kind) {
    case 'email':
      return query.where(sql`lower(email)`, '=', identifier.value.toLowerCase()).executeTakeFirst();
    case 'username':
      return query.where('username', '=', identifier.value).executeTakeFirst();
    case 'phone':
      return query.where('phone', '=', identifier.value).executeTakeFirst();
  }
}

export function findUserByExternalId(
  db: Db,
  poolId: string,
  externalId: string,
): Promise<UserRow | undefined> {
  return db
    .selectFrom('users')
    .selectAll()
    .where('pool_id', '=', poolId)
    .where('external_id', '=', externalId)
    .executeTakeFirst();
}

export async function insertUser(db: Db, row: Insertable<UsersTable>): Promise<UserRow> {
  return db.insertInto('users').values(row).returningAll().executeTakeFirstOrThrow();
}

export async function updateUserRow(
  db: Db,
  poolId: string,
  id: string,
  patch: Updateable<UsersTable>,
): Promise<UserRow | undefined> {
  return db
    .updateTable('users')
    .set({ ...patch, updated_at: new Date() })
    .where('pool_id', '=', poolId)
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirst();
}

export async function deleteUserRow(db: Db, poolId: string, id: string): Promise<boolean> {
  const result = await db
    .deleteFrom('users')
    .where('pool_id', '=', poolId)
    .where('id', '=', id)
    .executeTakeFirst();
  return result.numDeletedRows > 0n;
}

/** Counts a successful login and returns the updated row (one statement on the login path). */
export async function recordLogin(
  db: Db,
  poolId: string,
  id: string,
  ip: string | null,
): Promise<UserRow | undefined> {
  return db
    .updateTable('users')
    .set((eb) => ({ logins_count: eb('logins_count', '+', 1), last_login: new Date(), last_ip: ip }))
    .where('pool_id', '=', poolId)
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirst();
}

/** Escapes LIKE wildcards so a keyword is matched literally. */
function likePattern(keyword: string): string {
  return `%${keyword.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

export async function listUserRows(
  db: Db,
  poolId: string,
  options: { offset: number; limit: number; keyword?: string },
): Promise<{ totalCount: number; rows: UserRow[] }> {
  let base = db.selectFrom('users').where('pool_id', '=', poolId);
  const keyword = options.keyword;
  if (keyword) {
    const pattern = likePattern(keyword.toLowerCase());
    base = base.where((eb) =>
      eb.or([
        eb(sql`lower(email)`, 'like', pattern),
        eb(sql`lower(username)`, 'like', pattern),
        eb('phone', 'like', pattern),
        eb(sql`lower(profile->>'nickname')`, 'like', pattern),
        eb(sql`lower(profile->>'name')`, 'like', pattern),
        eb('id', '=', keyword),
        eb('external_id', '=', keyword),
      ]),
    );
  }
  const [count, rows] = await Promise.all([
    base.select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow(),
    base
      .selectAll()
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .offset(options.offset)
      .limit(options.limit)
      .execute(),
  ]);
  return { totalCount: Number(count.n), rows };
}

/** Postgres unique violations name the index; this maps them back to the identifier that clashed. */
export function uniqueViolationField(
  error: unknown,
): 'email' | 'username' | 'phone' | 'externalId' | undefined {
  const e = error as { code?: string; constraint?: string; message?: string };
  if (e?.code !== '23505' && !/duplicate key/.test(e?.message ?? '')) return undefined;
  const where = `${e.constraint ?? ''} ${e.message ?? ''}`;
  if (where.includes('users_pool_email')) return 'email';
  if (where.includes('users_pool_username')) return 'username';
  if (where.includes('users_pool_phone')) return 'phone';
  if (where.includes('users_pool_external_id')) return 'externalId';
  return undefined;
}
