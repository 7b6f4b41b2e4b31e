/**
 * One oidc-provider Provider per pool, built lazily and cached. The cache entry follows the pool: its
 * settings (token lifetimes) are refreshed on every use, its issuer is recomputed from the base URL,
 * and its key set is compared with the store at most every KEY_RECHECK_MS, so a rotation made on
 * another node reaches this one without a restart.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import Provider, { type Configuration, type KoaContextWithOIDC } from 'oidc-provider';
import type { Logger } from 'pino';
import type { Config } from '../config/index.js';
import type { Db } from '../store/index.js';
import type { SecretBox } from '../security/secret-box.js';
import type { Pool } from '../pools/index.js';
import type { Authenticate, FindAccount } from './types.js';
import { createAdapterFactory, UpsertBatcher } from './adapter.js';
import type { ApplicationStore } from './applications.js';
import { CLAIMS_BY_SCOPE, SCOPES, userClaims } from './claims.js';
import { loadCookieKeys } from './cookie-keys.js';
import type { SigningKeyStore } from './keys.js';
import { registerPasswordGrant, type PasswordGrantDeps } from './password-grant.js';
import { PAGE_HEADERS, loggedOutPage, logoutPage, messagePage } from './views.js';

export const KEY_RECHECK_MS = 30_000;
const DAY = 86_400;

export interface ProviderDeps {
  config: Config;
  db: Db;
  secrets: SecretBox;
  logger: Logger;
  keys: SigningKeyStore;
  applications: ApplicationStore;
  authenticate: Authenticate;
  findAccount: FindAccount;
}

export interface PoolProvider {
  provider: Provider;
  /** Node request listener of the provider (mount path handled by the caller). */
  callback: (req: IncomingMessage, res: ServerResponse) => void;
  /** The pool as last seen; token lifetimes are read from it. */
  pool: Pool;
  issuer: string;
  /** Path of the issuer, e.g. `/oidc/default`. */
  basePath: string;
  fingerprint: string;
  checkedAt: number;
  /** The pool's default first-party application (client id). */
  firstPartyClientId: string;
  /** What the pool's password grant runs with (shared by /token and the login API). */
  passwordGrant: PasswordGrantDeps;
}

export function issuerFor(config: Config, pool: Pool): string {
  return `${config.baseUrl}/oidc/${encodeURIComponent(pool.slug)}`;
}

type ClientLike = { clientId: string; grantTypeAllowed(type: string): boolean; [key: string]: unknown };

export function shouldIssueRefreshToken(client: ClientLike, scopes: Set<string>): boolean {
  return (
    client.grantTypeAllowed('refresh_token') && (scopes.has('offline_access') || client.first_party === true)
  );
}

function html(ctx: KoaContextWithOIDC, status: number, body: string): void {
  for (const [name, value] of Object.entries(PAGE_HEADERS)) ctx.set(name, value);
  ctx.status = status;
  ctx.body = body;
}

export class ProviderRegistry {
  readonly #entries = new Map<string, Promise<PoolProvider>>();
  readonly #writes: UpsertBatcher;

  constructor(private readonly deps: ProviderDeps) {
    this.#writes = new UpsertBatcher(deps.db);
  }

