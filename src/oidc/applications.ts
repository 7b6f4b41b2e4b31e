/**
 * Applications: a pool's OpenID Connect clients, managed through the management API and read by the
 * pool's provider (the adapter's `Client` model). Client secrets are random, sealed at rest with the
 * pool id as associated data, and returned once, when they are created.
 */
import { randomBytes } from 'node:crypto';
import type { AdapterPayload } from 'oidc-provider';
import type { Db } from '../store/index.js';
import type { SecretBox } from '../security/secret-box.js';
import type { Pool } from '../pools/index.js';
import {
  deleteApplication,
  findApplication,
  findFirstPartyApplication,
  insertApplication,
  listApplications,
  updateApplication,
  type ApplicationRow,
} from '../store/queries/applications.js';
import { withPoolKeyLock } from '../store/queries/signing-keys.js';
import { AppError, badRequest, notFound } from '../shared/errors.js';

export const AUTH_METHODS = ['none', 'client_secret_basic', 'client_secret_post'] as const;
export type AuthMethod = (typeof AUTH_METHODS)[number];
export const GRANT_TYPES = ['authorization_code', 'refresh_token', 'password'] as const;
export const RESPONSE_TYPES = ['code'] as const;
export const ID_TOKEN_ALGS = ['RS256', 'ES256'] as const;
export type IdTokenAlg = (typeof ID_TOKEN_ALGS)[number];

/** How long a client read from the store is reused (other nodes see changes after at most this). */
const CLIENT_CACHE_MS = 5_000;
const CLIENT_CACHE_MAX = 2_000;

/** The client metadata an operator may set. */
export interface ApplicationSettings {
  redirect_uris: string[];
  post_logout_redirect_uris: string[];
  grant_types: string[];
  response_types: string[];
  token_endpoint_auth_method: AuthMethod;
  /** Signature algorithm of the ID tokens issued to this client. */
  id_token_signed_response_alg: IdTokenAlg;
}

export interface ApplicationInput extends Partial<ApplicationSettings> {
  name: string;
  firstParty?: boolean;
}

export type ApplicationPatch = Partial<ApplicationInput>;

export interface Application extends ApplicationSettings {
  /** Also the OAuth `client_id`. */
  id: string;
  clientId: string;
  name: string;
  firstParty: boolean;
  /** Whether the application has a client secret (never returned after creation). */
  hasSecret: boolean;
  createdAt: string;
  updatedAt: string;
}

/** Checks metadata the way the pool's provider will read it; throws a description of the problem. */
export type ClientValidator = (pool: Pool, metadata: AdapterPayload) => Promise<void>;

function settingsOf(row: ApplicationRow): ApplicationSettings {
  const m = row.metadata as Partial<ApplicationSettings>;
  return {
    redirect_uris: m.redirect_uris ?? [],
    post_logout_redirect_uris: m.post_logout_redirect_uris ?? [],
    grant_types: m.grant_types ?? [],
    response_types: m.response_types ?? [],
    token_endpoint_auth_method: m.token_endpoint_auth_method ?? 'client_secret_basic',
    id_token_signed_response_alg: m.id_token_signed_response_alg ?? 'RS256',
  };
}

