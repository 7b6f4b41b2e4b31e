/**
 * The first-party password grant (`grant_type=password`), registered on every pool's provider. It
 * authenticates through the flows' `authenticate` (the same rules as the login API and the hosted login
 * page) and issues the provider's own Grant, AccessToken, RefreshToken and IdToken, so tokens from the
 * login API and from /token are the same kind. Only first-party clients allowed the grant may use it.
 *
 * The login API runs this same handler in-process: its call carries the caller's credentials and
 * request info on the raw request (see InternalCall) and gets the flows' AppError back unchanged.
 */
import type { IncomingMessage } from 'node:http';
import { errors, type Provider, type TokenEndpointGrantContext } from 'oidc-provider';
import type { Pool } from '../pools/index.js';
import type { User } from '../directory/profile.js';
import type { RequestInfo } from '../directory/types.js';
import { AppError } from '../shared/errors.js';
import type { Authenticate, Credentials } from './types.js';
import { SCOPES, userClaims } from './claims.js';

export const PASSWORD_GRANT_PARAMS = ['username', 'password', 'scope'];

/** Scope of a password grant that asks for none: everything a first-party app may see. */
export const DEFAULT_PASSWORD_SCOPE = 'openid profile email phone address offline_access';

/** An in-process password grant: what the login API knows, and where the outcome goes. */
export interface InternalCall {
  credentials: Credentials;
  request: RequestInfo;
  user?: User;
  error?: unknown;
}

export const INTERNAL_CALL = Symbol('gatehouse.internalPasswordGrant');
type WithCall = IncomingMessage & { [INTERNAL_CALL]?: InternalCall };

export function attachInternalCall(req: IncomingMessage, call: InternalCall): void {
  (req as WithCall)[INTERNAL_CALL] = call;
}

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

function requestedScope(raw: string | undefined): string {
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

export function registerPasswordGrant(provider: Provider, deps: PasswordGrantDeps): void {
  provider.registerGrantType(
    'password',
    async (ctx: TokenEndpointGrantContext) => {
      const { client, params } = ctx.oidc;
      if (client.first_party !== true) {
        throw new errors.UnauthorizedClient('the password grant is for first-party applications only');
      }
      const call = (ctx.req as WithCall)[INTERNAL_CALL];
      let credentials: Credentials;
      let request: RequestInfo;
      if (call) {
        ({ credentials, request } = call);
      } else {
        if (typeof params.username !== 'string' || typeof params.password !== 'string') {
          throw new errors.InvalidRequest('missing required parameter(s) (username, password)');
        }
        credentials = { account: params.username, password: params.password };
        const userAgent = ctx.get('user-agent');
        request = {
          ip: ctx.ip,
          ...(userAgent ? { userAgent } : {}),
          body: { grant_type: 'password', username: params.username, client_id: client.clientId },
        };
      }
      const scope = requestedScope(params.scope);

      let user: User;
      try {
        user = await deps.authenticate(deps.pool(), credentials, request);
      } catch (error) {
        if (call) call.error = error;
        if (error instanceof AppError && error.status === 429) {
          const retry = error.details?.retryAfterSeconds;
          if (typeof retry === 'number') ctx.set('Retry-After', String(retry));
        }
        throw toOAuthError(error);
      }
      if (call) call.user = user;

      const { Grant, AccessToken, RefreshToken, IdToken } = ctx.oidc.provider;
      const authTime = Math.floor(Date.now() / 1000);
      const grant = new Grant({ accountId: user.id, clientId: client.clientId });
      grant.addOIDCScope(scope);
      // The grant's id is known up front, so the grant and its tokens are stored together.
      const grantId = (grant.jti = (grant as unknown as { generateTokenId(): string }).generateTokenId());

      const accessToken = new AccessToken({ accountId: user.id, client, grantId, gty: 'password', scope });
      ctx.oidc.entity('AccessToken', accessToken);
      const scopes = new Set(scope.split(' '));
      const refreshToken = deps.issueRefreshToken(client, scopes)
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
      const [, accessTokenValue, refreshTokenValue] = await Promise.all([
        grant.save(),
        accessToken.save(),
        refreshToken?.save(),
      ]);

      const idToken = new IdToken(userClaims(user), { ctx });
      (idToken as unknown as { scope: string }).scope = scope;
      idToken.set('auth_time', authTime);
      idToken.set('amr', ['pwd']);
      const idTokenValue = await idToken.issue({ use: 'idtoken' });

      ctx.body = {
        access_token: accessTokenValue,
        expires_in: accessToken.expiration,
        id_token: idTokenValue,
        ...(refreshTokenValue ? { refresh_token: refreshTokenValue } : {}),
        scope,
        token_type: 'Bearer',
      };
    },
    PASSWORD_GRANT_PARAMS,
  );
}
