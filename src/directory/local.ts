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
  recordLogins,
  uniqueViolationField,
  updateUserRow,
  type LoginStats,
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

/** How long login statistics wait in memory before they are written (one statement for all of them). */
export const LOGIN_STATS_FLUSH_MS = 1_000;

/** Where an authentication stands relative to the statistics, taken right after the user row is read. */
interface LoginMark {
  key: string;
  /** Logins of this user recorded on this node but not stored when the row was read. */
  unstored: number;
  /** The user's record counter at that moment. */
  recorded: number;
}

/**
 * Write-behind login statistics (logins_count, last_login, last_ip). A successful login is recorded
 * in memory and written within `flushMs`, together with every other login of that window, in one
 * statement that adds the counts (so several nodes, and several flushes, all count). Until then, this
 * node shows the recorded values in what it reads (`overlay`), and a login returns its own updated
 * count: the count stored when its row was read, plus what this node had recorded but not yet stored
 * at that moment, plus the logins recorded since (its own included) — the same numbers the former
 * `update … returning` gave, as long as the logins of one user go through one node. A login whose row
 * is read while the statement that stores earlier logins is completing may be off by those logins in
 * its response; the stored figures are exact. `flush()` writes everything at once (close).
 */
class LoginStatsRecorder {
  #queued = new Map<string, LoginStats>();
  /** The batch being written (still unstored until its statement completes). */
  #writing = new Map<string, LoginStats>();
  /** Per user with an authentication in progress: logins recorded on this node, and how many are in progress. */
  readonly #counters = new Map<string, { recorded: number; marks: number }>();
  #timer: NodeJS.Timeout | undefined;
  #chain: Promise<void> = Promise.resolve();

  constructor(
    private readonly db: Db,
    private readonly flushMs: number,
    private readonly onError: (error: unknown) => void,
  ) {}

  static key(poolId: string, id: string): string {
    return `${poolId}\u0000${id}`;
  }

  #unstored(key: string): { count: number; latest?: LoginStats } {
    const queued = this.#queued.get(key);
    const writing = this.#writing.get(key);
    const latest = queued ?? writing;
    return { count: (queued?.count ?? 0) + (writing?.count ?? 0), ...(latest ? { latest } : {}) };
  }

  /** The row as this node knows it: stored values plus the logins not yet written. */
  overlay(row: UserRow): UserRow {
    const { count, latest } = this.#unstored(LoginStatsRecorder.key(row.pool_id, row.id));
    if (!latest) return row;
    const newer = !row.last_login || latest.at >= row.last_login;
    return {
      ...row,
      logins_count: row.logins_count + count,
      ...(newer ? { last_login: latest.at, last_ip: latest.ip } : {}),
    };
  }

  /** Call right after reading the row of a user about to authenticate; release() it in any case. */
  mark(poolId: string, id: string): LoginMark {
    const key = LoginStatsRecorder.key(poolId, id);
    let counter = this.#counters.get(key);
    if (!counter) this.#counters.set(key, (counter = { recorded: 0, marks: 0 }));
    counter.marks++;
    return { key, unstored: this.#unstored(key).count, recorded: counter.recorded };
  }

  release(mark: LoginMark): void {
    const counter = this.#counters.get(mark.key);
    if (counter && --counter.marks === 0) this.#counters.delete(mark.key);
  }

  /** Records a successful login; returns the row with this login counted (see the class comment). */
  record(row: UserRow, mark: LoginMark, ip: string | null): UserRow {
    const at = new Date();
    const queued = this.#queued.get(mark.key);
    if (queued) Object.assign(queued, { count: queued.count + 1, at, ip });
    else this.#queued.set(mark.key, { poolId: row.pool_id, id: row.id, count: 1, at, ip });
    const counter = this.#counters.get(mark.key);
    const since = counter ? ++counter.recorded - mark.recorded : 1;
    this.#schedule();
    return { ...row, logins_count: row.logins_count + mark.unstored + since, last_login: at, last_ip: ip };
  }

  /** Writes every recorded login now (one statement at a time; resolves when they are stored). */
  flush(): Promise<void> {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    const run = this.#chain.then(() => this.#write());
    this.#chain = run.catch(() => undefined);
    return run;
  }

  async #write(): Promise<void> {
    if (this.#queued.size === 0) return;
    const batch = (this.#writing = this.#queued);
    this.#queued = new Map();
    const entries = [...batch];
    try {
      for (let i = 0; i < entries.length; i += 500) {
        const chunk = entries.slice(i, i + 500);
        await recordLogins(
          this.db,
          chunk.map(([, stats]) => stats),
        );
        // Stored: no longer counted on top of what the store returns.
        for (const [key] of chunk) batch.delete(key);
      }
    } catch (error) {
      // What was not stored goes back in the queue (merged with newer logins) for the next flush.
      for (const [key, stats] of batch) {
        const newer = this.#queued.get(key);
        this.#queued.set(key, newer ? { ...newer, count: newer.count + stats.count } : stats);
      }
      this.#schedule();
      throw error;
    } finally {
      this.#writing = new Map();
    }
  }

  #schedule(): void {
    this.#timer ??= setTimeout(() => {
      this.#timer = undefined;
      this.flush().catch(this.onError);
    }, this.flushMs).unref();
  }
}

