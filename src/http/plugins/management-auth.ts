/**
 * Authentication of the management API. A request carries `Authorization: Bearer <api key>`; a pool's
 * key may act on that pool only (any other pool answers 404, as if it did not exist), an instance-wide
 * key on every pool and on the pool list itself. Without an Authorization header, the admin console's
 * session cookie is accepted instead: a console session is instance-wide, and its state-changing
 * requests must carry the CSRF header (see ../console-cookie.ts).
 */
import type { FastifyRequest } from 'fastify';
import type { Services } from '../../services.js';
import type { ApiKeyInfo } from '../../apikeys/index.js';
import type { Pool } from '../../pools/index.js';
import type { ConsoleSessionService } from '../../admin/sessions.js';
import { forbidden, notFound, unauthorized } from '../../shared/errors.js';
import { checkCsrf, CONSOLE_COOKIE, readCookie } from '../console-cookie.js';

export type ManagementPrincipal =
  | {
      kind: 'api_key';
      key: ApiKeyInfo;
      /** true for instance-wide keys. */
      instanceWide: boolean;
    }
  | {
      /** Signed in to the admin console: instance-wide. */
      kind: 'console';
      username: string;
      instanceWide: true;
    };

declare module 'fastify' {
  interface FastifyRequest {
    principal?: ManagementPrincipal;
  }
}

/** onRequest hook: identifies the caller or answers 401. */
export function managementAuthHook(services: Services, consoleSessions?: ConsoleSessionService) {
  return async (request: FastifyRequest): Promise<void> => {
    const authorization = request.headers.authorization;
    const cookie = authorization === undefined ? readCookie(request, CONSOLE_COOKIE) : undefined;
    if (cookie && consoleSessions) {
      const session = await consoleSessions.find(cookie);
      if (!session) throw unauthorized('The console session has expired; sign in again', 'invalid_session');
      checkCsrf(request);
      request.principal = { kind: 'console', username: session.username, instanceWide: true };
      return;
    }
    const match = /^Bearer\s+(\S+)$/i.exec(authorization ?? '');
    if (!match) {
      throw unauthorized('Send a management API key as "Authorization: Bearer <key>"', 'missing_api_key');
    }
    const key = await services.apiKeys.verify(match[1]!);
    if (!key) throw unauthorized('The API key is not valid', 'invalid_api_key');
    request.principal = { kind: 'api_key', key, instanceWide: key.poolId === null };
  };
}

/**
 * The pool named in the URL, if the caller may manage it. Another pool's key gets the same 404 as an
 * unknown pool, so keys cannot probe which pools exist.
 */
export async function managedPool(services: Services, request: FastifyRequest, slug: string): Promise<Pool> {
  const principal = request.principal;
  if (!principal) throw unauthorized();
  const pool = await services.pools.find(slug);
  if (
    !pool ||
    (principal.kind === 'api_key' && !principal.instanceWide && principal.key.poolId !== pool.id)
  ) {
    throw notFound(`No user pool "${slug}"`, 'pool_not_found');
  }
  return pool;
}

/** Instance-level operations (creating or listing pools) need an instance-wide key. */
export function requireInstanceWide(request: FastifyRequest): void {
  if (!request.principal?.instanceWide) {
    throw forbidden('This operation needs an instance-wide API key', 'instance_key_required');
  }
}
