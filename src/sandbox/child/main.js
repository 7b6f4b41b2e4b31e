// @ts-check
/**
 * Entry point of a sandbox child process (one user pool's scripts). The host starts it with Node's
 * permission model, string code generation disabled, a heap limit, OS limits and its own uid, and
 * talks to it over fd 3 (a socket pair) in length-prefixed JSON frames (./framing.js); the host side
 * is ../child-handle.ts.
 *
 * Messages in:  init, load, unload, egress, call, abandon, ping, shutdown.
 * Messages out: ready, res (one per call, none for an abandoned one), pong.
 */
import net from 'node:net';
import os from 'node:os';
import dns from 'node:dns/promises';
import { randomFill } from 'node:crypto';
import { FrameDecoder, FrameWriter, encodeFrame } from './framing.js';
import { EgressPolicy } from './egress-policy.js';
import { installEgressGuard } from './egress.js';
import { CallScope, currentScope, endScope, runInScope } from './call-scope.js';
import { CompiledScript } from './script-runner.js';
import { classifyError } from './script-errors.js';
import { closeAllPools } from './drivers/pool-registry.js';

/** Frames the host may send before init completes are not expected to be large. */
const BOOT_MAX_FRAME = 64 * 1024 * 1024;

/** @type {EgressPolicy} */
let policy = new EgressPolicy({});
/** @type {{ deny: string[] }} */
let hostEgress = { deny: [] };
const limits = { maxLogLines: 100, maxLogBytes: 16 * 1024, maxFrameBytes: 4 * 1024 * 1024 };
/** @type {Map<string, import('./script-runner.js').ScriptSpec>} */
const specs = new Map();
/** @type {Map<string, CompiledScript>} */
const compiled = new Map();

installEgressGuard(
  () => policy,
  (error) => {
    const scope = currentScope();
    if (scope && !scope.egressDenied) scope.egressDenied = error;
  },
);

const channel = new net.Socket({ fd: 3, readable: true, writable: true });
const writer = new FrameWriter(channel);
/** Messages that arrived while init was still resolving deny-list names. @type {any[] | null} */
let backlog = [];
const decoder = new FrameDecoder(BOOT_MAX_FRAME, (message) => {
  if (backlog && message.t !== 'init') backlog.push(message);
  else handle(message);
});
channel.on('data', (chunk) => {
  try {
    decoder.push(chunk);
  } catch {
    process.exit(70);
  }
});
// The host went away: nothing left to serve.
channel.on('close', () => process.exit(0));
channel.on('error', () => process.exit(0));

// A script's stray exception (a throw inside a callback, a rejected promise nobody awaited) must not
// take down the other calls in this child: fail the call it belongs to, if it can be told.
process.on('uncaughtException', (error) => failCurrentCall(error));
process.on('unhandledRejection', (reason) => failCurrentCall(reason));

/** @param {unknown} error */
function failCurrentCall(error) {
  currentScope()?.fail?.(error);
}

/** @param {any} message */
function handle(message) {
  switch (message.t) {
    case 'call':
      return runCall(message);
    case 'abandon':
      return running.get(message.i)?.();
    case 'ping':
      // Answered only when the event loop is free: the host kills a child whose loop is stuck.
      return writer.write(encodeFrame({ t: 'pong', n: message.n }));
    case 'load':
      specs.set(message.k, {
        dialect: message.dialect,
        fn: message.fn,
        source: message.source,
        env: message.env,
      });
      return;
    case 'unload':
      specs.delete(message.k);
      compiled.delete(message.k);
      return;
    case 'init':
      return init(message);
    case 'egress':
      policy = buildPolicy(message.egress);
      // Connections opened under the old policy must not outlive it.
      void closeAllPools();
      return;
    case 'shutdown':
      return void closeAllPools().finally(() => process.exit(0));
  }
}