export interface LocalDirectoryOptions {
  /** How long login statistics wait before they are written (default LOGIN_STATS_FLUSH_MS). */
  loginStatsFlushMs?: number;
  /** Called when writing login statistics fails in the background (they are retried). */
  onError?: (error: unknown) => void;
}

export class LocalDirectory implements UserDirectory {
  readonly kind = 'local' as const;
  readonly #stats: LoginStatsRecorder;

  constructor(
    private readonly db: Db,
    private readonly hasher: PasswordHasher,
    options: LocalDirectoryOptions = {},
  ) {
    this.#stats = new LoginStatsRecorder(
      db,
      options.loginStatsFlushMs ?? LOGIN_STATS_FLUSH_MS,
      options.onError ?? (() => undefined),
    );
  }

  /** Writes pending login statistics now. */
  flushLoginStats(): Promise<void> {
    return this.#stats.flush();
  }

  /** Writes pending login statistics; call before closing the store. */
  async close(): Promise<void> {
    await this.#stats.flush();
  }

  #user(row: UserRow): User {
    return rowToUser(this.#stats.overlay(row));
  }

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
    const mark = this.#stats.mark(row.pool_id, row.id);
    try {
      if (!(await this.hasher.verify(row.password_hash, password)))
        return { ok: false, reason: 'invalid_credentials' };
      // The password is checked before the blocked flag, so a blocked answer never helps guess passwords.
      if (row.blocked) return { ok: false, reason: 'blocked', user: this.#user(row) };
      let current = row;
      if (this.hasher.needsRehash(row.password_hash)) {
        const password_hash = await this.hasher.hash(password);
        current = (await updateUserRow(this.db, ctx.pool.id, row.id, { password_hash })) ?? row;
      }
      return { ok: true, user: rowToUser(this.#stats.record(current, mark, ctx.request?.ip ?? null)) };
    } finally {
      this.#stats.release(mark);
    }
  }

  async findById(ctx: DirectoryContext, id: string): Promise<User | null> {
    const row = await findUserById(this.db, ctx.pool.id, id);
    return row ? this.#user(row) : null;
  }

  async findByIdentifier(ctx: DirectoryContext, identifier: Identifier): Promise<User | null> {
    const row = await findUserByIdentifier(this.db, ctx.pool.id, identifier);
    return row ? this.#user(row) : null;
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
      return this.#user(row);
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
    return { totalCount, list: rows.map((row) => this.#user(row)) };
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
