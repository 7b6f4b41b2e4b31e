/**
 * Custom database connections of pools: configuration with sealed secrets, scripts with their version
 * history, and the log history of script runs. Reads always go to the store, so a change made through
 * any node takes effect on the next request everywhere.
 */
import { randomUUID } from 'node:crypto';
import vm from 'node:vm';
import type { Selectable } from 'kysely';
import type { Db } from '../store/index.js';
import type { CustomDbConnectionsTable } from '../store/schema.js';
import type { SecretBox } from '../security/secret-box.js';
import type { Pool } from '../pools/index.js';
import { AppError, badRequest, notFound } from '../shared/errors.js';
import {
  publicConnection,
  RESERVED_ENV,
  scriptEnv,
  type ConnectionInput,
  type ConnectionSecret,
  type CustomDbConfig,
  type RuntimeConnection,
} from './config.js';
import { defaultScriptSource, scriptNames, type ConnectionMode, type ScriptDialect } from './scripts.js';

type ConnectionRow = Selectable<CustomDbConnectionsTable>;

export interface CustomDbUpdate {
  enabled?: boolean;
  mode?: ConnectionMode;
  dialect?: ScriptDialect;
  /** null removes the connection info. */
  connection?: ConnectionInput | null;
  /** Replaces the set of variables; a null value keeps that variable's stored value. */
  env?: Record<string, string | null>;
  timeoutMs?: number;
  egressAllow?: string[];
  unknownFields?: 'reject' | 'customData';
}

export interface ScriptVersion {
  name: string;
  version: number;
  source: string;
  createdBy: string;
  createdAt: string;
}

export interface ScriptState {
  name: string;
  /** 0 for an unwritten script (the default script). */
  version: number;
  source: string;
  isDefault: boolean;
  updatedBy: string | null;
  updatedAt: string | null;
}

export interface LogRecord {
  script: string;
  outcome: string;
  debug: boolean;
  durationMs: number;
  message?: string | null;
  console?: string | null;
}

export interface LogQuery {
  script?: string;
  outcome?: string;
  since?: Date;
  until?: Date;
  debug?: boolean;
  page: number;
  limit: number;
}

export interface LogEntry extends Omit<LogRecord, 'message' | 'console'> {
  id: string;
  message: string | null;
  console: string | null;
  createdAt: string;
}

/** Log rows kept per pool; older ones are pruned. */
export const LOG_RETENTION = 5000;
/** Captured console output kept per log row. */
export const LOG_CONSOLE_LIMIT = 8 * 1024;
export const MAX_SCRIPT_BYTES = 256 * 1024;

export class ConnectionService {
  #inserts = 0;
  readonly #listeners: Array<(poolId: string) => void> = [];

  constructor(
    private readonly db: Db,
    private readonly secrets: SecretBox,
  ) {}

