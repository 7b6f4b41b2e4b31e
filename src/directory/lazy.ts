/**
 * LAZY_MIGRATION (DESIGN.md §3): the local store first, the operator's scripts for users not migrated
 * yet. A successful script login imports the user into the local store in one transaction (profile,
 * externalId, the password hashed locally, migratedAt); from then on the user is local and the scripts
 * are never called for them again.
 */
import { randomUUID } from 'node:crypto';
import type { Insertable } from 'kysely';
import type { Db } from '../store/index.js';
import type { UsersTable } from '../store/schema.js';
import { findUserByIdentifier, recordLogin } from '../store/queries/users.js';
import { importLegacyUser } from '../store/queries/migration.js';
import type { PasswordHasher } from '../security/passwords.js';
import { AppError, conflict } from '../shared/errors.js';
import type { ScriptCalls } from '../connections/calls.js';
import type { ScriptProfile } from '../connections/profile.js';
import type { LocalDirectory } from './local.js';
import { profileToColumns, rowToUser } from './local.js';
import type { Identifier, NewUser, User, UserUpdate } from './profile.js';
import type {
  AuthenticationResult,
  DirectoryContext,
  UserDirectory,
  UserList,
  UserListQuery,
} from './types.js';

export class LazyDirectory implements UserDirectory {
  readonly kind = 'lazy' as const;

  constructor(
    private readonly db: Db,
    private readonly hasher: PasswordHasher,
    private readonly local: LocalDirectory,
    private readonly scripts: (ctx: DirectoryContext) => ScriptCalls,
  ) {}

  async authenticate(
    ctx: DirectoryContext,
    identifier: Identifier,
    password: string,
  ): Promise<AuthenticationResult> {
    const row = await findUserByIdentifier(this.db, ctx.pool.id, identifier);
    // A user with a local password is local for good: the legacy database is never asked again.
    if (row?.password_hash) return this.local.authenticate(ctx, identifier, password);
    if (row?.blocked) {
      await this.hasher.verifyDummy(password);
      return { ok: false, reason: 'invalid_credentials' };
    }

    let legacy: ScriptProfile;
    try {
      legacy = await this.scripts(ctx).login({ [identifier.kind]: identifier.value }, password);
    } catch (error) {
      if (error instanceof AppError && error.status === 401) {
        return { ok: false, reason: 'invalid_credentials', message: error.message };
      }
      throw error;
    }
    const imported = await this.#import(ctx, legacy, await this.hasher.hash(password));
    if (imported.blocked) return { ok: false, reason: 'blocked', user: imported };
    const counted = await recordLogin(this.db, ctx.pool.id, imported.id, ctx.request?.ip ?? null);
    return { ok: true, user: counted ? rowToUser(counted) : imported };
  }

  /** Writes the legacy profile into the local store, or finds the copy a concurrent login wrote. */
  async #import(ctx: DirectoryContext, legacy: ScriptProfile, passwordHash: string | null): Promise<User> {
    const {
      externalId,
      blocked,
      signedUp,
      createdAt,
      loginsCount: _l,
      lastLogin: _ll,
      lastIp: _ip,
      updatedAt: _u,
      ...profile
    } = legacy;
    let columns;
    try {
      columns = profileToColumns(profile);
    } catch (error) {
      throw new AppError(
        500,
        'custom_db_invalid_profile',
        `The legacy profile cannot be imported: ${(error as Error).message}`,
      );
    }
    const now = new Date();
    const row: Insertable<UsersTable> & { pool_id: string; external_id: string } = {
      ...(columns as Insertable<UsersTable>),
      id: randomUUID(),
      pool_id: ctx.pool.id,
      email: (columns.email as string | null | undefined) ?? null,
      username: (columns.username as string | null | undefined) ?? null,
      phone: (columns.phone as string | null | undefined) ?? null,
      blocked: blocked ?? false,
      external_id: externalId,
      migrated_at: now,
      password_hash: passwordHash,
      last_ip: null,
      profile: (columns.profile as string | undefined) ?? JSON.stringify({}),
      created_at: signedUp ?? createdAt ?? now,
      updated_at: now,
    };
    const outcome = await importLegacyUser(this.db, row);
    if (outcome.kind === 'conflict') {
      throw conflict(
        'A local user already holds this email, username or phone; the legacy user cannot be migrated',
        'migration_conflict',
      );
    }
    return rowToUser(outcome.row);
  }

  findById(ctx: DirectoryContext, id: string): Promise<User | null> {
    return this.local.findById(ctx, id);
  }

  /** Local first; a legacy user found by getUser is imported without a password (password reset). */
  async findByIdentifier(ctx: DirectoryContext, identifier: Identifier): Promise<User | null> {
    const local = await this.local.findByIdentifier(ctx, identifier);
    if (local) return local;
    const legacy = await this.scripts(ctx).getUser({ [identifier.kind]: identifier.value });
    return legacy ? this.#import(ctx, legacy, null) : null;
  }

  /** Registration: a local duplicate or a user the legacy database knows is a 409. */
  async create(ctx: DirectoryContext, input: NewUser): Promise<User> {
    const query = {
      ...(input.email ? { email: input.email } : {}),
      ...(input.username ? { username: input.username } : {}),
      ...(input.phone ? { phone: input.phone } : {}),
    };
    for (const [kind, value] of Object.entries(query) as Array<[Identifier['kind'], string]>) {
      if (await this.local.findByIdentifier(ctx, { kind, value })) {
        throw conflict(`A user with this ${kind} already exists`, 'user_exists');
      }
    }
    // One getUser per identifier: scripts (the templates among them) look up by one key of the query,
    // so a query holding a new email and a legacy user's username would find nobody.
    const calls = this.scripts(ctx);
    for (const [kind, value] of Object.entries(query)) {
      if (await calls.getUser({ [kind]: value })) throw conflict('User already exists', 'user_exists');
    }
    return this.local.create(ctx, input);
  }

  update(ctx: DirectoryContext, id: string, patch: UserUpdate): Promise<User> {
    return this.local.update(ctx, id, patch);
  }

  delete(ctx: DirectoryContext, id: string): Promise<void> {
    return this.local.delete(ctx, id);
  }

  list(ctx: DirectoryContext, query: UserListQuery): Promise<UserList> {
    return this.local.list(ctx, query);
  }

  checkPassword(ctx: DirectoryContext, id: string, password: string): Promise<boolean> {
    return this.local.checkPassword(ctx, id, password);
  }

  setPassword(ctx: DirectoryContext, id: string, password: string): Promise<void> {
    return this.local.setPassword(ctx, id, password);
  }
}
