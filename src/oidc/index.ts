/**
 * OpenID Connect authority per pool, on oidc-provider: issuer `{baseUrl}/oidc/{pool}`, mounted in Fastify
 * under `/oidc/:pool/*`, with hosted login / registration / consent pages, a first-party password grant
 * (used in-process by the login API), opaque access tokens verified against the store, per-pool signing
 * keys and applications (clients).
 */
import type { IncomingMessage } from 'node:http';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { errors } from 'oidc-provider';
import type { Logger } from 'pino';
import type { Config } from '../config/index.js';
import type { Db } from '../store/index.js';
import type { SecretBox } from '../security/secret-box.js';
import type { Pool, PoolService } from '../pools/index.js';
import { AppError, notFound } from '../shared/errors.js';
import type {
  Authenticate,
  Credentials,
  FindAccount,
  OidcAuthority,
  Register,
  ResetPassword,
} from './types.js';
import { passwordResetRoutes } from './password-reset-page.js';
import { ApplicationStore } from './applications.js';
import { SigningKeyStore } from './keys.js';
import { ProviderRegistry } from './provider.js';
import { AuthenticationFailed, issuePasswordGrant } from './password-grant.js';
import { interactionRoutes } from './interactions.js';
import { deleteExpiredOidcPayloads } from '../store/queries/oidc-payloads.js';

export type { OidcAuthority } from './types.js';

export interface OidcOptions {
  config: Config;
  db: Db;
  secrets: SecretBox;
  logger: Logger;
  pools: PoolService;
  authenticate: Authenticate;
  findAccount: FindAccount;
  /** Self-service registration (the hosted registration page). */
  register: Register;
  resetPassword: ResetPassword;
}

const MAX_TOKEN_LENGTH = 512;
/** Expired sessions, codes and tokens are deleted this often (they are invisible once expired). */
const SWEEP_INTERVAL_MS = 10 * 60_000;

const METHODS = ['GET', 'POST', 'OPTIONS', 'PUT', 'DELETE', 'PATCH'] as const;

export async function createOidcAuthority(options: OidcOptions): Promise<OidcAuthority> {
  const { config, db, secrets, logger, pools } = options;
  const keys = new SigningKeyStore(db, secrets);
  const applications = new ApplicationStore(db, secrets);
  const registry = new ProviderRegistry({
    config,
    db,
    secrets,
    logger,
    keys,
    applications,
    authenticate: options.authenticate,
    findAccount: options.findAccount,
  });
  applications.validator = async (pool, metadata) => {
    const { provider } = await registry.get(pool);
    await provider.Client.validate(metadata as Parameters<typeof provider.Client.validate>[0]);
  };
  const sweep = setInterval(() => {
    deleteExpiredOidcPayloads(db, 60).catch((err: unknown) =>
      logger.warn({ err }, 'could not delete expired OIDC artifacts'),
    );
  }, SWEEP_INTERVAL_MS);
  sweep.unref();

  /** Hands a request under /oidc/:pool/ to the pool's provider, before Fastify reads the body. */
  async function handOff(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    const { pool: slug } = request.params as { pool: string };
    const pool = await pools.lookup(slug);
    if (!pool) throw notFound(`No user pool "${slug}"`, 'pool_not_found');
    const entry = await registry.get(pool);
    const raw = request.raw as IncomingMessage & { baseUrl?: string };
    const url = raw.url ?? '/';
    const cut = url.indexOf('/', '/oidc/'.length);
    // oidc-provider builds its URLs from the mount path it finds in req.baseUrl (as under Express).
    raw.baseUrl = cut === -1 ? url : url.slice(0, cut);
    raw.url = cut === -1 ? '/' : url.slice(cut);
    reply.hijack();
    entry.callback(raw, reply.raw);
  }

  /** An oidc-provider error as the AppError the login API answers with. */
  function toAppError(error: unknown): unknown {
    if (!(error instanceof errors.OIDCProviderError)) return error;
    const status = error.statusCode >= 500 ? 500 : error.statusCode === 401 ? 401 : 400;
    return new AppError(status, error.error, error.error_description ?? 'The token request failed');
  }

  const authority: OidcAuthority = {
    async register(fastify) {
      fastify.route({
        method: [...METHODS],
        url: '/oidc/:pool/*',
        schema: { hide: true },
        onRequest: handOff,
        handler: async () => undefined,
      });
      await fastify.register(
        interactionRoutes({
          pools,
          registry,
          authenticate: options.authenticate,
          register: options.register,
        }),
      );
      await fastify.register(passwordResetRoutes({ pools, resetPassword: options.resetPassword }));
    },

    async passwordGrant(pool: Pool, credentials: Credentials, request, opts = {}) {
      const entry = await registry.get(pool);
      const { provider } = entry;
      let clientId = opts.clientId ?? entry.firstPartyClientId;
      let client = await provider.Client.find(clientId);
      if (!client && !opts.clientId) {
        // The default first-party application was deleted: make a new one.
        clientId = entry.firstPartyClientId = (await applications.ensureFirstParty(pool)).id;
        client = await provider.Client.find(clientId);
      }
      if (!client) throw new AppError(400, 'invalid_client', `No application "${clientId}" in this pool`);
      if (client.first_party !== true) {
        throw new AppError(
          400,
          'unauthorized_client',
          'Only first-party applications may log users in with a password',
        );
      }
      try {
        const { tokens, user } = await issuePasswordGrant(provider, entry.passwordGrant, {
          client,
          credentials,
          request,
          scope: opts.scope,
        });
        return { tokens, user };
      } catch (error) {
        // The flows' errors reach the caller unchanged; client and scope rules as OAuth codes.
        throw error instanceof AuthenticationFailed ? error.cause : toAppError(error);
      }
    },

    async verifyAccessToken(pool, token) {
      const invalid = (message: string) => new AppError(401, 'invalid_token', message);
      if (typeof token !== 'string' || token.length === 0 || token.length > MAX_TOKEN_LENGTH) {
        throw invalid('The access token is not valid');
      }
      if (token.split('.').length === 3) {
        throw invalid('The access token is not valid: this pool issues opaque access tokens, not JWTs');
      }
      const { provider } = await registry.get(pool);
      const accessToken = await provider.AccessToken.find(token, { ignoreExpiration: true });
      if (!accessToken || !accessToken.accountId) throw invalid('The access token is not valid');
      if (accessToken.isExpired) throw invalid('The access token has expired');
      return {
        subject: accessToken.accountId,
        clientId: accessToken.clientId ?? '',
        scope: accessToken.scope ?? '',
        expiresAt: accessToken.exp ?? 0,
      };
    },

    applications: {
      list: (pool, page, limit) => applications.list(pool, page, limit),
      get: (pool, id) => applications.get(pool, id),
      create: (pool, input) => applications.create(pool, input),
      update: (pool, id, patch) => applications.update(pool, id, patch),
      delete: (pool, id) => applications.delete(pool, id),
    },

    keys: {
      list: async (pool) => {
        await registry.get(pool); // creates the first key set if the pool has none yet
        return keys.list(pool.id);
      },
      rotate: async (pool) => {
        const result = await keys.rotate(pool.id);
        registry.invalidate(pool.id);
        return result;
      },
    },

    async close() {
      clearInterval(sweep);
      registry.clear();
    },
  };
  return authority;
}
