/**
 * User pools (tenants). A pool is addressed by its slug in URLs and by its id in every tenant row.
 */
import { randomUUID } from 'node:crypto';
import { Type, type Static } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import type { Db } from '../store/index.js';
import {
  deletePoolRow,
  findPoolBySlug,
  insertPool,
  insertPoolIfAbsent,
  listPoolRows,
  updatePoolRow,
  type PoolRow,
} from '../store/queries/pools.js';
import { DEFAULT_PASSWORD_POLICY } from '../security/password-policy.js';
import { conflict, notFound } from '../shared/errors.js';

export const PasswordPolicySchema = Type.Object(
  {
    minLength: Type.Integer({ minimum: 1, maximum: 256, default: DEFAULT_PASSWORD_POLICY.minLength }),
    maxLength: Type.Integer({ minimum: 8, maximum: 1024, default: DEFAULT_PASSWORD_POLICY.maxLength }),
    requireUppercase: Type.Boolean({ default: false }),
    requireLowercase: Type.Boolean({ default: false }),
    requireDigit: Type.Boolean({ default: false }),
    requireSymbol: Type.Boolean({ default: false }),
  },
  { additionalProperties: false },
);

export const PoolSettingsSchema = Type.Object(
  {
    passwordPolicy: PasswordPolicySchema,
    /** Replace the messages thrown by database scripts with one uniform message. */
    maskScriptErrors: Type.Boolean({ default: false }),
    accessTokenTtlSeconds: Type.Integer({ minimum: 60, maximum: 86_400, default: 3600 }),
    idTokenTtlSeconds: Type.Integer({ minimum: 60, maximum: 86_400, default: 3600 }),
    refreshTokenTtlSeconds: Type.Integer({ minimum: 300, maximum: 31_536_000, default: 30 * 86_400 }),
    /** Whether self-service registration is open. */
    registrationEnabled: Type.Boolean({ default: true }),
  },
  { additionalProperties: false },
);
export type PoolSettings = Static<typeof PoolSettingsSchema>;

export const SLUG_PATTERN = '^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$';

export const PoolSchema = Type.Object(
  {
    id: Type.String(),
    slug: Type.String({ pattern: SLUG_PATTERN }),
    name: Type.String(),
    metadata: Type.Record(Type.String(), Type.Unknown()),
    settings: PoolSettingsSchema,
    createdAt: Type.String({ format: 'date-time' }),
    updatedAt: Type.String({ format: 'date-time' }),
  },
  { $id: 'Pool' },
);
export type Pool = Static<typeof PoolSchema>;

/** Fills defaults for settings written by older versions or left out by the operator. */
export function normalizeSettings(raw: unknown): PoolSettings {
  const value = Value.Default(PoolSettingsSchema, Value.Clone(raw ?? {})) as Record<string, unknown>;
  value.passwordPolicy = Value.Default(PasswordPolicySchema, value.passwordPolicy ?? {});
  return Value.Clean(PoolSettingsSchema, value) as PoolSettings;
}

