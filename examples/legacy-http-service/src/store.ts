/**
 * The legacy service's user store: the sample `users` table of docs/custom-db/sample-schemas/postgres.sql,
 * either in an embedded PGlite database (no server needed) or in a PostgreSQL database. All SQL is
 * parameterised; column names come from the fixed lists below only.
 */
import { readFile } from 'node:fs/promises';
import { hash, verify } from '@node-rs/bcrypt';
import pg from 'pg';

export const BCRYPT_COST = 10;

export interface QueryResult<Row> {
  rows: Row[];
  rowCount: number;
}

/** The little a store needs from a PostgreSQL connection. */
export interface Database {
  query<Row = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<QueryResult<Row>>;
  /** Runs a script of several statements (no parameters). */
  exec(sql: string): Promise<void>;
  close(): Promise<void>;
}

/** An embedded PGlite database, in memory unless a data directory is given. */
export async function openPglite(dataDir?: string): Promise<Database> {
  const { PGlite } = await import('@electric-sql/pglite');
  const db = new PGlite(dataDir);
  await db.waitReady;
  return {
    async query<Row>(sql: string, params: unknown[] = []) {
      const result = await db.query<Row>(sql, params);
      return { rows: result.rows, rowCount: result.affectedRows ?? result.rows.length };
    },
    async exec(sql: string) {
      await db.exec(sql);
    },
    close: () => db.close(),
  };
}

/** A PostgreSQL database reached through a connection pool. */
export function openPostgres(connectionString: string): Database {
  const pool = new pg.Pool({ connectionString, max: 5 });
  return {
    async query<Row>(sql: string, params: unknown[] = []) {
      const result = await pool.query(sql, params);
      return { rows: result.rows as Row[], rowCount: result.rowCount ?? 0 };
    },
    async exec(sql: string) {
      await pool.query(sql);
    },
    close: () => pool.end(),
  };
}

export const SAMPLE_SCHEMA_URL = new URL(
  '../../../docs/custom-db/sample-schemas/postgres.sql',
  import.meta.url,
);

/** Creates the sample `users` table and its six seed users (an empty database is expected). */
export async function loadSampleSchema(db: Database): Promise<void> {
  await db.exec(await readFile(SAMPLE_SCHEMA_URL, 'utf8'));
}

/** A user as the service returns it: the row without its password hash. */
export interface LegacyUser {
  id: number;
  email: string | null;
  username: string | null;
  phone: string | null;
  nickname: string | null;
  name: string | null;
  given_name: string | null;
  family_name: string | null;
  avatar_url: string | null;
  gender: 'M' | 'F' | 'U' | null;
  birthdate: string | null;
  email_verified: boolean;
  disabled: boolean;
  created_at: string;
  updated_at: string;
}

/** Fields a client may write (besides `password`). */
export const WRITABLE_FIELDS = [
  'email',
  'username',
  'phone',
  'nickname',
  'name',
  'given_name',
  'family_name',
  'avatar_url',
  'gender',
  'birthdate',
  'email_verified',
  'disabled',
] as const;
export type WritableField = (typeof WRITABLE_FIELDS)[number];
export type UserFields = Partial<Record<WritableField, string | boolean | null>>;

/** The identifiers a user can be looked up by, and how each compares. */
const LOOKUP = {
  id: 'id = $1',
  email: 'lower(email) = lower($1)',
  username: 'username = $1',
  phone: 'phone = $1',
} as const;
export type LookupField = keyof typeof LOOKUP;

const COLUMNS =
  'id, email, username, phone, nickname, name, given_name, family_name, avatar_url, gender, ' +
  "to_char(birthdate, 'YYYY-MM-DD') AS birthdate, email_verified, disabled, created_at, updated_at";

interface Row extends Omit<LegacyUser, 'created_at' | 'updated_at'> {
  created_at: Date | string;
  updated_at: Date | string;
  password_hash?: string | null;
}

function toUser(row: Row): LegacyUser {
  const { password_hash: _hash, ...user } = row;
  return {
    ...user,
    created_at: new Date(row.created_at).toISOString(),
    updated_at: new Date(row.updated_at).toISOString(),
  };
}

/** Ids are PostgreSQL `integer`s: anything else names no user. */
export function parseId(value: string | number): number | null {
  const text = String(value);
  return /^[1-9][0-9]{0,9}$/.test(text) && Number(text) <= 2147483647 ? Number(text) : null;
}

export class UserExistsError extends Error {}
export class InvalidValueError extends Error {}

