/**
 * Management API keys. A key is `gh_<random>`; only its SHA-256 digest is stored. A key belongs to one
 * pool, or to none: the instance-wide keys (the bootstrap key) may manage every pool.
 */
import { randomUUID } from 'node:crypto';
import type { Db } from '../store/index.js';
import { digest, randomToken } from '../security/tokens.js';
import { notFound } from '../shared/errors.js';

export interface ApiKeyInfo {
  id: string;
  name: string;
  /** null: instance-wide. */
  poolId: string | null;
  prefix: string;
  createdAt: string;
  lastUsedAt: string | null;
}

const KEY_PREFIX = 'gh_';

export class ApiKeyService {
  constructor(private readonly db: Db) {}

  /** Returns the key in clear once; it cannot be read back. */
  async create(
    poolId: string | null,
    name: string,
    key = KEY_PREFIX + randomToken(32),
  ): Promise<{ key: string; info: ApiKeyInfo }> {
    const row = await this.db
      .insertInto('api_keys')
      .values({ id: randomUUID(), pool_id: poolId, name, prefix: key.slice(0, 10), key_hash: digest(key) })
      .returningAll()
      .executeTakeFirstOrThrow();
    return { key, info: toInfo(row) };
  }

  /** Stores a key chosen by the operator (GATEHOUSE_BOOTSTRAP_API_KEY) unless it is already known. */
  async ensure(poolId: string | null, name: string, key: string): Promise<void> {
    await this.db
      .insertInto('api_keys')
      .values({ id: randomUUID(), pool_id: poolId, name, prefix: key.slice(0, 10), key_hash: digest(key) })
      .onConflict((oc) => oc.column('key_hash').doNothing())
      .execute();
  }

  async hasInstanceKey(): Promise<boolean> {
    const row = await this.db
      .selectFrom('api_keys')
      .select('id')
      .where('pool_id', 'is', null)
      .executeTakeFirst();
    return Boolean(row);
  }

  async verify(key: string): Promise<ApiKeyInfo | null> {
    const row = await this.db
      .selectFrom('api_keys')
      .selectAll()
      .where('key_hash', '=', digest(key))
      .executeTakeFirst();
    if (!row) return null;
    // Best effort, and at most once a minute per key, so verifying stays a read on the hot path.
    if (!row.last_used_at || Date.now() - row.last_used_at.getTime() > 60_000) {
      await this.db
        .updateTable('api_keys')
        .set({ last_used_at: new Date() })
        .where('id', '=', row.id)
        .execute();
    }
    return toInfo(row);
  }

  async list(poolId: string): Promise<ApiKeyInfo[]> {
    const rows = await this.db
      .selectFrom('api_keys')
      .selectAll()
      .where('pool_id', '=', poolId)
      .orderBy('created_at')
      .execute();
    return rows.map(toInfo);
  }

  /** One page of a pool's keys, oldest first, with the pool's key count. */
  async listPage(
    poolId: string,
    page: number,
    limit: number,
  ): Promise<{ totalCount: number; list: ApiKeyInfo[] }> {
    const [count, rows] = await Promise.all([
      this.db
        .selectFrom('api_keys')
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .where('pool_id', '=', poolId)
        .executeTakeFirstOrThrow(),
      this.db
        .selectFrom('api_keys')
        .selectAll()
        .where('pool_id', '=', poolId)
        .orderBy('created_at')
        .orderBy('id')
        .offset((page - 1) * limit)
        .limit(limit)
        .execute(),
    ]);
    return { totalCount: Number(count.n), list: rows.map(toInfo) };
  }

  async delete(poolId: string, id: string): Promise<void> {
    const result = await this.db
      .deleteFrom('api_keys')
      .where('pool_id', '=', poolId)
      .where('id', '=', id)
      .executeTakeFirst();
    if (result.numDeletedRows === 0n) throw notFound(`No API key "${id}"`, 'api_key_not_found');
  }
}

function toInfo(row: {
  id: string;
  name: string;
  pool_id: string | null;
  prefix: string;
  created_at: Date;
  last_used_at: Date | null;
}): ApiKeyInfo {
  return {
    id: row.id,
    name: row.name,
    poolId: row.pool_id,
    prefix: row.prefix,
    createdAt: row.created_at.toISOString(),
    lastUsedAt: row.last_used_at?.toISOString() ?? null,
  };
}
