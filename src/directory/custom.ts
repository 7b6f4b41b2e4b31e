/**
 * CUSTOM_USER_STORE (DESIGN.md §3): every user operation goes to the operator's scripts and nothing
 * about users is stored locally. A user's id (and token subject) is `<connectionId>|<script id>`: stable,
 * and never mistaken for another connection's user.
 */
import { AppError, notFound } from '../shared/errors.js';
import type { ScriptCalls, UserQuery } from '../connections/calls.js';
import type { ScriptProfile } from '../connections/profile.js';
import { JSON_PROFILE_KEYS, type Identifier, type NewUser, type User, type UserUpdate } from './profile.js';
import type {
  AuthenticationResult,
  DirectoryContext,
  UserDirectory,
  UserList,
  UserListQuery,
} from './types.js';

export function subjectOf(connectionId: string, externalId: string): string {
  return `${connectionId}|${externalId}`;
}

export class CustomDirectory implements UserDirectory {
  readonly kind = 'custom' as const;

  constructor(
    private readonly connectionId: string,
    private readonly scripts: (ctx: DirectoryContext) => ScriptCalls,
  ) {}

  /** The script's id for a Gatehouse id; a bare id (as operators know it) is accepted too. */
  externalIdOf(id: string): string {
    const prefix = `${this.connectionId}|`;
    return id.startsWith(prefix) ? id.slice(prefix.length) : id;
  }

  toUser(profile: ScriptProfile): User {
    const user: Record<string, unknown> = {
      id: subjectOf(this.connectionId, profile.externalId),
      username: profile.username ?? null,
      email: profile.email ?? null,
      emailVerified: profile.emailVerified ?? false,
      phone: profile.phone ?? null,
      phoneVerified: profile.phoneVerified ?? false,
    };
    for (const key of JSON_PROFILE_KEYS) user[key] = profile[key] ?? (key === 'customData' ? {} : null);
    Object.assign(user, {
      blocked: profile.blocked ?? false,
      loginsCount: profile.loginsCount ?? 0,
      lastLogin: profile.lastLogin ?? null,
      lastIp: profile.lastIp ?? null,
      signedUp: profile.signedUp ?? profile.createdAt ?? null,
      createdAt: profile.createdAt ?? profile.signedUp ?? null,
      updatedAt: profile.updatedAt ?? null,
      externalId: profile.externalId,
      migratedAt: null,
    });
    return user as User;
  }

  async authenticate(
    ctx: DirectoryContext,
    identifier: Identifier,
    password: string,
  ): Promise<AuthenticationResult> {
    let profile: ScriptProfile;
    try {
      profile = await this.scripts(ctx).login({ [identifier.kind]: identifier.value }, password);
    } catch (error) {
      if (error instanceof AppError && error.status === 401) {
        return { ok: false, reason: 'invalid_credentials', message: error.message };
      }
      throw error;
    }
    const user = this.toUser(profile);
    return user.blocked ? { ok: false, reason: 'blocked', user } : { ok: true, user };
  }

  async findById(ctx: DirectoryContext, id: string): Promise<User | null> {
    const profile = await this.scripts(ctx).getUser({ id: this.externalIdOf(id) });
    return profile ? this.toUser(profile) : null;
  }

  async findByIdentifier(ctx: DirectoryContext, identifier: Identifier): Promise<User | null> {
    const profile = await this.scripts(ctx).getUser({ [identifier.kind]: identifier.value });
    return profile ? this.toUser(profile) : null;
  }

  /** getUser (409 if found), createUser, then login with the new password to verify the scripts agree. */
  async create(ctx: DirectoryContext, input: NewUser): Promise<User> {
    const calls = this.scripts(ctx);
    const query: UserQuery = {
      ...(input.email ? { email: input.email } : {}),
      ...(input.username ? { username: input.username } : {}),
      ...(input.phone ? { phone: input.phone } : {}),
    };
    // One getUser per identifier: scripts look up by one key of the query (see LazyDirectory.create).
    for (const [kind, value] of Object.entries(query)) {
      if (await calls.getUser({ [kind]: value })) {
        throw new AppError(409, 'user_exists', 'User already exists');
      }
    }
    const created = await calls.createUser({ ...input });
    if (input.password) {
      const loginQuery = input.email
        ? { email: input.email }
        : input.username
          ? { username: input.username }
          : { phone: input.phone! };
      try {
        await calls.login(loginQuery, input.password);
      } catch (error) {
        throw new AppError(
          502,
          'custom_db_inconsistent',
          `The user was created, but the login script does not accept the new password: ${(error as Error).message}`,
        );
      }
    }
    return this.toUser(created);
  }

  async update(ctx: DirectoryContext, id: string, patch: UserUpdate): Promise<User> {
    return this.toUser(await this.scripts(ctx).updateUser(this.externalIdOf(id), { ...patch }));
  }

  async delete(ctx: DirectoryContext, id: string): Promise<void> {
    await this.scripts(ctx).deleteUser(this.externalIdOf(id));
  }

  /** Paging goes straight to listUsers; a keyword goes to searchUser, whose list is paged here. */
  async list(ctx: DirectoryContext, query: UserListQuery): Promise<UserList> {
    const calls = this.scripts(ctx);
    if (query.keyword) {
      const found = await calls.searchUser(query.keyword);
      const start = (query.page - 1) * query.limit;
      return {
        totalCount: found.totalCount,
        list: found.list.slice(start, start + query.limit).map((p) => this.toUser(p)),
      };
    }
    const page = await calls.listUsers(query.page, query.limit);
    return { totalCount: page.totalCount, list: page.list.map((p) => this.toUser(p)) };
  }

  checkPassword(ctx: DirectoryContext, id: string, password: string): Promise<boolean> {
    return this.scripts(ctx).validatePassword(this.externalIdOf(id), password);
  }

  async setPassword(ctx: DirectoryContext, id: string, password: string): Promise<void> {
    const updated = await this.scripts(ctx).updateUser(this.externalIdOf(id), { password });
    if (!updated) throw notFound(`No user "${id}"`, 'user_not_found');
  }
}
