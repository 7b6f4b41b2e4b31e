/**
 * Chooses each pool's directory from its custom database connection: none (or disabled) → local;
 * LAZY_MIGRATION → lazy; CUSTOM_USER_STORE → custom. The connection is read from the store, cached
 * for at most a second and dropped at once when this node changes it, so enabling or disabling takes
 * effect on the next request here and within a second on other nodes.
 */
import type { Db } from '../store/index.js';
import type { Pool } from '../pools/index.js';
import type { PasswordHasher } from '../security/passwords.js';
import type { ConnectionService } from '../connections/service.js';
import type { RuntimeConnection } from '../connections/config.js';
import { scriptCalls } from '../connections/calls.js';
import type { ScriptRunner } from '../connections/runner.js';
import type { LocalDirectory } from './local.js';
import { LazyDirectory } from './lazy.js';
import { CustomDirectory } from './custom.js';
import type { DirectoryResolver, UserDirectory } from './types.js';

const CACHE_MS = 1000;

export class PoolDirectoryResolver implements DirectoryResolver {
  readonly #cache = new Map<string, { at: number; connection: RuntimeConnection | null }>();

  constructor(
    private readonly db: Db,
    private readonly hasher: PasswordHasher,
    private readonly local: LocalDirectory,
    private readonly connections: ConnectionService,
    private readonly runner: ScriptRunner,
  ) {
    connections.onChange((poolId) => this.#cache.delete(poolId));
  }

  async #connection(pool: Pool): Promise<RuntimeConnection | null> {
    const cached = this.#cache.get(pool.id);
    if (cached && Date.now() - cached.at < CACHE_MS) return cached.connection;
    const connection = await this.connections.runtime(pool);
    this.#cache.set(pool.id, { at: Date.now(), connection });
    return connection;
  }

  async forPool(pool: Pool): Promise<UserDirectory> {
    const connection = await this.#connection(pool);
    if (!connection) return this.local;
    const scripts = (ctx: Parameters<typeof scriptCalls>[1]) => scriptCalls(this.runner, ctx, connection);
    return connection.mode === 'CUSTOM_USER_STORE'
      ? new CustomDirectory(connection.id, scripts)
      : new LazyDirectory(this.db, this.hasher, this.local, scripts);
  }
}