function translate(error: unknown): never {
  const code = (error as { code?: unknown }).code;
  if (code === '23505') throw new UserExistsError('A user with this email, username or phone already exists');
  if (typeof code === 'string' && (code.startsWith('22') || code === '23514')) {
    throw new InvalidValueError((error as Error).message);
  }
  throw error;
}

export class UserStore {
  constructor(private readonly db: Database) {}

  async find(
    field: LookupField,
    value: string,
  ): Promise<(LegacyUser & { passwordHash: string | null }) | null> {
    let param: string | number = value;
    if (field === 'id') {
      const id = parseId(value);
      if (id === null) return null;
      param = id;
    }
    const { rows } = await this.db.query<Row>(
      `SELECT password_hash, ${COLUMNS} FROM users WHERE ${LOOKUP[field]} LIMIT 1`,
      [param],
    );
    const row = rows[0];
    return row ? { ...toUser(row), passwordHash: row.password_hash ?? null } : null;
  }

  /** `null` when no user has that identifier, else whether the password is right. */
  async verify(
    field: LookupField,
    value: string,
    password: string,
  ): Promise<{ user: LegacyUser; valid: boolean } | null> {
    const found = await this.find(field, value);
    if (!found) return null;
    const { passwordHash, ...user } = found;
    return { user, valid: passwordHash ? await verify(password, passwordHash) : false };
  }

  /** Page `page` (from 1) of the users, or of those matching `q` anywhere in their identifiers and names. */
  async list(page: number, limit: number, q?: string): Promise<{ total: number; users: LegacyUser[] }> {
    const params: unknown[] = [];
    let where = '';
    if (q !== undefined && q !== '') {
      // %, _ and \ in the keyword match literally (backslash is PostgreSQL's default LIKE escape).
      params.push(`%${q.replace(/[\\%_]/g, '\\$&')}%`);
      where =
        ' WHERE email ILIKE $1 OR username ILIKE $1 OR phone ILIKE $1 OR nickname ILIKE $1 OR name ILIKE $1';
    }
    const counted = await this.db.query<{ total: number }>(
      `SELECT count(*)::int AS total FROM users${where}`,
      params,
    );
    const n = params.length;
    const { rows } = await this.db.query<Row>(
      `SELECT ${COLUMNS} FROM users${where} ORDER BY id LIMIT $${n + 1} OFFSET $${n + 2}`,
      [...params, limit, (page - 1) * limit],
    );
    return { total: counted.rows[0]?.total ?? 0, users: rows.map(toUser) };
  }

  async create(fields: UserFields, password?: string): Promise<LegacyUser> {
    const columns: string[] = [];
    const values: unknown[] = [];
    for (const field of WRITABLE_FIELDS) {
      if (fields[field] === undefined || fields[field] === null) continue;
      columns.push(field);
      values.push(fields[field]);
    }
    if (password) {
      columns.push('password_hash');
      values.push(await hash(password, BCRYPT_COST));
    }
    const placeholders = values.map((_, i) => `$${i + 1}`).join(', ');
    try {
      const { rows } = await this.db.query<Row>(
        columns.length === 0
          ? `INSERT INTO users DEFAULT VALUES RETURNING ${COLUMNS}`
          : `INSERT INTO users (${columns.join(', ')}) VALUES (${placeholders}) RETURNING ${COLUMNS}`,
        values,
      );
      return toUser(rows[0] as Row);
    } catch (error) {
      translate(error);
    }
  }

  /** `null` when there is no such user. */
  async update(id: number, fields: UserFields, password?: string): Promise<LegacyUser | null> {
    const assignments: string[] = [];
    const values: unknown[] = [];
    for (const field of WRITABLE_FIELDS) {
      if (fields[field] === undefined) continue;
      values.push(fields[field]);
      assignments.push(`${field} = $${values.length}`);
    }
    if (password) {
      values.push(await hash(password, BCRYPT_COST));
      assignments.push(`password_hash = $${values.length}`);
    }
    assignments.push('updated_at = now()');
    values.push(id);
    try {
      const { rows } = await this.db.query<Row>(
        `UPDATE users SET ${assignments.join(', ')} WHERE id = $${values.length} RETURNING ${COLUMNS}`,
        values,
      );
      return rows[0] ? toUser(rows[0]) : null;
    } catch (error) {
      translate(error);
    }
  }

  /** Whether a user was deleted. */
  async remove(id: number): Promise<boolean> {
    const { rowCount } = await this.db.query('DELETE FROM users WHERE id = $1', [id]);
    return rowCount > 0;
  }
}
