/**
 * What the rest of Gatehouse needs from the OpenID Connect authority. The oidc module implements it
 * with oidc-provider; flows and HTTP routes only see this interface.
 */
import type { FastifyInstance } from 'fastify';
import type { Pool } from '../pools/index.js';
import type { RequestInfo } from '../directory/types.js';
import type { User } from '../directory/profile.js';

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
  close(): Promise<void>;
}
