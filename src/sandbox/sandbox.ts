/**
 * The sandbox: routes each run() to a child process of the request's pool, starting, reusing,
 * capping and retiring children. Children are never shared between pools. A pool gets at most
 * `maxChildrenPerPool` children and a second one only when the first has `maxConcurrentPerChild`
 * calls in flight (scripts are mostly waiting on their database, so one child serves many calls at
 * once); the node as a whole runs at most `maxChildren`, evicting the least recently used idle child
 * of another pool to make room. A call that finds no room waits, within its own timeout.
 */
import { performance } from 'node:perf_hooks';
import { pinThread } from './affinity.js';
import { SandboxChild, type ChildInit } from './child-process.js';
import { parseEndpoint } from './child/egress-policy.js';
import { buildLaunch, unreadableByOthers } from './launch.js';
import { residentBytes } from './memory.js';
import { callTimeout, resolveOptions, type ResolvedOptions } from './options.js';
import { assertValidRequest } from './request.js';
import { scriptKey } from './script-key.js';
import type { RunRequest, RunResult, Sandbox, SandboxOptions, SandboxStats } from './types.js';
import { UidAllocator } from './uids.js';

const WATCHDOG_INTERVAL_MS = 250;

interface Waiter {
  poolId: string;
  resolve: (child: SandboxChild | null) => void;
}

/**
 * Per-pool uids need root, and files the children can read: every directory on the way to the
 * child runtime and node_modules must be open to other users. A checkout under a private directory
 * (a 0700 temp dir, say) is not; then `'auto'` falls back to the server's uid, loudly.
 */
function chooseUids(options: ResolvedOptions): UidAllocator | null {
  const root = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!root || options.separateUids === false) return null;
  const unreadable = unreadableByOthers();
  if (unreadable.length > 0) {
    const problem = `sandbox children cannot run under their own uid: other users cannot read ${unreadable.join(', ')}`;
    if (options.separateUids === true) {
      throw new Error(`${problem} (make them readable by others, or set separateUids: false)`);
    }
    console.warn(`WARNING: ${problem}; running them as the server's uid, without per-pool isolation`);
    return null;
  }
  return new UidAllocator(options.uidBase, options.uidRange);
}

export function createSandbox(options: SandboxOptions = {}): Sandbox {
  return new ProcessSandbox(resolveOptions(options));
}

class ProcessSandbox implements Sandbox {
  private readonly pools = new Map<string, SandboxChild[]>();
  private readonly waiters: Waiter[] = [];
  private readonly uids: UidAllocator | null;
  private readonly watchdog: NodeJS.Timeout;
  private closed = false;

  constructor(private readonly options: ResolvedOptions) {
    for (const entry of options.denyHosts) parseEndpoint(entry);
    this.uids = chooseUids(options);
    this.watchdog = setInterval(() => this.patrol(), WATCHDOG_INTERVAL_MS);
    this.watchdog.unref();
  }

  async run(req: RunRequest): Promise<RunResult> {
    assertValidRequest(req);
    if (this.closed) throw new Error('the sandbox is closed');
    for (const entry of req.egress?.allow ?? []) parseEndpoint(entry);
    const started = performance.now();
    const timeoutMs = callTimeout(req.timeoutMs);
    const child = this.acquire(req.poolId) ?? (await this.waitForChild(req.poolId, timeoutMs));
    const elapsed = () => Math.round((performance.now() - started) * 1000) / 1000;
    if (!child) {
      return {
        ok: false,
        error: this.closed
          ? { kind: 'crashed', message: 'The sandbox was closed' }
          : { kind: 'timeout', message: `No sandbox process became available within ${timeoutMs} ms` },
        logs: [],
        durationMs: elapsed(),
      };
    }
    const script = {
      key: scriptKey(req),
      dialect: req.dialect,
      fn: req.fn,
      source: req.source,
      env: req.env,
    };
    const remaining = Math.max(1, timeoutMs - (performance.now() - started));
    const egress = { allow: req.egress?.allow ?? [], strict: req.egress?.strict ?? false };
    const outcome = await child.call(script, req.args, req.context ?? null, egress, remaining);
    if (this.waiters.length > 0) this.serveWaiters();
    const durationMs = elapsed();
    return outcome.ok
      ? { ok: true, value: outcome.value ?? null, logs: outcome.logs, durationMs }
      : { ok: false, error: outcome.error!, logs: outcome.logs, durationMs };
  }

  async evictPool(poolId: string): Promise<void> {
    const children = this.pools.get(poolId) ?? [];
    await Promise.all(children.map((child) => child.retire()));
  }

