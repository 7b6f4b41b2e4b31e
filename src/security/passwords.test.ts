import { describe, expect, it } from 'vitest';
import { PasswordHasher, defaultHashConcurrency } from './passwords.js';

const params = { memoryCost: 1024, timeCost: 1, parallelism: 1 };

describe('PasswordHasher', () => {
  it('verifies what it hashed, and refuses a wrong password or a malformed hash', async () => {
    const hasher = new PasswordHasher(params);
    const encoded = await hasher.hash('correct horse');
    expect(encoded.startsWith('$argon2id$')).toBe(true);
    expect(await hasher.verify(encoded, 'correct horse')).toBe(true);
    expect(await hasher.verify(encoded, 'wrong horse')).toBe(false);
    expect(await hasher.verify('not a hash', 'correct horse')).toBe(false);
  });

  it('runs at most its concurrency of hashes at once; the rest wait their turn and all finish', async () => {
    const hasher = new PasswordHasher(params, 2);
    const encoded = await hasher.hash('pw');
    const calls = Array.from({ length: 7 }, (_, i) =>
      i % 2 ? hasher.hash(`pw${i}`) : hasher.verify(encoded, 'pw'),
    );
    expect(hasher.load).toEqual({ active: 2, waiting: 5 });
    let peak = 0;
    const watch = setInterval(() => (peak = Math.max(peak, hasher.load.active)), 0);
    const results = await Promise.all(calls);
    clearInterval(watch);
    expect(peak).toBeLessThanOrEqual(2);
    expect(results.filter((r) => r === true)).toHaveLength(4);
    expect(hasher.load).toEqual({ active: 0, waiting: 0 });
  });

  it("defaults to libuv's thread pool size", () => {
    expect(defaultHashConcurrency()).toBe(Number(process.env.UV_THREADPOOL_SIZE) || 4);
  });
});