  async get(pool: Pool): Promise<PoolProvider> {
    const issuer = issuerFor(this.deps.config, pool);
    const pending = this.#entries.get(pool.id);
    if (pending) {
      const entry = await pending.catch(() => undefined);
      if (entry && entry.issuer === issuer) {
        entry.pool = pool;
        if (Date.now() - entry.checkedAt < KEY_RECHECK_MS) return entry;
        entry.checkedAt = Date.now();
        if ((await this.deps.keys.fingerprint(pool.id)) === entry.fingerprint) return entry;
      }
      // Someone else rebuilt it meanwhile: use theirs.
      const current = this.#entries.get(pool.id);
      if (current && current !== pending) return current;
    }
    const building = this.#build(pool, issuer);
    this.#entries.set(pool.id, building);
    building.catch(() => {
      if (this.#entries.get(pool.id) === building) this.#entries.delete(pool.id);
    });
    return building;
  }

  /** Drops the cached provider (after a rotation on this node). */
  invalidate(poolId: string): void {
    this.#entries.delete(poolId);
  }

  clear(): void {
    this.#entries.clear();
  }

  async #build(pool: Pool, issuer: string): Promise<PoolProvider> {
    const { deps } = this;
    const [keySet, cookieKeys, firstParty] = await Promise.all([
      deps.keys.load(pool.id),
      loadCookieKeys(deps.db, deps.secrets, pool.id),
      deps.applications.ensureFirstParty(pool),
    ]);
    const basePath = new URL(issuer).pathname;
    // Filled in below; the configuration's callbacks read the pool through it.
    const entry = { pool } as PoolProvider;
    const settings = () => entry.pool.settings;

    const configuration: Configuration = {
      adapter: createAdapterFactory(deps.db, this.#writes, pool.id, (id) =>
        deps.applications.clientMetadata(pool.id, id),
      ),
      clients: [],
      jwks: { keys: keySet.keys as NonNullable<Configuration['jwks']>['keys'] },
      cookies: {
        keys: cookieKeys,
        long: { httpOnly: true, sameSite: 'lax', path: basePath },
        short: { httpOnly: true, sameSite: 'lax', path: basePath },
      },
      scopes: [...SCOPES],
      claims: { acr: null, sid: null, auth_time: null, iss: null, ...CLAIMS_BY_SCOPE },
      conformIdTokenClaims: false,
      responseTypes: ['code'],
      extraClientMetadata: { properties: ['first_party'] },
      clientDefaults: {
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
        id_token_signed_response_alg: 'RS256',
        token_endpoint_auth_method: 'client_secret_basic',
      },
      pkce: { required: (_ctx, client) => client.clientAuthMethod === 'none' },
      features: {
        devInteractions: { enabled: false },
        resourceIndicators: { enabled: false },
        userinfo: { enabled: true },
        revocation: {
          enabled: true,
          allowedPolicy: async (_ctx, client, token) => token.clientId === client.clientId,
        },
        rpInitiatedLogout: {
          enabled: true,
          logoutSource: async (ctx, form) =>
            html(ctx, 200, logoutPage(form, ctx.oidc.client?.clientName, entry.pool.name)),
          postLogoutSuccessSource: async (ctx) =>
            html(ctx, 200, loggedOutPage(ctx.oidc.client?.clientName, entry.pool.name)),
        },
      },
      clientBasedCORS: (_ctx, origin, client) =>
        [...client.redirectUris!, ...(client.postLogoutRedirectUris ?? [])].some((uri) => {
          try {
            return new URL(uri).origin === origin;
          } catch {
            return false;
          }
        }),
      ttl: {
        AccessToken: () => settings().accessTokenTtlSeconds,
        IdToken: () => settings().idTokenTtlSeconds,
        RefreshToken: () => settings().refreshTokenTtlSeconds,
        AuthorizationCode: 60,
        Interaction: 3600,
        Session: 14 * DAY,
        Grant: () => Math.max(settings().refreshTokenTtlSeconds, 14 * DAY),
      },
      interactions: { url: (_ctx, interaction) => `${basePath}/interaction/${interaction.uid}` },
      findAccount: async (_ctx, sub) => {
        const user = await deps.findAccount(entry.pool, sub);
        if (!user || user.blocked) return undefined;
        return { accountId: user.id, claims: () => userClaims(user) as { sub: string } };
      },
      issueRefreshToken: async (_ctx, client, code) =>
        shouldIssueRefreshToken(client as unknown as ClientLike, code.scopes),
      loadExistingGrant: async (ctx) => {
        const { client, session } = ctx.oidc;
        if (!client || !session) return undefined;
        const grantId = ctx.oidc.result?.consent?.grantId || session.grantIdFor(client.clientId);
        const existing = grantId ? await ctx.oidc.provider.Grant.find(grantId) : undefined;
        // First-party applications skip consent: their grant covers whatever they ask for.
        if (client.first_party !== true || !session.accountId) return existing;
        const grant =
          existing ??
          new ctx.oidc.provider.Grant({ accountId: session.accountId, clientId: client.clientId });
        const requested = String(ctx.oidc.params?.scope ?? 'openid');
        grant.addOIDCScope(requested.split(' ').filter((s) => (SCOPES as readonly string[]).includes(s)));
        await grant.save();
        return grant;
      },
      renderError: async (ctx, out) => {
        const message = out.error_description ? `${out.error_description}` : `${out.error}`;
        html(
          ctx,
          ctx.status >= 400 ? ctx.status : 400,
          messagePage('Something went wrong', message, entry.pool.name),
        );
      },
    };

    const provider = new Provider(issuer, configuration);
    provider.proxy = deps.config.trustProxy;
    const passwordGrant: PasswordGrantDeps = {
      pool: () => entry.pool,
      authenticate: deps.authenticate,
      issueRefreshToken: (client, scopes) => shouldIssueRefreshToken(client as ClientLike, scopes),
    };
    registerPasswordGrant(provider, passwordGrant);
    provider.on('server_error', (_ctx, error) =>
      deps.logger.error({ err: error, pool: pool.slug }, 'oidc server error'),
    );

    Object.assign(entry, {
      provider,
      callback: provider.callback(),
      issuer,
      basePath,
      fingerprint: keySet.fingerprint,
      checkedAt: Date.now(),
      firstPartyClientId: firstParty.id,
      passwordGrant,
    });
    return entry;
  }
}