function toPool(row: PoolRow): Pool {
  return {
    id: row.id,
    slug: row.slug,
    name: row.name,
    metadata: row.metadata,
    settings: normalizeSettings(row.settings),
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

/**
 * How long `lookup()` reuses a pool read from the store. Changes made through this service on this node
 * are seen at once (the cache is dropped); changes made on another node (settings, deletion) are seen
 * here after at most this long.
 */
export const POOL_CACHE_MS = 1_000;

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

export class PoolService {
  /** Recent `lookup()` answers by slug (pools that exist only; an unknown slug is never kept). */
  readonly #cache = new Map<string, { pool: Promise<Pool | undefined>; until: number }>();

  constructor(private readonly db: Db) {}

  /**
   * The pool with this slug, or undefined, for the hot request paths (login API, OIDC endpoints):
   * read from the store at most once per POOL_CACHE_MS per slug, and shared (frozen) between callers.
   * Management reads use get() / find(), which always read the store.
   */
  lookup(slug: string): Promise<Pool | undefined> {
    const now = Date.now();
    const hit = this.#cache.get(slug);
    if (hit && hit.until > now) return hit.pool;
    const entry = {
      until: now + POOL_CACHE_MS,
      pool: this.find(slug).then((pool) => {
        if (!pool && this.#cache.get(slug) === entry) this.#cache.delete(slug);
        return pool && deepFreeze(pool);
      }),
    };
    this.#cache.set(slug, entry);
    entry.pool.catch(() => {
      if (this.#cache.get(slug) === entry) this.#cache.delete(slug);
    });
    return entry.pool;
  }

  /** Like lookup(), but 404 pool_not_found for an unknown slug. */
  async resolve(slug: string): Promise<Pool> {
    const pool = await this.lookup(slug);
    if (!pool) throw notFound(`No user pool "${slug}"`, 'pool_not_found');
    return pool;
  }

  /** Forgets cached pools (after a write through this service). */
  #invalidate(): void {
    this.#cache.clear();
  }

  /** Creates the `default` pool on first start; a no-op afterwards. */
  async ensureDefault(): Promise<Pool> {
    const row = await insertPoolIfAbsent(this.db, {
      id: randomUUID(),
      slug: 'default',
      name: 'Default',
      metadata: JSON.stringify({}),
      settings: JSON.stringify(normalizeSettings({})),
    });
    return toPool(row);
  }

  async get(slug: string): Promise<Pool> {
    const row = await findPoolBySlug(this.db, slug);
    if (!row) throw notFound(`No user pool "${slug}"`, 'pool_not_found');
    return toPool(row);
  }

  async find(slug: string): Promise<Pool | undefined> {
    const row = await findPoolBySlug(this.db, slug);
    return row && toPool(row);
  }

  async list(page: number, limit: number): Promise<{ totalCount: number; list: Pool[] }> {
    const { totalCount, rows } = await listPoolRows(this.db, (page - 1) * limit, limit);
    return { totalCount, list: rows.map(toPool) };
  }

  async create(input: {
    slug: string;
    name?: string;
    metadata?: Record<string, unknown>;
    settings?: Partial<PoolSettings>;
  }): Promise<Pool> {
    try {
      const row = await insertPool(this.db, {
        id: randomUUID(),
        slug: input.slug,
        name: input.name ?? input.slug,
        metadata: JSON.stringify(input.metadata ?? {}),
        settings: JSON.stringify(normalizeSettings(input.settings ?? {})),
      });
      this.#invalidate();
      return toPool(row);
    } catch (error) {
      if ((error as { code?: string }).code === '23505')
        throw conflict(`User pool "${input.slug}" already exists`, 'pool_exists');
      throw error;
    }
  }

  async update(
    slug: string,
    patch: { name?: string; metadata?: Record<string, unknown>; settings?: Partial<PoolSettings> },
  ): Promise<Pool> {
    const current = await this.get(slug);
    const settings = patch.settings
      ? normalizeSettings({
          ...current.settings,
          ...patch.settings,
          passwordPolicy: { ...current.settings.passwordPolicy, ...(patch.settings.passwordPolicy ?? {}) },
        })
      : undefined;
    const row = await updatePoolRow(this.db, current.id, {
      ...(patch.name !== undefined ? { name: patch.name } : {}),
      ...(patch.metadata !== undefined ? { metadata: JSON.stringify(patch.metadata) } : {}),
      ...(settings ? { settings: JSON.stringify(settings) } : {}),
    });
    this.#invalidate();
    if (!row) throw notFound(`No user pool "${slug}"`, 'pool_not_found');
    return toPool(row);
  }

  async delete(slug: string): Promise<void> {
    const pool = await this.get(slug);
    try {
      await deletePoolRow(this.db, pool.id);
    } finally {
      this.#invalidate();
    }
  }
}
