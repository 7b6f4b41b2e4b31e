/**
 * The first-party password grant (`grant_type=password`), registered on every pool's provider. It
 * authenticates through the flows' `authenticate` (the same rules as the login API and the hosted login
 * page) and issues the provider's own Grant, AccessToken, RefreshToken and IdToken, so tokens from the
 * login API and from /token are the same kind. Only first-party clients allowed the grant may use it.
 *
 * Both ways in share one function, issuePasswordGrant(): the grant type registered at /token (OAuth
 * parameters in, OAuth errors out) and the login API's passwordGrant(), which calls it directly with the
 * provider's own Client (no HTTP round trip through the token endpoint) and gets the flows' AppError
 * back unchanged. The checks the token endpoint makes before a grant handler runs and that matter here
 * (grant type allowed for the client, scope syntax) are made again inside, so both ways apply the same
 * rules in the same order: client rules and scope first, then authentication, then issuance.
 */
import { errors, type Client, type Provider, type TokenEndpointGrantContext } from 'oidc-provider';
import type { Pool } from '../pools/index.js';
import type { User } from '../directory/profile.js';
import type { RequestInfo } from '../directory/types.js';
import { AppError } from '../shared/errors.js';
import type { Authenticate, Credentials, TokenSet } from './types.js';
import { SCOPES, userClaims } from './claims.js';

export const PASSWORD_GRANT_PARAMS = ['username', 'password', 'scope'];

/** Scope of a password grant that asks for none: everything a first-party app may see. */
export const DEFAULT_PASSWORD_SCOPE = 'openid profile email phone address offline_access';

class StatusError extends errors.CustomOIDCProviderError {
  constructor(status: number, error: string, description: string) {
    super(error, description);
    this.status = status;
    this.statusCode = status;
  }
}

/** The flows' errors as OAuth token endpoint errors. */
export function toOAuthError(error: unknown): Error {
  if (!(error instanceof AppError)) return error as Error;
  switch (error.status) {
    case 401:
    case 403:
      return new errors.CustomOIDCProviderError('invalid_grant', error.message);
    case 429:
      return new StatusError(429, 'temporarily_unavailable', error.message);
    case 400:
      return new errors.CustomOIDCProviderError('invalid_request', error.message);
    default:
      return new StatusError(
        error.status >= 500 ? 503 : error.status,
        'temporarily_unavailable',
        error.message,
      );
  }
}

/** The scope syntax of RFC 6749 §3.3, as the token endpoint checks it. */
const SCOPE_SYNTAX = /^[\x21\x23-\x5B\x5D-\x7E]+(?: [\x21\x23-\x5B\x5D-\x7E]+)*$/u;

function requestedScope(raw: string | undefined): string {
  if (raw !== undefined && !SCOPE_SYNTAX.test(raw)) {
    throw new errors.InvalidScope('scope contains invalid characters', raw);
  }
  const scopes = new Set((raw ?? DEFAULT_PASSWORD_SCOPE).split(' ').filter(Boolean));
  const unknown = [...scopes].filter((s) => !(SCOPES as readonly string[]).includes(s));
  if (unknown.length > 0) throw new errors.InvalidScope('requested scope is not allowed', unknown.join(' '));
  scopes.add('openid');
  return [...scopes].join(' ');
}

export interface PasswordGrantDeps {
  pool: () => Pool;
  authenticate: Authenticate;
  /** Whether to issue a refresh token (same policy as the provider's issueRefreshToken). */
  issueRefreshToken: (
    client: { grantTypeAllowed(type: string): boolean; [k: string]: unknown },
    scopes: Set<string>,
  ) => boolean;
}

export interface PasswordGrantRequest {
  client: Client;
  credentials: Credentials;
  request: RequestInfo;
  /** The `scope` parameter as given (undefined: DEFAULT_PASSWORD_SCOPE). */
  scope: string | undefined;
}

export interface PasswordGrantResult {
  tokens: TokenSet;
  user: User;
  accessToken: InstanceType<Provider['AccessToken']>;
}

/** Whether an error came from the flows' authenticate (as opposed to a client or scope rule). */
export class AuthenticationFailed extends Error {
  constructor(override readonly cause: unknown) {
    super('authentication failed');
  }
}

