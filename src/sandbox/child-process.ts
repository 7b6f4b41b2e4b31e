/**
 * The host's handle on one sandbox child: spawns it, speaks the framed protocol over fd 3, tracks the
 * calls in flight and settles each of them exactly once — with the child's answer, or with a typed
 * failure when the child is killed (timeout, memory), breaks the protocol, or dies.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import type { Duplex } from 'node:stream';
import { FrameDecoder, FrameTooLargeError, FrameWriter, encodeFrame } from './child/framing.js';
import type { LaunchPlan } from './launch.js';
import {
  RUN_ERROR_KINDS,
  type EgressRules,
  type LogEntry,
  type RunError,
  type RunErrorKind,
} from './types.js';

export interface CallOutcome {
  ok: boolean;
  value?: unknown;
  error?: RunError;
  logs: LogEntry[];
}

export interface ChildInit {
  deny: string[];
  egress: EgressRules;
  limits: { maxLogLines: number; maxLogBytes: number; maxFrameBytes: number };
}

export interface ScriptLoad {
  key: string;
  dialect: string;
  fn: string;
  source: string;
  env: Record<string, string>;
}

type Pending = { resolve: (outcome: CallOutcome) => void };

/** Why the host stopped a child; decides what the calls still in flight are told. */
type KillReason = { kind: RunErrorKind; message: string };

const STDERR_TAIL_BYTES = 4096;
/**
 * After a call times out the child is asked to answer a ping within this time. A child whose event loop
 * is free answers at once, and only the late call is given up; one stuck in a synchronous loop cannot,
 * and is killed.
 */
export const LIVENESS_PROBE_MS = 250;
const NO_EGRESS_RULES = JSON.stringify({ allow: [], strict: false });

export class SandboxChild {
  readonly process: ChildProcess;
  readonly startedAt = Date.now();
  lastActive = Date.now();
  callsServed = 0;
  /** Set once the child must take no new calls (retiring, killed, or dead). */
  closing = false;
  exited = false;
  readonly exitedPromise: Promise<void>;

  private readonly channel: Duplex;
  private readonly writer: FrameWriter;
  private readonly pending = new Map<number, Pending>();
  /** Script keys the child holds, least recently used first. */
  private readonly loaded = new Map<string, true>();
  private nextId = 1;
  private killReason: KillReason | null = null;
  private stderrTail = '';
  private egressJson: string;
  private readonly maxFrameBytes: number;
  /** The liveness probe in progress after a timeout, if any. */
  private probe: { n: number; timer: NodeJS.Timeout } | null = null;
  private nextProbe = 1;

  constructor(
    readonly poolId: string,
    readonly uid: number | null,
    plan: LaunchPlan,
    init: ChildInit,
    private readonly maxScripts: number,
    private readonly onExit: (child: SandboxChild) => void,
    /** Called when a probed child proved responsive and takes calls again. */
    private readonly onResponsive: (child: SandboxChild) => void = () => {},
    /** Called once the child has initialised (its thread pool is running). */
    private readonly onReady: (child: SandboxChild) => void = () => {},
  ) {
    this.process = spawn(plan.command, plan.args, {
      env: plan.env,
      cwd: plan.cwd,
      uid: plan.uid,
      gid: plan.gid,
      // stdin and stdout go nowhere; stderr is kept (a tail) to explain crashes; fd 3 is the channel.
      stdio: ['ignore', 'ignore', 'pipe', 'pipe'],
    });
    this.channel = this.process.stdio[3] as Duplex;
    this.writer = new FrameWriter(this.channel);
    this.egressJson = JSON.stringify(init.egress);
    this.maxFrameBytes = init.limits.maxFrameBytes;

    const decoder = new FrameDecoder(init.limits.maxFrameBytes, (message) => this.onMessage(message));
    this.channel.on('data', (chunk: Buffer) => {
      try {
        decoder.push(chunk);
      } catch (error) {
        const tooLarge = error instanceof FrameTooLargeError;
        this.kill({
          kind: tooLarge ? 'too_large' : 'crashed',
          message: tooLarge ? `The sandbox sent ${error.message}` : 'The sandbox broke the protocol',
        });
      }
    });
    this.channel.on('error', () => {});
    // Idle children must not keep the host's event loop alive; a call in flight holds its own timer,
    // and a child being stopped is waited for (see retire()).
    this.holdEventLoop(false);
    this.process.stderr?.on('data', (chunk: Buffer) => {
      this.stderrTail = (this.stderrTail + chunk.toString('utf8')).slice(-STDERR_TAIL_BYTES);
    });
    this.exitedPromise = new Promise((resolve) => {
      // 'close', not 'exit': by then stderr is fully read, so a heap-exhaustion message is seen.
      this.process.once('close', (code, signal) => {
        this.exited = true;
        this.closing = true;
        if (this.probe) clearTimeout(this.probe.timer);
        this.probe = null;
        this.failAll(this.exitReason(code, signal));
        this.channel.destroy();
        this.onExit(this);
        resolve();
      });
    });
    this.process.once('error', () => {
      // spawn itself failed (no such binary, bad uid): 'close' may never come on its own.
      if (!this.exited) this.process.emit('close', null, null);
    });
    this.send({ t: 'init', deny: init.deny, egress: init.egress, limits: init.limits });
  }

