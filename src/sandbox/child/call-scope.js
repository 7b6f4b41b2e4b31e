// @ts-check
/**
 * The state of one script call, reachable from anywhere the call's asynchronous work runs: its
 * captured console, the timers it started, the pooled connections it holds, and whether egress was
 * refused. Several calls run concurrently in one child, so nothing per-call may live in a global.
 *
 * AsyncLocalStorage tells concurrent calls apart, but on Node 20 it costs every promise in the child a
 * hook (≈5 µs on a no-op call, more on a driver's promise-heavy path). So one call at a time runs
 * without it — the "ambient" call, owner of any code that runs with no store — and only calls that
 * overlap it get a store. When no stored call is left the storage is disabled again, which removes
 * the hooks. The price: work a *finished* call left behind (a stray promise chain) is attributed to
 * the ambient call of the moment; both belong to the same pool, since a child serves one pool.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { format } from 'node:util';

/** @typedef {{ level: string, message: string }} LogEntry */
/** @typedef {{ maxLogLines: number, maxLogBytes: number }} LogLimits */
/**
 * A connection a call holds: given back to its pool when the call ends, or closed for good (`discard`)
 * when the host abandoned the call at its timeout, since a query may still be running on it.
 * @typedef {{ releaseAtCallEnd(): void, discard?: () => void }} Resource
 */

const storage = new AsyncLocalStorage();

export class CallScope {
  /** @param {LogLimits} limits */
  constructor(limits) {
    this.limits = limits;
    /** @type {LogEntry[]} */
    this.logs = [];
    this.logBytes = 0;
    this.droppedLines = 0;
    this.done = false;
    /** @type {Set<{ clear(): void }> | null} timers still pending, created lazily */
    this.timers = null;
    /** @type {Set<Resource> | null} pinned connections, created lazily */
    this.resources = null;
    /** @type {Error | null} */
    this.egressDenied = null;
    /** Whether the call runs with an AsyncLocalStorage store (see runInScope). */
    this.stored = false;
    /** Fails the call from outside its promise chain (an uncaught exception in one of its callbacks). @type {((error: unknown) => void) | null} */
    this.fail = null;
  }

  /**
   * @param {string} level
   * @param {unknown[]} args
   */
  log(level, args) {
    if (this.done) return;
    if (this.logs.length >= this.limits.maxLogLines || this.logBytes >= this.limits.maxLogBytes) {
      this.droppedLines++;
      return;
    }
    let message = format(...args);
    const room = this.limits.maxLogBytes - this.logBytes;
    if (message.length > room) message = `${message.slice(0, room)}… [truncated]`;
    this.logBytes += message.length;
    this.logs.push({ level, message });
  }

  /** @param {{ clear(): void }} timer */
  addTimer(timer) {
    (this.timers ??= new Set()).add(timer);
  }

  /** @param {Resource} resource */
  addResource(resource) {
    (this.resources ??= new Set()).add(resource);
  }

  /**
   * Ends a call the host gave up on (its timeout passed while the child stayed responsive): its timers
   * are cleared and its connections closed, and nothing is reported.
   */
  abandon() {
    this.done = true;
    if (this.timers) for (const timer of this.timers) timer.clear();
    if (this.resources)
      for (const resource of this.resources) (resource.discard ?? resource.releaseAtCallEnd)();
    this.timers = null;
    this.resources = null;
  }

  /** Ends the call: timers it left are cleared, connections it forgot to end go back to their pool. */
  finish() {
    this.done = true;
    if (this.timers) for (const timer of this.timers) timer.clear();
    if (this.resources) for (const resource of this.resources) resource.releaseAtCallEnd();
    this.timers = null;
    this.resources = null;
    if (this.droppedLines > 0) {
      this.logs.push({
        level: 'warn',
        message: `[sandbox] ${this.droppedLines} more console line(s) dropped (limit ${this.limits.maxLogLines} lines / ${this.limits.maxLogBytes} bytes)`,
      });
    }
    return this.logs;
  }
}

/** @type {CallScope | null} */
let ambient = null;
let storedInFlight = 0;

/** @returns {CallScope | undefined} */
export function currentScope() {
  return storage.getStore() ?? ambient ?? undefined;
}

/**
 * Runs the start of a call in its scope; `endScope` must be called when the call settles.
 * @template T
 * @param {CallScope} scope
 * @param {() => T} fn
 * @returns {T}
 */
export function runInScope(scope, fn) {
  if (ambient === null) {
    ambient = scope;
    return fn();
  }
  storedInFlight++;
  scope.stored = true;
  return storage.run(scope, fn);
}

/** @param {CallScope} scope */
export function endScope(scope) {
  if (ambient === scope) ambient = null;
  if (scope.stored) {
    scope.stored = false;
    if (--storedInFlight === 0) storage.disable();
  }
}
