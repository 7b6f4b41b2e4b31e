/**
 * What the rest of Gatehouse needs from the OpenID Connect authority. The oidc module implements it
 * with oidc-provider; flows and HTTP routes only see this interface.
 */
import type { FastifyInstance } from 'fastify';
import type { Pool } from '../pools/index.js';
import type { RequestInfo } from '../directory/types.js';
import type { NewUser, User } from '../directory/profile.js';
import type { Application, ApplicationInput, ApplicationPatch } from './applications.js';
import type { SigningKeyInfo } from './keys.js';

/** The credentials of the login API and of the password grant. One identifier field plus the password. */
export interface Credentials {
  email?: string;
  username?: string;
  phone?: string;
  account?: string;
  password: string;
}

/**
 * Verifies credentials for a pool and returns the user; throws AppError (401 invalid_credentials,
 * 403 user_blocked, 429 rate_limited, 503 …) otherwise. Provided by the flows, so every way of
 * logging in (login API, password grant, hosted login page) applies the same rules.
 */
export type Authenticate = (pool: Pool, credentials: Credentials, request: RequestInfo) => Promise<User>;

/** Finds the user behind a token subject, or null. Provided by the flows (directory lookup). */
export type FindAccount = (pool: Pool, subject: string) => Promise<User | null>;

/**
 * Registers a user (self-service registration rules). Provided by the flows; used by the hosted
 * registration page.
 */
export type Register = (
  pool: Pool,
  input: NewUser & { password: string },
  request: RequestInfo,
) => Promise<User>;

/** Sets a new password with a reset token (the flows' rules). Used by the hosted reset page. */
export type ResetPassword = (
  pool: Pool,
  token: string,
  newPassword: string,
  request: RequestInfo,
) => Promise<void>;

export interface TokenSet {
  access_token: string;
  id_token: string;
  refresh_token?: string;
  token_type: 'Bearer';
  expires_in: number;
  scope: string;
}

export interface AccessTokenInfo {
  subject: string;
  clientId: string;
  scope: string;
  expiresAt: number;
}

export interface OidcAuthority {
  /** Mounts `/oidc/:pool/*` (provider endpoints and hosted login / registration pages). */
  register(app: FastifyInstance): Promise<void>;
  /**
   * The first-party password grant: authenticates through `Authenticate` and issues tokens from the
   * pool's provider, exactly as `grant_type=password` at the token endpoint does.
   */
  passwordGrant(
    pool: Pool,
    credentials: Credentials,
    request: RequestInfo,
    options?: { clientId?: string; scope?: string },
  ): Promise<{ tokens: TokenSet; user: User }>;
  /** Validates an access token issued by the pool's provider; throws AppError 401 when it is not valid. */
  verifyAccessToken(pool: Pool, token: string): Promise<AccessTokenInfo>;
  /** The pool's applications (OIDC clients), for the management API. */
  readonly applications: ApplicationManager;
  /** The pool's signing keys, for the management API. */
  readonly keys: SigningKeyManager;
  close(): Promise<void>;
}

export interface ApplicationManager {
  list(pool: Pool, page: number, limit: number): Promise<{ totalCount: number; list: Application[] }>;
  get(pool: Pool, id: string): Promise<Application>;
  /** `clientSecret` is set for confidential clients: the only time it is ever returned. */
  create(pool: Pool, input: ApplicationInput): Promise<{ application: Application; clientSecret?: string }>;
  update(
    pool: Pool,
    id: string,
    patch: ApplicationPatch,
  ): Promise<{ application: Application; clientSecret?: string }>;
  delete(pool: Pool, id: string): Promise<void>;
}

export interface SigningKeyManager {
  /** Public information only (never key material). */
  list(pool: Pool): Promise<SigningKeyInfo[]>;
  /** New active keys; the current ones stay published as retired. */
  rotate(pool: Pool): Promise<SigningKeyInfo[]>;
}
