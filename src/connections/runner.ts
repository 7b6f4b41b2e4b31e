/**
 * Runs a connection's scripts through the sandbox: picks the saved source, builds the script context,
 * records every run in the log history, and turns failures into the errors the flows answer with
 * (DESIGN.md §3 "Errors"). The sandbox itself knows nothing of users or HTTP.
 */
import type { Logger } from 'pino';
import type { Sandbox, RunResult, RunError } from '../sandbox/index.js';
import type { Pool } from '../pools/index.js';
import { AppError } from '../shared/errors.js';
import type { RuntimeConnection } from './config.js';
import type { ConnectionService } from './service.js';

/** The message end users see for wrong credentials when the pool masks script errors. */
export const MASKED_CREDENTIALS_MESSAGE = 'Wrong email, username, phone or password';

/** Driver and network error codes that mean "the legacy database cannot be reached", not "bad input". */
const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
  'ECONNABORTED',
  'ERR_NETWORK',
  'ERR_BAD_RESPONSE',
  'PROTOCOL_CONNECTION_LOST',
  'ER_ACCESS_DENIED_ERROR',
  'ER_BAD_DB_ERROR',
  'ER_CON_COUNT_ERROR',
  '28P01', // pg: invalid password
  '28000', // pg: invalid authorization
  '3D000', // pg: database does not exist
  '53300', // pg: too many connections
  '57P01', // pg: admin shutdown
  '57P03', // pg: cannot connect now
  '08000',
  '08001',
  '08003',
  '08004',
  '08006',
]);

const DATABASE_ERROR_CODE = /^([0-9A-Z]{5}|ER_[A-Z_]+)$/;

const PROGRAMMING_ERROR = /^(TypeError|ReferenceError|SyntaxError|RangeError)\b/;

/**
 * `fetch` (undici) reports every network failure (refused, DNS, reset, TLS) as `TypeError: fetch failed`
 * with the reason only in `cause`, which the sandbox does not carry over: a web service that cannot be
 * reached, not a bug in the script.
 */
const FETCH_FAILED = /^TypeError: fetch failed\b/;

/** Who a script runs for; the directory's context satisfies it (connections do not depend on the directory). */
export interface CallContext {
  pool: Pool;
  request?: { ip: string | null; body?: Record<string, unknown> };
  app?: { id: string; name: string; metadata?: Record<string, unknown> };
}

export interface ScriptCallOptions {
  /** Run this source instead of the saved script (the debugger's drafts). */
  source?: string;
  debug?: boolean;
  /** The login script's failures are credentials problems; other scripts' are not. */
  purpose?: 'login' | 'other';
}

/** Saved sources are cached this long; a save on this node drops them at once. */
const SOURCE_CACHE_MS = 1000;

export class ScriptRunner {
  readonly #sources = new Map<string, { at: number; source: string }>();

  constructor(
    private readonly sandbox: Sandbox,
    private readonly connections: ConnectionService,
    private readonly logger: Logger,
  ) {
    connections.onChange((poolId) => {
      for (const key of this.#sources.keys()) if (key.startsWith(`${poolId}:`)) this.#sources.delete(key);
    });
  }

  async #savedSource(pool: Pool, script: string): Promise<string> {
    const key = `${pool.id}:${script}`;
    const cached = this.#sources.get(key);
    if (cached && Date.now() - cached.at < SOURCE_CACHE_MS) return cached.source;
    const { source } = await this.connections.script(pool, script);
    this.#sources.set(key, { at: Date.now(), source });
    return source;
  }

  /** DESIGN.md §2 `context`. The request body never carries a password (see http/request-info.ts). */
  static context(ctx: CallContext): Record<string, unknown> {
    return {
      userPoolId: ctx.pool.id,
      userPoolName: ctx.pool.name,
      userPoolMetadata: ctx.pool.metadata,
      appId: ctx.app?.id ?? null,
      appName: ctx.app?.name ?? null,
      appMetadata: ctx.app?.metadata ?? {},
      application: ctx.app ? { id: ctx.app.id, name: ctx.app.name } : null,
      request: { ip: ctx.request?.ip ?? null, geo: null, body: ctx.request?.body ?? {} },
    };
  }

