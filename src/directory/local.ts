/** The local store as a UserDirectory: users and password hashes in Gatehouse's own database. */
import { randomUUID } from 'node:crypto';
import type { Insertable, Updateable } from 'kysely';
import type { Db } from '../store/index.js';
import type { UsersTable } from '../store/schema.js';
import {
  deleteUserRow,
  findUserById,
  findUserByIdentifier,
  insertUser,
  listUserRows,
  recordLogin,
  uniqueViolationField,
  updateUserRow,
  type UserRow,
} from '../store/queries/users.js';
import type { PasswordHasher } from '../security/passwords.js';
import { conflict, notFound } from '../shared/errors.js';
import {
  JSON_PROFILE_KEYS,
  normalizeEmail,
  normalizePhone,
  type Identifier,
  type NewUser,
  type User,
  type UserUpdate,
} from './profile.js';
import type {
  AuthenticationResult,
  DirectoryContext,
  UserDirectory,
  UserList,
  UserListQuery,
} from './types.js';

export function rowToUser(row: UserRow): User {
  const profile = row.profile ?? {};
  const user: Record<string, unknown> = {
    id: row.id,
    username: row.username,
    email: row.email,
    emailVerified: row.email_verified,
    phone: row.phone,
    phoneVerified: row.phone_verified,
  };
  for (const key of JSON_PROFILE_KEYS) user[key] = profile[key] ?? (key === 'customData' ? {} : null);
  Object.assign(user, {
    blocked: row.blocked,
    loginsCount: row.logins_count,
    lastLogin: row.last_login?.toISOString() ?? null,
    lastIp: row.last_ip,
    signedUp: row.created_at.toISOString(),
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
    externalId: row.external_id,
    migratedAt: row.migrated_at?.toISOString() ?? null,
  });
  return user as User;
}

/** Splits profile input into columns and the JSON profile, normalising identifiers. */
export function profileToColumns(
  input: UserUpdate,
  currentProfile: Record<string, unknown> = {},
): Updateable<UsersTable> {
  const columns: Updateable<UsersTable> = {};
  if (input.email !== undefined) columns.email = input.email === null ? null : normalizeEmail(input.email);
  if (input.username !== undefined) columns.username = input.username === null ? null : input.username.trim();
  if (input.phone !== undefined) columns.phone = input.phone === null ? null : normalizePhone(input.phone);
  if (input.emailVerified !== undefined) columns.email_verified = input.emailVerified;
  if (input.phoneVerified !== undefined) columns.phone_verified = input.phoneVerified;
  if (input.blocked !== undefined) columns.blocked = input.blocked;
  const profile = { ...currentProfile };
  let profileChanged = false;
  for (const key of JSON_PROFILE_KEYS) {
    if (input[key] !== undefined) {
      profile[key] = input[key];
      profileChanged = true;
    }
  }
  if (profileChanged) columns.profile = JSON.stringify(profile);
  return columns;
}

function duplicateError(error: unknown): never {
  const field = uniqueViolationField(error);
  if (field) throw conflict(`A user with this ${field} already exists`, 'user_exists');
  throw error;
}

export class LocalDirectory implements UserDirectory {
  readonly kind = 'local' as const;

  constructor(
    private readonly db: Db,
    private readonly hasher: PasswordHasher,
  ) {}

  async authenticate(
    ctx: DirectoryContext,
    identifier: Identifier,
    password: string,
  ): Promise<AuthenticationResult> {
    const row = await findUserByIdentifier(this.db, ctx.pool.id, identifier);
    if (!row?.password_hash) {
      await this.hasher.verifyDummy(password);
      return { ok: false, reason: 'invalid_credentials' };
    }
    if (!(await this.hasher.verify(row.password_hash, password)))
      return { ok: false, reason: 'invalid_credentials' };
    // The password is checked before the blocked flag, so a blocked answer never helps guess passwords.
    if (row.blocked) return { ok: false, reason: 'blocked', user: rowToUser(row) };
    if (this.hasher.needsRehash(row.password_hash)) {
      await updateUserRow(this.db, ctx.pool.id, row.id, { password_hash: await this.hasher.hash(password) });
    }
    const updated = await recordLogin(this.db, ctx.pool.id, row.id, ctx.request?.ip ?? null);
    return { ok: true, user: rowToUser(updated ?? row) };
  }

  async findById(ctx: DirectoryContext, id: string): Promise<User | null> {
    const row = await findUserById(this.db, ctx.pool.id, id);
    return row ? rowToUser(row) : null;
  }

  async findByIdentifier(ctx: DirectoryContext, identifier: Identifier): Promise<User | null> {
    const row = await findUserByIdentifier(this.db, ctx.pool.id, identifier);
    return row ? rowToUser(row) : null;
  }

  async create(ctx: DirectoryContext, input: NewUser): Promise<User> {
    const { password, ...profile } = input;
    const columns = profileToColumns(profile);
    const row: Insertable<UsersTable> = {
      ...(columns as Insertable<UsersTable>),
      id: randomUUID(),
      pool_id: ctx.pool.id,
      email: columns.email ?? null,
      username: columns.username ?? null,
      phone: columns.phone ?? null,
      password_hash: password ? await this.hasher.hash(password) : null,
      external_id: null,
      migrated_at: null,
      last_ip: null,
      profile: (columns.profile as string | undefined) ?? JSON.stringify({}),
    };
    try {
      return rowToUser(await insertUser(this.db, row));
    } catch (error) {
      duplicateError(error);
    }
  }

  async update(ctx: DirectoryContext, id: string, patch: UserUpdate): Promise<User> {
    const current = await findUserById(this.db, ctx.pool.id, id);
    if (!current) throw notFound(`No user "${id}"`, 'user_not_found');
    try {
      const row = await updateUserRow(this.db, ctx.pool.id, id, profileToColumns(patch, current.profile));
      if (!row) throw notFound(`No user "${id}"`, 'user_not_found');
      return rowToUser(row);
    } catch (error) {
      duplicateError(error);
    }
  }

  async delete(ctx: DirectoryContext, id: string): Promise<void> {
    if (!(await deleteUserRow(this.db, ctx.pool.id, id))) throw notFound(`No user "${id}"`, 'user_not_found');
  }

  async list(ctx: DirectoryContext, query: UserListQuery): Promise<UserList> {
    const { totalCount, rows } = await listUserRows(this.db, ctx.pool.id, {
      offset: (query.page - 1) * query.limit,
      limit: query.limit,
      ...(query.keyword ? { keyword: query.keyword } : {}),
    });
    return { totalCount, list: rows.map(rowToUser) };
  }

  async checkPassword(ctx: DirectoryContext, id: string, password: string): Promise<boolean> {
    const row = await findUserById(this.db, ctx.pool.id, id);
    if (!row?.password_hash) {
      await this.hasher.verifyDummy(password);
      return false;
    }
    return this.hasher.verify(row.password_hash, password);
  }

  async setPassword(ctx: DirectoryContext, id: string, password: string): Promise<void> {
    const row = await updateUserRow(this.db, ctx.pool.id, id, {
      password_hash: await this.hasher.hash(password),
    });
    if (!row) throw notFound(`No user "${id}"`, 'user_not_found');
  }
}