  get pid(): number {
    return this.process.pid ?? -1;
  }

  get inFlight(): number {
    return this.pending.size;
  }

  /** True while a timed-out call's child is being checked: it takes no new calls meanwhile. */
  get probing(): boolean {
    return this.probe !== null;
  }

  /**
   * Sends the call (and, the first time, the script) and resolves when the child answers or dies.
   * When `timeoutMs` passes first, the call fails with `timeout`: the child abandons it (clearing its
   * timers, closing its connections) if its event loop answers a ping, and is killed if not, since a
   * script stuck in a synchronous loop cannot be interrupted any other way. The other calls on a
   * responsive child carry on.
   */
  call(
    script: ScriptLoad,
    args: unknown[],
    context: unknown,
    egress: EgressRules,
    timeoutMs: number,
  ): Promise<CallOutcome> {
    this.lastActive = Date.now();
    // Most connections have no egress rules: skip serialising the common empty case.
    const egressJson =
      egress.strict || (egress.allow?.length ?? 0) > 0 ? JSON.stringify(egress) : NO_EGRESS_RULES;
    if (egressJson !== this.egressJson) {
      this.egressJson = egressJson;
      this.send({ t: 'egress', egress });
    }
    const id = this.nextId++;
    const callFrame = encodeFrame({ t: 'call', i: id, k: script.key, fn: script.fn, a: args, c: context });
    if (callFrame.length - 4 > this.maxFrameBytes || !this.ensureLoaded(script)) {
      return Promise.resolve({
        ok: false,
        error: {
          kind: 'too_large',
          message: `The script, its env or its arguments exceed the ${this.maxFrameBytes}-byte message limit`,
        },
        logs: [],
      });
    }
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        if (!this.pending.delete(id)) return;
        resolve({
          ok: false,
          error: { kind: 'timeout', message: `The script did not finish within ${Math.round(timeoutMs)} ms` },
          logs: [],
        });
        this.send({ t: 'abandon', i: id });
        this.checkLiveness();
        if (this.pending.size === 0 && this.whenIdle) this.runWhenIdle();
      }, timeoutMs);
      this.pending.set(id, {
        resolve: (outcome) => {
          clearTimeout(timer);
          resolve(outcome);
        },
      });
      if (!this.exited) this.writer.write(callFrame);
    });
  }

  /** Pings the child; kills it unless it answers within LIVENESS_PROBE_MS. */
  private checkLiveness(): void {
    if (this.probe || this.exited) return;
    const n = this.nextProbe++;
    const timer = setTimeout(
      () =>
        this.kill({
          kind: 'crashed',
          message: 'The sandbox process was stopped because another call on it timed out',
        }),
      LIVENESS_PROBE_MS,
    );
    this.probe = { n, timer };
    this.send({ t: 'ping', n });
  }

  kill(reason: KillReason): void {
    if (this.exited) return;
    this.killReason ??= reason;
    this.closing = true;
    this.process.kill('SIGKILL');
  }

  /** Asks the child to finish: it closes its database pools and exits; killed if it lingers. */
  retire(graceMs = 5000): Promise<void> {
    this.closing = true;
    if (this.exited) return this.exitedPromise;
    this.holdEventLoop(true);
    const stop = () => {
      this.send({ t: 'shutdown' });
      const timer = setTimeout(
        () => this.kill({ kind: 'crashed', message: 'The sandbox was stopped' }),
        graceMs,
      );
      timer.unref();
      void this.exitedPromise.then(() => clearTimeout(timer));
    };
    if (this.pending.size === 0) stop();
    else this.whenIdle = stop;
    return this.exitedPromise;
  }

  private whenIdle: (() => void) | null = null;

  private holdEventLoop(hold: boolean): void {
    type Refable = { ref?: () => void; unref?: () => void } | null | undefined;
    for (const handle of [this.process, this.channel, this.process.stderr] as Refable[]) {
      if (hold) handle?.ref?.();
      else handle?.unref?.();
    }
  }

  /** Sends the script unless the child holds it already; false when it is too large to send. */
  private ensureLoaded(script: ScriptLoad): boolean {
    if (this.loaded.has(script.key)) {
      // Refresh its place in the LRU order.
      this.loaded.delete(script.key);
      this.loaded.set(script.key, true);
      return true;
    }
    const frame = encodeFrame({
      t: 'load',
      k: script.key,
      dialect: script.dialect,
      fn: script.fn,
      source: script.source,
      env: script.env,
    });
    if (frame.length - 4 > this.maxFrameBytes) return false;
    if (!this.exited) this.writer.write(frame);
    this.loaded.set(script.key, true);
    while (this.loaded.size > this.maxScripts) {
      const oldest = this.loaded.keys().next().value as string;
      this.loaded.delete(oldest);
      this.send({ t: 'unload', k: oldest });
    }
    return true;
  }

  private send(message: unknown): void {
    if (this.exited) return;
    this.writer.write(encodeFrame(message));
  }

  private onMessage(message: {
    t: string;
    i?: number;
    n?: number;
    ok?: boolean;
    v?: unknown;
    e?: RunError;
    l?: LogEntry[];
  }): void {
    if (message.t === 'ready') {
      this.onReady(this);
      return;
    }
    if (message.t === 'pong') {
      if (this.probe && message.n === this.probe.n) {
        clearTimeout(this.probe.timer);
        this.probe = null;
        this.onResponsive(this);
      }
      return;
    }
    if (message.t !== 'res' || typeof message.i !== 'number') return;
    const entry = this.pending.get(message.i);
    if (!entry) return;
    this.pending.delete(message.i);
    this.callsServed++;
    this.lastActive = Date.now();
    const logs = Array.isArray(message.l) ? message.l : [];
    entry.resolve(
      message.ok
        ? { ok: true, value: message.v, logs }
        : { ok: false, error: sanitiseError(message.e), logs },
    );
    if (this.pending.size === 0 && this.whenIdle) this.runWhenIdle();
  }

  private runWhenIdle(): void {
    const stop = this.whenIdle;
    this.whenIdle = null;
    stop?.();
  }

  private failAll(reason: KillReason): void {
    const calls = [...this.pending.values()];
    this.pending.clear();
    for (const call of calls) call.resolve({ ok: false, error: { ...reason }, logs: [] });
  }

  private exitReason(code: number | null, signal: NodeJS.Signals | null): KillReason {
    if (this.killReason) return this.killReason;
    const tail = this.stderrTail;
    if (/heap out of memory|Allocation failed|out of memory/i.test(tail) || signal === 'SIGABRT') {
      return { kind: 'memory', message: 'The sandbox ran out of memory' };
    }
    if (signal === 'SIGXCPU')
      return { kind: 'crashed', message: 'The sandbox used up its CPU time allowance' };
    const detail = tail.trim().split('\n').slice(-3).join(' | ');
    return {
      kind: 'crashed',
      message: `The sandbox process exited unexpectedly (${signal ?? `code ${code}`})${detail ? `: ${detail}` : ''}`,
    };
  }
}

const KINDS = new Set<RunErrorKind>(RUN_ERROR_KINDS);

/** The child is not trusted: keep only well-formed fields of its error. */
function sanitiseError(raw: unknown): RunError {
  const e = (raw ?? {}) as Record<string, unknown>;
  const kind = KINDS.has(e.kind as RunErrorKind) ? (e.kind as RunErrorKind) : 'script_error';
  const error: RunError = { kind, message: typeof e.message === 'string' ? e.message : 'Script failed' };
  if (typeof e.code === 'string') error.code = e.code;
  if (typeof e.line === 'number' && Number.isInteger(e.line)) error.line = e.line;
  if (typeof e.stack === 'string') error.stack = e.stack;
  return error;
}