  #toConfig(row: ConnectionRow): CustomDbConfig {
    return {
      id: row.id,
      poolId: row.pool_id,
      enabled: row.enabled,
      mode: row.mode as ConnectionMode,
      dialect: row.dialect as ScriptDialect,
      connection: row.connection_sealed ? (row.connection_public as CustomDbConfig['connection']) : null,
      envNames: row.env_names,
      timeoutMs: row.timeout_ms,
      egressAllow: row.egress_allow,
      unknownFields: row.unknown_fields === 'customData' ? 'customData' : 'reject',
      updatedAt: row.updated_at.toISOString(),
    };
  }

  #row(poolId: string): Promise<ConnectionRow | undefined> {
    return this.db
      .selectFrom('custom_db_connections')
      .selectAll()
      .where('pool_id', '=', poolId)
      .where('name', '=', 'default')
      .executeTakeFirst();
  }

  /** The connection, created disabled on first access so every pool has one to configure. */
  async #ensureRow(poolId: string): Promise<ConnectionRow> {
    const existing = await this.#row(poolId);
    if (existing) return existing;
    await this.db
      .insertInto('custom_db_connections')
      .values({
        id: randomUUID(),
        pool_id: poolId,
        connection_public: JSON.stringify({}),
        env_names: JSON.stringify([]),
        egress_allow: JSON.stringify([]),
        connection_sealed: null,
        env_sealed: null,
      })
      .onConflict((oc) => oc.columns(['pool_id', 'name']).doNothing())
      .execute();
    return (await this.#row(poolId))!;
  }

  /** Called with the pool id after every configuration change on this node. */
  onChange(listener: (poolId: string) => void): void {
    this.#listeners.push(listener);
  }

  async get(pool: Pool): Promise<CustomDbConfig> {
    return this.#toConfig(await this.#ensureRow(pool.id));
  }

  /** The enabled connection of a pool with its secrets unsealed, or null when disabled or absent. */
  async runtime(pool: Pool): Promise<RuntimeConnection | null> {
    const row = await this.#row(pool.id);
    if (!row?.enabled) return null;
    return this.#runtime(row);
  }

  /** Like runtime() but also for a disabled connection (the debugger runs scripts before enabling). */
  async runtimeForDebug(pool: Pool): Promise<RuntimeConnection> {
    return this.#runtime(await this.#ensureRow(pool.id));
  }

  #runtime(row: ConnectionRow): RuntimeConnection {
    const connection = row.connection_sealed
      ? this.secrets.decryptJson<ConnectionSecret>(row.connection_sealed, row.pool_id)
      : undefined;
    const custom = row.env_sealed
      ? this.secrets.decryptJson<Record<string, string>>(row.env_sealed, row.pool_id)
      : {};
    return { ...this.#toConfig(row), env: scriptEnv(connection, custom) };
  }

  async update(pool: Pool, update: CustomDbUpdate): Promise<CustomDbConfig> {
    const row = await this.#ensureRow(pool.id);
    const set: Partial<Record<keyof ConnectionRow, unknown>> = { updated_at: new Date() };
    if (update.enabled !== undefined) set.enabled = update.enabled;
    if (update.mode !== undefined) set.mode = update.mode;
    if (update.dialect !== undefined) set.dialect = update.dialect;
    if (update.timeoutMs !== undefined) set.timeout_ms = update.timeoutMs;
    if (update.egressAllow !== undefined) set.egress_allow = JSON.stringify(update.egressAllow);
    if (update.unknownFields !== undefined) set.unknown_fields = update.unknownFields;

    if (update.connection !== undefined) {
      const current = row.connection_sealed
        ? this.secrets.decryptJson<ConnectionSecret>(row.connection_sealed, pool.id)
        : undefined;
      const next = update.connection === null ? undefined : mergeConnection(current, update.connection);
      set.connection_sealed = next ? this.secrets.encryptJson(next, pool.id) : null;
      set.connection_public = JSON.stringify(next ? publicConnection(next) : {});
    }

    if (update.env !== undefined) {
      const current = row.env_sealed
        ? this.secrets.decryptJson<Record<string, string>>(row.env_sealed, pool.id)
        : {};
      const next: Record<string, string> = {};
      for (const [name, value] of Object.entries(update.env)) {
        if (RESERVED_ENV.test(name)) {
          throw badRequest(
            `${name} comes from the connection settings and cannot be a custom variable`,
            'reserved_env',
          );
        }
        if (value === null) {
          if (!(name in current)) throw badRequest(`No stored value to keep for ${name}`, 'unknown_env');
          next[name] = current[name]!;
        } else {
          next[name] = value;
        }
      }
      set.env_sealed = Object.keys(next).length > 0 ? this.secrets.encryptJson(next, pool.id) : null;
      set.env_names = JSON.stringify(Object.keys(next).sort());
    }

    const dialect = (update.dialect ?? row.dialect) as ScriptDialect;
    if (update.dialect !== undefined && update.dialect !== row.dialect) {
      // Scripts of one dialect do not run in the other; refuse rather than run them wrong.
      const written = await this.db
        .selectFrom('custom_db_scripts')
        .select('name')
        .where('connection_id', '=', row.id)
        .where('pool_id', '=', pool.id)
        .where('name', 'not in', [...scriptNames(dialect)])
        .executeTakeFirst();
      if (written) {
        throw new AppError(
          409,
          'dialect_conflict',
          `Script "${written.name}" belongs to the ${row.dialect} dialect; remove or rewrite the scripts before switching`,
        );
      }
    }

    const updated = await this.db
      .updateTable('custom_db_connections')
      .set(set as never)
      .where('id', '=', row.id)
      .where('pool_id', '=', pool.id)
      .returningAll()
      .executeTakeFirstOrThrow();
    for (const listener of this.#listeners) listener(pool.id);
    return this.#toConfig(updated);
  }

  // ---- scripts -------------------------------------------------------------------------------------

  #checkName(dialect: ScriptDialect, name: string): void {
    if (!scriptNames(dialect).includes(name)) {
      throw notFound(
        `No script "${name}" in the ${dialect} dialect (scripts: ${scriptNames(dialect).join(', ')})`,
        'script_not_found',
      );
    }
  }

  async script(pool: Pool, name: string): Promise<ScriptState> {
    const row = await this.#ensureRow(pool.id);
    this.#checkName(row.dialect as ScriptDialect, name);
    const current = await this.db
      .selectFrom('custom_db_scripts')
      .selectAll()
      .where('connection_id', '=', row.id)
      .where('pool_id', '=', pool.id)
      .where('name', '=', name)
      .orderBy('version', 'desc')
      .limit(1)
      .executeTakeFirst();
    if (!current) {
      return {
        name,
        version: 0,
        source: defaultScriptSource(name, row.dialect as ScriptDialect),
        isDefault: true,
        updatedBy: null,
        updatedAt: null,
      };
    }
    return {
      name,
      version: current.version,
      source: current.source,
      isDefault: false,
      updatedBy: current.created_by,
      updatedAt: current.created_at.toISOString(),
    };
  }

  async scripts(pool: Pool): Promise<ScriptState[]> {
    const row = await this.#ensureRow(pool.id);
    return Promise.all(scriptNames(row.dialect as ScriptDialect).map((name) => this.script(pool, name)));
  }

  /** Saves a new version. The source must parse and define the function the script is named after. */
  async saveScript(pool: Pool, name: string, source: string, actor: string): Promise<ScriptState> {
    const row = await this.#ensureRow(pool.id);
    this.#checkName(row.dialect as ScriptDialect, name);
    checkScriptSource(name, source);
    // Versions are numbered per script; a concurrent save retries with the next number.
    for (let attempt = 0; attempt < 5; attempt++) {
      const last = await this.db
        .selectFrom('custom_db_scripts')
        .select((eb) => eb.fn.max('version').as('v'))
        .where('connection_id', '=', row.id)
        .where('pool_id', '=', pool.id)
        .where('name', '=', name)
        .executeTakeFirst();
      const version = Number(last?.v ?? 0) + 1;
      try {
        await this.db
          .insertInto('custom_db_scripts')
          .values({ connection_id: row.id, pool_id: pool.id, name, version, source, created_by: actor })
          .execute();
        for (const listener of this.#listeners) listener(pool.id);
        return this.script(pool, name);
      } catch (error) {
        if ((error as { code?: string }).code !== '23505') throw error;
      }
    }
    throw new AppError(409, 'concurrent_update', 'The script was saved concurrently; try again');
  }

  async versions(pool: Pool, name: string): Promise<Omit<ScriptVersion, 'source'>[]> {
    const row = await this.#ensureRow(pool.id);
    this.#checkName(row.dialect as ScriptDialect, name);
    const rows = await this.db
      .selectFrom('custom_db_scripts')
      .select(['name', 'version', 'created_by', 'created_at'])
      .where('connection_id', '=', row.id)
      .where('pool_id', '=', pool.id)
      .where('name', '=', name)
      .orderBy('version', 'desc')
      .execute();
    return rows.map((r) => ({
      name: r.name,
      version: r.version,
      createdBy: r.created_by,
      createdAt: r.created_at.toISOString(),
    }));
  }

  async version(pool: Pool, name: string, version: number): Promise<ScriptVersion> {
    const row = await this.#ensureRow(pool.id);
    this.#checkName(row.dialect as ScriptDialect, name);
    const found = await this.db
      .selectFrom('custom_db_scripts')
      .selectAll()
      .where('connection_id', '=', row.id)
      .where('pool_id', '=', pool.id)
      .where('name', '=', name)
      .where('version', '=', version)
      .executeTakeFirst();
    if (!found) throw notFound(`Script ${name} has no version ${version}`, 'version_not_found');
    return {
      name,
      version: found.version,
      source: found.source,
      createdBy: found.created_by,
      createdAt: found.created_at.toISOString(),
    };
  }

  /** Restoring makes the old source the newest version, so history only ever grows. */
  async restore(pool: Pool, name: string, version: number, actor: string): Promise<ScriptState> {
    const old = await this.version(pool, name, version);
    return this.saveScript(pool, name, old.source, `${actor} (restored v${version})`);
  }

  // ---- log history ---------------------------------------------------------------------------------

  async log(pool: Pool, connectionId: string, record: LogRecord): Promise<void> {
    await this.db
      .insertInto('custom_db_logs')
      .values({
        pool_id: pool.id,
        connection_id: connectionId,
        script: record.script,
        outcome: record.outcome,
        debug: record.debug,
        duration_ms: record.durationMs,
        message: record.message?.slice(0, 2000) ?? null,
        console: record.console ? record.console.slice(0, LOG_CONSOLE_LIMIT) : null,
      })
      .execute();
    if (++this.#inserts % 100 === 0) await this.prune(pool);
  }

  /** Drops rows beyond the retention cap, oldest first. */
  async prune(pool: Pool, keep = LOG_RETENTION): Promise<void> {
    const cutoff = await this.db
      .selectFrom('custom_db_logs')
      .select('id')
      .where('pool_id', '=', pool.id)
      .orderBy('id', 'desc')
      .offset(keep)
      .limit(1)
      .executeTakeFirst();
    if (cutoff) {
      await this.db
        .deleteFrom('custom_db_logs')
        .where('pool_id', '=', pool.id)
        .where('id', '<=', cutoff.id)
        .execute();
    }
  }

  async logs(pool: Pool, query: LogQuery): Promise<{ totalCount: number; list: LogEntry[] }> {
    let base = this.db.selectFrom('custom_db_logs').where('pool_id', '=', pool.id);
    if (query.script) base = base.where('script', '=', query.script);
    if (query.outcome) base = base.where('outcome', '=', query.outcome);
    if (query.debug !== undefined) base = base.where('debug', '=', query.debug);
    if (query.since) base = base.where('created_at', '>=', query.since);
    if (query.until) base = base.where('created_at', '<', query.until);
    const [count, rows] = await Promise.all([
      base.select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow(),
      base
        .selectAll()
        .orderBy('id', 'desc')
        .offset((query.page - 1) * query.limit)
        .limit(query.limit)
        .execute(),
    ]);
    return {
      totalCount: Number(count.n),
      list: rows.map((r) => ({
        id: String(r.id),
        script: r.script,
        outcome: r.outcome,
        debug: r.debug,
        durationMs: r.duration_ms,
        message: r.message,
        console: r.console,
        createdAt: r.created_at.toISOString(),
      })),
    };
  }
}

function mergeConnection(current: ConnectionSecret | undefined, input: ConnectionInput): ConnectionSecret {
  if ('uri' in input) return { uri: input.uri };
  const { password, ...rest } = input;
  const next: ConnectionSecret = { ...rest };
  if (password === undefined) {
    // Write-only: an absent password keeps the stored one (the operator cannot read it back to resend).
    if (current && 'host' in current && current.password !== undefined) next.password = current.password;
  } else if (password !== null) {
    next.password = password;
  }
  return next;
}

/**
 * Parses the source without running it (V8 compiles, nothing executes), to report a syntax error with
 * its line at save time instead of at the first login.
 */
export function checkScriptSource(name: string, source: string): void {
  if (Buffer.byteLength(source) > MAX_SCRIPT_BYTES) {
    throw new AppError(413, 'script_too_large', `A script may be at most ${MAX_SCRIPT_BYTES / 1024} KiB`);
  }
  try {
    new vm.Script(source, { filename: `${name}.js` });
  } catch (error) {
    const line = /:(\d+)\n/.exec(String((error as Error).stack))?.[1];
    throw new AppError(
      400,
      'script_syntax_error',
      `${(error as Error).message}${line ? ` (line ${line})` : ''}`,
      {
        ...(line ? { line: Number(line) } : {}),
      },
    );
  }
  if (!new RegExp(`(^|\\n)\\s*(async\\s+)?function\\s+${name}\\s*\\(`).test(source)) {
    throw badRequest(`The script must define a top-level function named ${name}`, 'script_missing_function');
  }
}
