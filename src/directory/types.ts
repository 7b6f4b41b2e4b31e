/**
 * The seam between the flows and user data. The flows never touch the store or scripts directly: they
 * ask a UserDirectory. The local store is the first implementation; the custom database connections
 * add a script-backed one (CUSTOM_USER_STORE) and a lazy one (local first, then scripts).
 */
import type { Pool } from '../pools/index.js';
import type { Identifier, NewUser, User, UserUpdate } from './profile.js';

export interface RequestInfo {
  ip: string | null;
  userAgent?: string;
  /** The request body without any password field, for scripts' `context.request.body`. */
  body?: Record<string, unknown>;
}

export interface DirectoryContext {
  pool: Pool;
  request?: RequestInfo;
  /** The application (OIDC client) the request comes through, when known. */
  app?: { id: string; name: string; metadata?: Record<string, unknown> };
}

export type AuthenticationResult =
  | { ok: true; user: User }
  /** Wrong identifier or password. `message` is shown to the user when the directory has a specific one. */
  | { ok: false; reason: 'invalid_credentials'; message?: string }
  | { ok: false; reason: 'blocked'; user: User };

export interface UserListQuery {
  /** 1-based. */
  page: number;
  limit: number;
  /** Keyword for fuzzy search over identifiers and names. */
  keyword?: string;
}

export interface UserList {
  totalCount: number;
  list: User[];
}

export interface UserDirectory {
  /** Which implementation answers, for logs and admin views. */
  readonly kind: 'local' | 'lazy' | 'custom';
  authenticate(
    ctx: DirectoryContext,
    identifier: Identifier,
    password: string,
  ): Promise<AuthenticationResult>;
  findById(ctx: DirectoryContext, id: string): Promise<User | null>;
  findByIdentifier(ctx: DirectoryContext, identifier: Identifier): Promise<User | null>;
  create(ctx: DirectoryContext, input: NewUser): Promise<User>;
  update(ctx: DirectoryContext, id: string, patch: UserUpdate): Promise<User>;
  delete(ctx: DirectoryContext, id: string): Promise<void>;
  list(ctx: DirectoryContext, query: UserListQuery): Promise<UserList>;
  /** Checks a user's current password (password change). */
  checkPassword(ctx: DirectoryContext, id: string, password: string): Promise<boolean>;
  /** Sets a new password (change or reset). The caller has already checked the policy. */
  setPassword(ctx: DirectoryContext, id: string, password: string): Promise<void>;
}

/** Picks the directory for a pool; the custom database connection changes the answer per pool. */
export interface DirectoryResolver {
  forPool(pool: Pool): Promise<UserDirectory>;
}
