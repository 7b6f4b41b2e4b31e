/**
 * Rate limiting of login and registration, per client IP and per identifier. A sliding-window
 * counter per key kept in memory (one node); the interface lets a Redis-backed limiter replace it for
 * several nodes.
 */
import { AppError } from '../shared/errors.js';
import type { Config } from '../config/index.js';

export interface RateLimitRule {
  /** Attempts allowed per window. */
  max: number;
  windowSeconds: number;
}

export interface RateLimitRules {
  loginPerIp: RateLimitRule;
  loginPerIdentifier: RateLimitRule;
  registerPerIp: RateLimitRule;
}

export function rateLimitRules(config: Config['rateLimits']): RateLimitRules {
  return {
    loginPerIp: { max: config.loginPerIpPerMinute, windowSeconds: 60 },
    loginPerIdentifier: { max: config.loginPerIdentifierPer5Minutes, windowSeconds: 300 },
    registerPerIp: { max: config.registerPerIpPerHour, windowSeconds: 3600 },
  };
}

export interface RateLimiter {
  /** Counts one hit; returns 0 when allowed, else the seconds to wait. */
  hit(key: string, rule: RateLimitRule): Promise<number>;
  reset(key: string): Promise<void>;
}

interface Window {
  start: number;
  current: number;
  previous: number;
}

export class MemoryRateLimiter implements RateLimiter {
  readonly #windows = new Map<string, Window>();
  #sweeps = 0;

  constructor(private readonly now: () => number = Date.now) {}

  async hit(key: string, rule: RateLimitRule): Promise<number> {
    const windowMs = rule.windowSeconds * 1000;
    const now = this.now();
    const start = Math.floor(now / windowMs) * windowMs;
    let w = this.#windows.get(key);
    if (!w || start - w.start >= 2 * windowMs) w = { start, current: 0, previous: 0 };
    else if (start !== w.start) w = { start, current: 0, previous: w.current };
    // Sliding window approximation: the previous window counts in proportion to its overlap.
    const weight = 1 - (now - start) / windowMs;
    const estimate = w.previous * weight + w.current;
    if (estimate >= rule.max) {
      this.#windows.set(key, w);
      return Math.max(1, Math.ceil((start + windowMs - now) / 1000));
    }
    w.current += 1;
    this.#windows.set(key, w);
    if (++this.#sweeps % 10_000 === 0) this.#sweep(now, windowMs);
    return 0;
  }

  async reset(key: string): Promise<void> {
    this.#windows.delete(key);
  }

  /** Drops idle keys so memory stays bounded under a spray of identifiers. */
  #sweep(now: number, windowMs: number): void {
    for (const [key, w] of this.#windows) if (now - w.start >= 2 * windowMs) this.#windows.delete(key);
  }
}

export async function enforce(limiter: RateLimiter, key: string, rule: RateLimitRule): Promise<void> {
  const wait = await limiter.hit(key, rule);
  if (wait > 0) {
    throw new AppError(429, 'rate_limited', `Too many attempts; try again in ${wait} seconds`, {
      retryAfterSeconds: wait,
    });
  }
}