function toApplication(row: ApplicationRow): Application {
  return {
    id: row.id,
    clientId: row.id,
    name: row.name,
    firstParty: row.first_party,
    ...settingsOf(row),
    hasSecret: row.client_secret_sealed !== null,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

const newClientId = () => randomBytes(15).toString('base64url');
const newClientSecret = () => randomBytes(32).toString('base64url');

/** Defaults and the rules oidc-provider does not know about (password grant = first party only). */
function complete(input: Partial<ApplicationSettings>, firstParty: boolean): ApplicationSettings {
  const grant_types = [...new Set(input.grant_types ?? ['authorization_code', 'refresh_token'])];
  const response_types = [
    ...new Set(input.response_types ?? (grant_types.includes('authorization_code') ? ['code'] : [])),
  ];
  const settings: ApplicationSettings = {
    redirect_uris: input.redirect_uris ?? [],
    post_logout_redirect_uris: input.post_logout_redirect_uris ?? [],
    grant_types,
    response_types,
    token_endpoint_auth_method: input.token_endpoint_auth_method ?? 'client_secret_basic',
    id_token_signed_response_alg: input.id_token_signed_response_alg ?? 'RS256',
  };
  if (grant_types.includes('password') && !firstParty) {
    throw badRequest('Only first-party applications may use the password grant', 'invalid_client_metadata');
  }
  if (grant_types.includes('authorization_code') !== response_types.includes('code')) {
    throw badRequest(
      'grant_types "authorization_code" and response_types "code" go together',
      'invalid_client_metadata',
    );
  }
  if (response_types.length > 0 && settings.redirect_uris.length === 0) {
    throw badRequest(
      'redirect_uris must not be empty for the authorization code flow',
      'invalid_client_metadata',
    );
  }
  return settings;
}

export class ApplicationStore {
  /** Set by the authority once the provider registry exists. */
  validator: ClientValidator = async () => {};
  /** Rows recently read by the provider and the login API (a login reads its client twice). */
  readonly #cache = new Map<string, { row: ApplicationRow; until: number }>();

  constructor(
    private readonly db: Db,
    private readonly secrets: SecretBox,
  ) {}

  async #validate(pool: Pool, id: string, settings: ApplicationSettings, firstParty: boolean) {
    const metadata = { client_id: id, ...settings, first_party: firstParty } as AdapterPayload;
    if (settings.token_endpoint_auth_method !== 'none') metadata.client_secret = 'validation-only-secret';
    try {
      await this.validator(pool, metadata);
    } catch (error) {
      const e = error as { error_description?: string; message?: string };
      throw badRequest(
        e.error_description ?? e.message ?? 'Invalid client metadata',
        'invalid_client_metadata',
      );
    }
  }

  async #cached(poolId: string, id: string): Promise<ApplicationRow | undefined> {
    const key = `${poolId}/${id}`;
    const hit = this.#cache.get(key);
    if (hit && hit.until > Date.now()) return hit.row;
    const row = await findApplication(this.db, poolId, id);
    if (this.#cache.size >= CLIENT_CACHE_MAX) this.#cache.clear();
    if (row) this.#cache.set(key, { row, until: Date.now() + CLIENT_CACHE_MS });
    else this.#cache.delete(key);
    return row;
  }

  #forget(poolId: string, id: string): void {
    this.#cache.delete(`${poolId}/${id}`);
  }

  async list(pool: Pool, page: number, limit: number): Promise<{ totalCount: number; list: Application[] }> {
    await this.ensureFirstParty(pool);
    const { totalCount, rows } = await listApplications(this.db, pool.id, (page - 1) * limit, limit);
    return { totalCount, list: rows.map(toApplication) };
  }

  async get(pool: Pool, id: string): Promise<Application> {
    const row = await findApplication(this.db, pool.id, id);
    if (!row) throw notFound(`No application "${id}" in this pool`, 'application_not_found');
    return toApplication(row);
  }

  async create(
    pool: Pool,
    input: ApplicationInput,
  ): Promise<{ application: Application; clientSecret?: string }> {
    const firstParty = input.firstParty ?? false;
    const settings = complete(input, firstParty);
    const id = newClientId();
    await this.#validate(pool, id, settings, firstParty);
    const clientSecret = settings.token_endpoint_auth_method === 'none' ? undefined : newClientSecret();
    const row = await insertApplication(this.db, {
      id,
      pool_id: pool.id,
      name: input.name,
      client_secret_sealed: clientSecret ? this.secrets.encrypt(clientSecret, pool.id) : null,
      metadata: { ...settings },
      first_party: firstParty,
    });
    return { application: toApplication(row), ...(clientSecret ? { clientSecret } : {}) };
  }

  /** Updates an application; a public client made confidential gets a secret, returned this once. */
  async update(
    pool: Pool,
    id: string,
    patch: ApplicationPatch,
  ): Promise<{ application: Application; clientSecret?: string }> {
    const row = await findApplication(this.db, pool.id, id);
    if (!row) throw notFound(`No application "${id}" in this pool`, 'application_not_found');
    const firstParty = patch.firstParty ?? row.first_party;
    const current = settingsOf(row);
    const merged: Partial<ApplicationSettings> = { ...current };
    for (const key of Object.keys(current) as Array<keyof ApplicationSettings>) {
      if (patch[key] !== undefined) (merged as Record<string, unknown>)[key] = patch[key];
    }
    if (patch.grant_types && !patch.response_types) delete merged.response_types;
    const settings = complete(merged, firstParty);
    await this.#validate(pool, id, settings, firstParty);
    let clientSecret: string | undefined;
    let sealed = row.client_secret_sealed;
    if (settings.token_endpoint_auth_method === 'none') sealed = null;
    else if (!sealed) {
      clientSecret = newClientSecret();
      sealed = this.secrets.encrypt(clientSecret, pool.id);
    }
    const updated = await this.db.transaction().execute(async (trx) => {
      if (sealed !== row.client_secret_sealed) {
        await trx
          .updateTable('applications')
          .set({ client_secret_sealed: sealed })
          .where('pool_id', '=', pool.id)
          .where('id', '=', id)
          .execute();
      }
      return updateApplication(trx, pool.id, id, {
        ...(patch.name !== undefined ? { name: patch.name } : {}),
        metadata: { ...(row.metadata as Record<string, unknown>), ...settings },
        first_party: firstParty,
      });
    });
    this.#forget(pool.id, id);
    if (!updated) throw notFound(`No application "${id}" in this pool`, 'application_not_found');
    return { application: toApplication(updated), ...(clientSecret ? { clientSecret } : {}) };
  }

  async delete(pool: Pool, id: string): Promise<void> {
    this.#forget(pool.id, id);
    if (!(await deleteApplication(this.db, pool.id, id))) {
      throw notFound(`No application "${id}" in this pool`, 'application_not_found');
    }
  }

  /** The pool's first-party application, created on first use (the login API's default client). */
  async ensureFirstParty(pool: Pool): Promise<Application> {
    const existing = await findFirstPartyApplication(this.db, pool.id);
    if (existing) return toApplication(existing);
    const row = await withPoolKeyLock(this.db, `${pool.id}:first-party`, async (trx) => {
      const again = await findFirstPartyApplication(trx, pool.id);
      if (again) return again;
      return insertApplication(trx, {
        id: newClientId(),
        pool_id: pool.id,
        name: `${pool.name} (first party)`,
        client_secret_sealed: null,
        metadata: {
          redirect_uris: [],
          post_logout_redirect_uris: [],
          grant_types: ['password', 'refresh_token'],
          response_types: [],
          token_endpoint_auth_method: 'none',
          // ES256 signs in a fraction of RS256's time: this client's ID tokens come with every login.
          id_token_signed_response_alg: 'ES256',
        },
        first_party: true,
      });
    });
    return toApplication(row);
  }

  /** The client as the provider reads it (secret decrypted), or undefined. */
  async clientMetadata(poolId: string, id: string): Promise<AdapterPayload | undefined> {
    const row = await this.#cached(poolId, id);
    if (!row) return undefined;
    const metadata = {
      ...settingsOf(row),
      client_id: row.id,
      client_name: row.name,
      first_party: row.first_party,
    } as AdapterPayload;
    if (row.client_secret_sealed)
      metadata.client_secret = this.clientSecret(poolId, row.client_secret_sealed);
    return metadata;
  }

  clientSecret(poolId: string, sealed: string): string {
    return this.secrets.decrypt(sealed, poolId);
  }

  findRow(poolId: string, id: string): Promise<ApplicationRow | undefined> {
    return this.#cached(poolId, id);
  }
}

export function assertFirstParty(app: { firstParty: boolean; grant_types: string[] }): void {
  if (!app.firstParty || !app.grant_types.includes('password')) {
    throw new AppError(
      400,
      'unauthorized_client',
      'Only first-party applications allowed the password grant can log users in through this API',
    );
  }
}