  /** Runs a script and records it; never throws for what the script does. */
  async run(
    pool: Pool,
    connection: RuntimeConnection,
    script: string,
    args: unknown[],
    context: Record<string, unknown>,
    options: ScriptCallOptions = {},
  ): Promise<RunResult> {
    const source = options.source ?? (await this.#savedSource(pool, script));
    const result = await this.sandbox.run({
      poolId: pool.id,
      source,
      dialect: connection.dialect,
      env: connection.env,
      fn: script,
      args,
      context,
      timeoutMs: connection.timeoutMs,
      egress: { allow: connection.egressAllow },
    });
    const consoleText = result.logs.map((l) => `[${l.level}] ${l.message}`).join('\n');
    // Real runs are recorded off the request's path (the history must not slow logins down); debug runs
    // are awaited so the debugger's caller finds them in the history at once. A failure to record is
    // logged, never turned into a failed login.
    const recorded = this.connections
      .log(pool, connection.id, {
        script,
        outcome: result.ok ? 'success' : result.error.kind,
        debug: options.debug ?? false,
        durationMs: result.durationMs,
        message: result.ok ? null : result.error.message,
        console: consoleText || null,
      })
      .catch((error: unknown) => this.logger.warn({ err: error }, 'could not record a script run'));
    if (options.debug) await recorded;
    return result;
  }

  /** Runs a script for a flow: the value, or the AppError the flow answers with. */
  async call(
    ctx: CallContext,
    connection: RuntimeConnection,
    script: string,
    args: unknown[],
    options: ScriptCallOptions = {},
  ): Promise<unknown> {
    const result = await this.run(ctx.pool, connection, script, args, ScriptRunner.context(ctx), options);
    if (result.ok) return result.value;
    throw this.toAppError(ctx.pool, script, result.error, options.purpose ?? 'other');
  }

  toAppError(pool: Pool, script: string, error: RunError, purpose: 'login' | 'other'): AppError {
    const shown = (message: string) =>
      pool.settings.maskScriptErrors ? MASKED_CREDENTIALS_MESSAGE : message;
    switch (error.kind) {
      case 'wrong_credentials':
        return new AppError(401, 'invalid_credentials', shown(error.message || MASKED_CREDENTIALS_MESSAGE));
      case 'user_not_found':
        return purpose === 'login'
          ? new AppError(401, 'invalid_credentials', shown(error.message || MASKED_CREDENTIALS_MESSAGE))
          : new AppError(404, 'user_not_found', error.message || 'No such user');
      case 'user_exists':
        return new AppError(409, 'user_exists', error.message || 'The user already exists');
      case 'validation':
        return new AppError(
          400,
          'script_validation_failed',
          error.message,
          error.code ? { scriptCode: error.code } : undefined,
        );
      case 'unauthorized':
        return new AppError(403, 'user_blocked', error.message || 'This account is blocked');
      case 'not_implemented':
        return new AppError(501, 'script_not_implemented', error.message);
      case 'timeout':
      case 'crashed':
      case 'memory':
      case 'too_large':
      case 'egress_denied':
        return unavailable(script, error);
      case 'script_error':
        if (error.code && UNAVAILABLE_CODES.has(error.code)) return unavailable(script, error);
        if (FETCH_FAILED.test(error.stack ?? '')) return unavailable(script, error);
        if (PROGRAMMING_ERROR.test(error.stack ?? '')) return scriptBug(script, error);
        // A database's own error (an SQLSTATE such as 42P01, a MySQL ER_… code) is a bug in the script or
        // schema, never a credentials problem, and its SQL text is not for end users.
        if (error.code && DATABASE_ERROR_CODE.test(error.code)) return scriptBug(script, error);
        // GenAuth's published scripts throw plain Errors for wrong credentials; their message is for the user.
        if (purpose === 'login') return new AppError(401, 'invalid_credentials', shown(error.message));
        return scriptBug(script, error);
    }
  }
}

/** Nothing about users is decided on an unavailable database: the flows answer 503. */
function unavailable(script: string, error: RunError): AppError {
  return new AppError(
    503,
    'custom_db_unavailable',
    `The user database is unavailable (${script} script: ${error.kind === 'script_error' ? (error.code ?? error.message) : error.kind})`,
  );
}

function scriptBug(script: string, error: RunError): AppError {
  return new AppError(
    500,
    'custom_db_script_error',
    `The ${script} script failed: ${error.message}${error.line ? ` (line ${error.line})` : ''}`,
  );
}