  stats(): SandboxStats {
    const children = [...this.pools.values()].flat().map((child) => ({
      poolId: child.poolId,
      pid: child.pid,
      uid: child.uid,
      inFlight: child.inFlight,
      callsServed: child.callsServed,
      startedAt: child.startedAt,
    }));
    return { children, waiting: this.waiters.length };
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.watchdog);
    for (const waiter of this.waiters.splice(0)) waiter.resolve(null);
    await Promise.all([...this.pools.values()].flat().map((child) => child.retire(1000)));
  }

  /** A child of this pool with room for one more call, starting one if allowed; null when none. */
  private acquire(poolId: string): SandboxChild | null {
    let best: SandboxChild | null = null;
    let live = 0;
    for (const child of this.pools.get(poolId) ?? []) {
      if (child.closing) continue;
      live++;
      if (child.probing) continue;
      if (!best || child.inFlight < best.inFlight) best = child;
    }
    if (best && best.inFlight < this.options.maxConcurrentPerChild) return best;
    if (live < this.options.maxChildrenPerPool && this.makeRoom()) return this.spawn(poolId);
    return null;
  }

  /** True when another child may start, evicting another pool's least recently used idle child if needed. */
  private makeRoom(): boolean {
    const live = [...this.pools.values()].flat().filter((child) => !child.closing);
    if (live.length < this.options.maxChildren) return true;
    let idlest: SandboxChild | null = null;
    for (const child of live) {
      if (child.inFlight === 0 && (!idlest || child.lastActive < idlest.lastActive)) idlest = child;
    }
    if (!idlest) return false;
    void idlest.retire();
    return true;
  }

  private spawn(poolId: string): SandboxChild {
    const uid = this.uids ? this.uids.uidFor(poolId) : null;
    const plan = buildLaunch(
      {
        heapLimitMb: this.options.heapLimitMb,
        addressSpaceLimitMb: this.options.addressSpaceLimitMb,
        // Threads count against RLIMIT_NPROC: Node runs about a dozen per process.
        maxProcesses: uid === null ? null : 32 * this.options.maxChildrenPerPool,
      },
      uid,
    );
    const init: ChildInit = {
      deny: this.options.denyHosts,
      egress: { allow: [], strict: false },
      limits: {
        maxLogLines: this.options.maxLogLines,
        maxLogBytes: this.options.maxLogBytes,
        maxFrameBytes: this.options.maxFrameBytes,
      },
    };
    const child = new SandboxChild(
      poolId,
      uid,
      plan,
      init,
      this.options.maxScriptsPerChild,
      (gone) => this.forget(gone),
      () => this.serveWaiters(),
      (ready) => this.place(ready),
    );
    const list = this.pools.get(poolId) ?? [];
    list.push(child);
    this.pools.set(poolId, list);
    return child;
  }

  /** Pins a ready child's main thread next to the server's event loop, when configured to. */
  private place(child: SandboxChild): void {
    const cpu = this.options.eventLoopCpu;
    if (cpu === null || child.exited) return;
    pinThread(child.pid, cpu).catch((error: Error) => {
      if (!this.warnedPlacement) console.warn(`WARNING: ${error.message}; sandbox children stay unpinned`);
      this.warnedPlacement = true;
    });
  }

  private warnedPlacement = false;

  private forget(child: SandboxChild): void {
    const list = (this.pools.get(child.poolId) ?? []).filter((c) => c !== child);
    if (list.length > 0) this.pools.set(child.poolId, list);
    else this.pools.delete(child.poolId);
    this.serveWaiters();
  }

  private waitForChild(poolId: string, timeoutMs: number): Promise<SandboxChild | null> {
    return new Promise((resolve) => {
      const waiter: Waiter = {
        poolId,
        resolve: (child) => {
          clearTimeout(timer);
          resolve(child);
        },
      };
      const timer = setTimeout(() => {
        const at = this.waiters.indexOf(waiter);
        if (at >= 0) this.waiters.splice(at, 1);
        resolve(null);
      }, timeoutMs);
      this.waiters.push(waiter);
    });
  }

  private serveWaiters(): void {
    for (let i = 0; i < this.waiters.length;) {
      const waiter = this.waiters[i]!;
      const child = this.closed ? null : this.acquire(waiter.poolId);
      if (child) {
        this.waiters.splice(i, 1);
        waiter.resolve(child);
      } else i++;
    }
  }

  /** Kills children over their memory limit and retires those idle for too long. */
  private patrol(): void {
    const now = Date.now();
    const limit = this.options.rssLimitMb * 1024 * 1024;
    for (const child of [...this.pools.values()].flat()) {
      if (child.exited) continue;
      const rss = residentBytes(child.pid);
      if (rss !== null && rss > limit) {
        child.kill({
          kind: 'memory',
          message: `The sandbox used ${Math.round(rss / 1048576)} MiB of memory; the limit is ${this.options.rssLimitMb} MiB`,
        });
      } else if (
        !child.closing &&
        child.inFlight === 0 &&
        now - child.lastActive > this.options.idleTimeoutMs
      ) {
        void child.retire();
      }
    }
    if (this.waiters.length > 0) this.serveWaiters();
  }
}
