/**
 * Public types of the script sandbox. The sandbox runs operators' database scripts in per-pool child
 * processes; it knows nothing of users or HTTP (DESIGN §4).
 */

export type ScriptDialect = 'genauth' | 'auth0';

export interface EgressRules {
  /** `host:port` entries (IPv6 in brackets, `*` for any port) exempt from strict mode. */
  allow?: string[];
  /** Deny every private, loopback, link-local and other non-public address unless allowlisted. */
  strict?: boolean;
}

export interface RunRequest {
  /** The user pool: children are never shared between pools. */
  poolId: string;
  /** The operator's JavaScript source (one script). */
  source: string;
  dialect: ScriptDialect;
  /** genauth: the frozen `env` global; auth0: `configuration`. */
  env: Record<string, string>;
  /** The function to call, e.g. `login`. */
  fn: string;
  /** The script's arguments before `context` (genauth) or before the callback (auth0). */
  args: unknown[];
  /** genauth only: passed as the last argument. Must be JSON-serialisable. */
  context: unknown;
  /** Default 10 000 ms, at most 60 000 ms. Covers waiting for a child, starting it, and the call. */
  timeoutMs?: number;
  egress?: EgressRules;
}

/** Every way a call can fail. A value list (not only a type): the host checks the child's answers against it, and the console offers it as log filters. */
export const RUN_ERROR_KINDS = [
  'wrong_credentials',
  'user_not_found',
  'user_exists',
  'validation',
  'unauthorized',
  'script_error',
  'timeout',
  'crashed',
  'memory',
  'too_large',
  'egress_denied',
  'not_implemented',
] as const;
export type RunErrorKind = (typeof RUN_ERROR_KINDS)[number];

export interface RunError {
  kind: RunErrorKind;
  message: string;
  /** The error's `code`, when the script gave one (e.g. a ValidationError code, a driver's error code). */
  code?: string;
  /** Line in the operator's script where the error was thrown (or the syntax error is). */
  line?: number;
  /** The script's own stack frames only. */
  stack?: string;
}

export interface LogEntry {
  level: 'log' | 'info' | 'warn' | 'error' | 'debug' | 'trace';
  message: string;
}

export type RunResult =
  | { ok: true; value: unknown; logs: LogEntry[]; durationMs: number }
  | { ok: false; error: RunError; logs: LogEntry[]; durationMs: number };

export interface SandboxOptions {
  /**
   * Addresses scripts may never reach, as `host:port` (`host:*` for every port): the platform's own
   * database, Redis, the server's listening port. Cloud metadata addresses are always denied.
   * A loopback entry covers every local address of the machine.
   */
  denyHosts?: string[];
  /** Children across all pools on this node. Default 32. */
  maxChildren?: number;
  /** Children one pool may use. Default 2. */
  maxChildrenPerPool?: number;
  /** Calls in flight in one child before another child is started (or the call waits). Default 32. */
  maxConcurrentPerChild?: number;
  /** V8 old-space limit per child, MiB. Default 128. */
  heapLimitMb?: number;
  /** A child whose resident memory exceeds this is killed (the calls on it fail with `memory`). Default 384. */
  rssLimitMb?: number;
  /** prlimit address-space limit, MiB. Default 16384: fetch's WebAssembly parser reserves ~10 GiB of address space. */
  addressSpaceLimitMb?: number;
  /** A child with no call for this long is stopped. Default 300 000 (5 min). */
  idleTimeoutMs?: number;
  /** Largest frame on the pipe, either direction (so the largest result). Default 4 MiB. */
  maxFrameBytes?: number;
  /** Console lines kept per call. Default 100. */
  maxLogLines?: number;
  /** Console bytes kept per call. Default 16 KiB. */
  maxLogBytes?: number;
  /** Scripts compiled and kept per child. Default 64. */
  maxScriptsPerChild?: number;
  /**
   * Run children under their own uid (one per pool) when the server runs as root. `'auto'` (default):
   * do so when the sandbox's files are readable by other users, else warn once and run children as
   * the server's uid; `true`: refuse to start when they are not readable; `false`: never.
   * `uidBase`/`uidRange` choose the range (default 200 000 … 299 999).
   */
  separateUids?: boolean | 'auto';
  uidBase?: number;
  uidRange?: number;
  /**
   * Pin each child's main thread to this CPU once it is ready (see ./affinity.ts); meant with the
   * server's own event loop pinned to the same CPU. Default null: the kernel places children.
   */
  eventLoopCpu?: number | null;
}

export interface ChildInfo {
  poolId: string;
  pid: number;
  uid: number | null;
  inFlight: number;
  callsServed: number;
  startedAt: number;
}

export interface SandboxStats {
  children: ChildInfo[];
  waiting: number;
}

export interface Sandbox {
  run(req: RunRequest): Promise<RunResult>;
  /** Stops a pool's children (its config changed or it was deleted); calls in flight on them finish first. */
  evictPool(poolId: string): Promise<void>;
  /** Children currently running, for metrics and tests. */
  stats(): SandboxStats;
  /** Stops every child; later run() calls reject. */
  close(): Promise<void>;
}
