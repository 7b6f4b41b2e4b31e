/** Sandbox options with their defaults applied and checked. */
import type { SandboxOptions } from './types.js';

export type ResolvedOptions = Required<SandboxOptions>;

export const DEFAULT_TIMEOUT_MS = 10_000;
export const MAX_TIMEOUT_MS = 60_000;

const DEFAULTS: ResolvedOptions = {
  denyHosts: [],
  maxChildren: 32,
  maxChildrenPerPool: 2,
  maxConcurrentPerChild: 32,
  heapLimitMb: 128,
  rssLimitMb: 384,
  addressSpaceLimitMb: 16_384,
  idleTimeoutMs: 300_000,
  maxFrameBytes: 4 * 1024 * 1024,
  maxLogLines: 100,
  maxLogBytes: 16 * 1024,
  maxScriptsPerChild: 64,
  separateUids: 'auto',
  uidBase: 200_000,
  uidRange: 100_000,
  eventLoopCpu: null,
};

export function resolveOptions(options: SandboxOptions): ResolvedOptions {
  const resolved = { ...DEFAULTS, ...dropUndefined(options) };
  const { eventLoopCpu } = resolved;
  if (eventLoopCpu !== null && !(Number.isInteger(eventLoopCpu) && eventLoopCpu >= 0)) {
    throw new TypeError('sandbox option eventLoopCpu must be a CPU number (0, 1, …) or null');
  }
  for (const [name, value] of Object.entries(resolved)) {
    if (name === 'eventLoopCpu') continue;
    if (typeof value === 'number' && !(Number.isFinite(value) && value > 0)) {
      throw new TypeError(`sandbox option ${name} must be a positive number`);
    }
  }
  if (!Array.isArray(resolved.denyHosts)) throw new TypeError('sandbox option denyHosts must be an array');
  return resolved;
}

function dropUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** The per-call timeout: default 10 s, never more than 60 s. */
export function callTimeout(timeoutMs: number | undefined): number {
  if (timeoutMs === undefined) return DEFAULT_TIMEOUT_MS;
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0)
    throw new TypeError('timeoutMs must be a positive number');
  return Math.min(Math.ceil(timeoutMs), MAX_TIMEOUT_MS);
}