/** @param {any} message */
async function init(message) {
  Object.assign(limits, message.limits);
  decoder.maxFrameBytes = limits.maxFrameBytes;
  hostEgress = { deny: message.deny ?? [] };
  policy = buildPolicy(message.egress);
  // Deny-list entries given as names are compared with what they resolve to at start-up.
  await Promise.all(
    policy.deny
      .filter((entry) => entry.ip === null)
      .map(async (entry) => {
        const found = await dns.lookup(entry.host, { all: true }).catch(() => []);
        denyNameAddresses.set(
          entry.host,
          found.map((f) => f.address),
        );
      }),
  );
  policy = buildPolicy(message.egress);
  // Start libuv's thread pool before saying ready: the host may then pin this (main) thread to one CPU
  // (../affinity.ts), and threads inherit the affinity of the thread that starts them.
  await new Promise((resolve) => randomFill(new Uint8Array(1), resolve));
  writer.write(encodeFrame({ t: 'ready', pid: process.pid }));
  const pending = backlog ?? [];
  backlog = null;
  for (const queued of pending) handle(queued);
}

/** Addresses of deny-list entries written as host names. @type {Map<string, string[]>} */
const denyNameAddresses = new Map();

/** @param {{ allow?: string[], strict?: boolean } | undefined} egress */
function buildPolicy(egress) {
  const next = new EgressPolicy({
    deny: hostEgress.deny,
    allow: egress?.allow ?? [],
    strict: egress?.strict ?? false,
    localAddresses: localAddresses(),
  });
  for (const entry of next.deny) {
    if (entry.ip === null) next.addResolvedDenyAddresses(entry, denyNameAddresses.get(entry.host) ?? []);
  }
  return next;
}

function localAddresses() {
  return Object.values(os.networkInterfaces())
    .flat()
    .map((info) => info?.address)
    .filter((address) => typeof address === 'string');
}

/** How to abandon each call in progress, by id. @type {Map<number, () => void>} */
const running = new Map();

/** @param {{ i: number, k: string, fn: string, a: unknown[], c: unknown }} message */
function runCall(message) {
  const scope = new CallScope(limits);
  let script = compiled.get(message.k);
  if (!script) {
    const spec = specs.get(message.k);
    if (!spec) {
      return reply(message.i, scope, { kind: 'crashed', message: 'script was not loaded in this child' });
    }
    script = new CompiledScript(spec);
    compiled.set(message.k, script);
  }
  const current = script;
  let settled = false;
  const settle = (/** @type {boolean} */ ok, /** @type {unknown} */ outcome) => {
    if (settled) return;
    settled = true;
    running.delete(message.i);
    scope.fail = null;
    endScope(scope);
    if (ok) return reply(message.i, scope, undefined, outcome);
    reply(
      message.i,
      scope,
      classifyError(outcome, { filename: current.filename, egressDenied: scope.egressDenied }),
    );
  };
  scope.fail = (error) => settle(false, error);
  running.set(message.i, () => {
    if (settled) return;
    settled = true;
    running.delete(message.i);
    scope.fail = null;
    endScope(scope);
    scope.abandon();
  });
  runInScope(scope, () =>
    current.invoke(message.fn, message.a, message.c).then(
      (value) => settle(true, value),
      (error) => settle(false, error),
    ),
  );
}

/**
 * @param {number} id
 * @param {CallScope} scope
 * @param {import('./script-errors.js').ScriptFailure | undefined} failure
 * @param {unknown} [value]
 */
function reply(id, scope, failure, value) {
  const logs = scope.finish();
  let frame;
  if (failure) {
    frame = encodeFrame({ t: 'res', i: id, ok: false, e: failure, l: logs });
  } else {
    try {
      frame = encodeFrame({ t: 'res', i: id, ok: true, v: value === undefined ? null : value, l: logs });
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      frame = encodeFrame({
        t: 'res',
        i: id,
        ok: false,
        e: { kind: 'script_error', message: `The script's result cannot be serialised: ${reason}` },
        l: logs,
      });
    }
    if (frame.length - 4 > limits.maxFrameBytes) {
      frame = encodeFrame({
        t: 'res',
        i: id,
        ok: false,
        e: {
          kind: 'too_large',
          message: `The script's result is ${frame.length - 4} bytes; the limit is ${limits.maxFrameBytes} bytes`,
        },
        l: logs,
      });
    }
  }
  writer.write(frame);
}