/**
 * The password grant itself, for both ways in: checks the client and the scope, authenticates, and
 * issues the provider's Grant, AccessToken, RefreshToken (per the refresh policy) and IdToken. Client
 * and scope problems throw oidc-provider errors; the flows' errors come wrapped in AuthenticationFailed.
 *
 * No Koa context is needed: the token models read theirs (for TTL and token-length callbacks) from
 * the provider's AsyncLocalStorage, which is simply empty in-process, and IdToken takes the client
 * explicitly. This pool's configuration callbacks do not depend on a context.
 */
export async function issuePasswordGrant(
  provider: Provider,
  deps: PasswordGrantDeps,
  { client, credentials, request, scope: rawScope }: PasswordGrantRequest,
): Promise<PasswordGrantResult> {
  if (!client.grantTypeAllowed('password')) {
    throw new errors.InvalidRequest('requested grant type is not allowed for this client');
  }
  if (client.first_party !== true) {
    throw new errors.UnauthorizedClient('the password grant is for first-party applications only');
  }
  const scope = requestedScope(rawScope);

  let user: User;
  try {
    user = await deps.authenticate(deps.pool(), credentials, request);
  } catch (error) {
    throw new AuthenticationFailed(error);
  }

  const { Grant, AccessToken, RefreshToken, IdToken } = provider;
  const authTime = Math.floor(Date.now() / 1000);
  const grant = new Grant({ accountId: user.id, clientId: client.clientId });
  grant.addOIDCScope(scope);
  // The grant's id is known up front, so the grant and its tokens are stored together.
  const grantId = (grant.jti = (grant as unknown as { generateTokenId(): string }).generateTokenId());

  const accessToken = new AccessToken({ accountId: user.id, client, grantId, gty: 'password', scope });
  const scopes = new Set(scope.split(' '));
  const refreshToken = deps.issueRefreshToken(client as never, scopes)
    ? new RefreshToken({
        accountId: user.id,
        client,
        grantId,
        gty: 'password',
        scope,
        authTime,
        amr: ['pwd'],
        rotations: 0,
      })
    : undefined;

  const idToken = new IdToken(userClaims(user), { client });
  (idToken as unknown as { scope: string }).scope = scope;
  idToken.set('auth_time', authTime);
  idToken.set('amr', ['pwd']);
  // Signing runs while the three artifacts are written (one batched statement).
  const [, accessTokenValue, refreshTokenValue, idTokenValue] = await Promise.all([
    grant.save(),
    accessToken.save(),
    refreshToken?.save(),
    idToken.issue({ use: 'idtoken' }),
  ]);

  return {
    user,
    accessToken,
    tokens: {
      access_token: accessTokenValue,
      expires_in: accessToken.expiration,
      id_token: idTokenValue,
      ...(refreshTokenValue ? { refresh_token: refreshTokenValue } : {}),
      scope,
      token_type: 'Bearer',
    },
  };
}

export function registerPasswordGrant(provider: Provider, deps: PasswordGrantDeps): void {
  provider.registerGrantType(
    'password',
    async (ctx: TokenEndpointGrantContext) => {
      const { client, params } = ctx.oidc;
      if (client.first_party !== true) {
        throw new errors.UnauthorizedClient('the password grant is for first-party applications only');
      }
      if (typeof params.username !== 'string' || typeof params.password !== 'string') {
        throw new errors.InvalidRequest('missing required parameter(s) (username, password)');
      }
      const userAgent = ctx.get('user-agent');
      const request: RequestInfo = {
        ip: ctx.ip,
        ...(userAgent ? { userAgent } : {}),
        body: { grant_type: 'password', username: params.username, client_id: client.clientId },
      };
      try {
        const { tokens, accessToken } = await issuePasswordGrant(provider, deps, {
          client,
          credentials: { account: params.username, password: params.password },
          request,
          scope: typeof params.scope === 'string' ? params.scope : undefined,
        });
        ctx.oidc.entity('AccessToken', accessToken);
        ctx.body = tokens;
      } catch (error) {
        if (!(error instanceof AuthenticationFailed)) throw error;
        const cause = error.cause;
        if (cause instanceof AppError && cause.status === 429) {
          const retry = cause.details?.retryAfterSeconds;
          if (typeof retry === 'number') ctx.set('Retry-After', String(retry));
        }
        throw toOAuthError(cause);
      }
    },
    PASSWORD_GRANT_PARAMS,
  );
}
