/**
 * Password hashing with argon2id (@node-rs/argon2: native, runs on libuv's thread pool, so hashing
 * never blocks the event loop).
 *
 * At most `concurrency` hashes run at once (by default one per core). More would not finish sooner:
 * each takes a core for its whole run. It would only add 19 MiB working sets that evict everything
 * else from the CPU caches, and it would fill libuv's four threads, leaving token signatures and file
 * work queued behind the hashes.
 */
import os from 'node:os';
import { hash, verify } from '@node-rs/argon2';
import pLimit, { type LimitFunction } from 'p-limit';

// Algorithm.Argon2id of @node-rs/argon2, a const enum that isolated modules cannot import.
const ARGON2ID = 2;
import { randomBytes } from 'node:crypto';
import type { PasswordHashingParams } from '../config/index.js';

export class PasswordHasher {
  readonly #params: PasswordHashingParams;
  readonly #limit: LimitFunction;
  #dummyHash: Promise<string> | undefined;

  constructor(params: PasswordHashingParams, concurrency = defaultHashConcurrency()) {
    this.#params = params;
    this.#limit = pLimit(concurrency);
  }

  /** Hashes running now, and waiting for a slot. */
  get load(): { active: number; waiting: number } {
    return { active: this.#limit.activeCount, waiting: this.#limit.pendingCount };
  }

  hash(password: string): Promise<string> {
    return this.#limit(() => hash(password, { algorithm: ARGON2ID, ...this.#params }));
  }

  async verify(encoded: string, password: string): Promise<boolean> {
    try {
      return await this.#limit(() => verify(encoded, password));
    } catch {
      // A malformed stored hash is a failed verification, never an exception that could leak details.
      return false;
    }
  }

  /**
   * Spend the same work as a real verification, for identifiers that match no account, so response
   * times do not reveal which accounts exist.
   */
  async verifyDummy(password: string): Promise<false> {
    this.#dummyHash ??= this.hash(randomBytes(16).toString('base64'));
    await this.verify(await this.#dummyHash, password);
    return false;
  }

  /** True when a stored hash was made with other parameters and should be rehashed at next login. */
  needsRehash(encoded: string): boolean {
    const { memoryCost, timeCost, parallelism } = this.#params;
    return (
      !encoded.startsWith('$argon2id$') ||
      !encoded.includes(`m=${memoryCost},t=${timeCost},p=${parallelism}$`)
    );
  }
}

/** One hash per core, and at least two so that one slow hash never holds up every login. */
export function defaultHashConcurrency(): number {
  return Math.max(2, os.availableParallelism());
}
