/**
 * Password hashing with argon2id (@node-rs/argon2: native, runs on libuv's thread pool, so hashing
 * never blocks the event loop).
 *
 * At most `concurrency` hashes are handed to libuv at once; the others wait in a queue of ours, which
 * /metrics shows. By default that is libuv's own pool size, so the limit only makes the queue visible:
 * measured on 2 cores, holding hashes back to one per core left a core idle between a hash finishing and
 * the event loop starting the next, and cost 8% of login throughput (docs/benchmarks.md). A lower
 * setting bounds memory instead (each hash holds 19 MiB for its run).
 */
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

/** libuv's thread pool size: UV_THREADPOOL_SIZE, 4 when unset. */
export function defaultHashConcurrency(): number {
  const size = Number(process.env.UV_THREADPOOL_SIZE);
  return Number.isInteger(size) && size > 0 ? size : 4;
}
