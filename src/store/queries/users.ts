/** SQL for users. Every function takes the pool id and filters by it. */
import { sql, type CompiledQuery, type Selectable, type Insertable, type Updateable } from 'kysely';
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

/** The timestamp columns of users: strings when a row is read as JSON. */
const USER_TIMESTAMPS = ['migrated_at', 'last_login', 'created_at', 'updated_at'] as const;

/** A users row read as one JSON value (see findUserByIdentifier) back in the shape of `select *`. */
export function userRowFromJson(text: string): UserRow {
  const row = JSON.parse(text) as Record<string, unknown>;
  for (const column of USER_TIMESTAMPS) {
    const value = row[column];
    if (typeof value === 'string') {
      const date = new Date(value);
      // PostgreSQL writes ISO 8601 with an offset; only a far-past local-mean-time offset with seconds
      // (e.g. +00:53:28) would not parse.
      if (Number.isNaN(date.getTime())) throw new Error(`Unreadable timestamp in users.${column}: ${value}`);
      row[column] = date;
    }
  }
  return row as unknown as UserRow;
}

/** The login lookup statements, compiled once per database handle (the hot path skips Kysely's compiler). */
const identifierQueries = new WeakMap<Db, Record<Identifier['kind'], CompiledQuery>>();

function identifierQuery(db: Db, kind: Identifier['kind']): CompiledQuery {
  let queries = identifierQueries.get(db);
  if (!queries) {
    // Read as one JSON value: the embedded store decodes one column far faster than eighteen.
    const base = () =>
      db
        .selectFrom('users as u')
        .select(sql<string>`row_to_json(u)::text`.as('row'))
        .where('u.pool_id', '=', '');
    queries = {
      email: base()
        .where(sql`lower(u.email)`, '=', '')
        .compile(),
      username: base().where('u.username', '=', '').compile(),
      phone: base().where('u.phone', '=', '').compile(),
    };
    identifierQueries.set(db, queries);
  }
  return queries[kind];
}

/** The user with this identifier (email case-insensitively), or undefined. On the login path. */
export async function findUserByIdentifier(
  db: Db,
  poolId: string,
  identifier: Identifier,
): Promise<UserRow | undefined> {
  const value = identifier.kind === 'email' ? identifier.value.toLowerCase() : identifier.value;
  const compiled = identifierQuery(db, identifier.kind);
  const { rows } = await db.executeQuery<{ row: string }>({ ...compiled, parameters: [poolId, value] });
  return rows[0] ? userRowFromJson(rows[0].row) : undefined;
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

export interface LoginStats {
  poolId: string;
  id: string;
  /** Logins to add to logins_count. */
  count: number;
  /** Time and address of the latest of them. */
  at: Date;
  ip: string | null;
}

/**
 * Adds batched login statistics in one statement. Counts are added (never overwritten), so nodes
 * flushing at the same time all count; last_login / last_ip only move forward in time.
 */
export async function recordLogins(db: Db, stats: LoginStats[]): Promise<void> {
  if (stats.length === 0) return;
  const rows = stats.map(
    (s) => sql`(${s.poolId}, ${s.id}, ${s.count}::integer, ${s.at}::timestamptz, ${s.ip}::text)`,
  );
  await sql`
    update users as u set
      logins_count = u.logins_count + v.n,
      last_ip = case when u.last_login is null or v.at >= u.last_login then v.ip else u.last_ip end,
      last_login = case when u.last_login is null or v.at >= u.last_login then v.at else u.last_login end
    from (values ${sql.join(rows)}) as v (pool_id, id, n, at, ip)
    where u.pool_id = v.pool_id and u.id = v.id`.execute(db);
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
