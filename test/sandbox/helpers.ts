/** Shared bits of the sandbox test suites. */
import type { RunRequest } from '../../src/sandbox/index.js';

export const context = {
  userPoolId: 'pool-test',
  userPoolName: 'Test',
  request: { ip: '127.0.0.1', body: {} },
};

/** A genauth request for `fn` with sensible defaults. */
export function genauth(
  poolId: string,
  source: string,
  fn = 'login',
  args: unknown[] = [{}, 'pw'],
): RunRequest {
  return { poolId, source, dialect: 'genauth', env: {}, fn, args, context };
}

export function auth0(
  poolId: string,
  source: string,
  fn = 'login',
  args: unknown[] = ['a@b.c', 'pw'],
): RunRequest {
  return { poolId, source, dialect: 'auth0', env: {}, fn, args, context };
}

export const NOOP = 'async function login() { return { id: "1" } }';

/** Random suffix for databases and schemas created by a test run. */
export function randomName(prefix: string): string {
  return `${prefix}_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
}

/**
 * Integration services: a missing one skips loudly, except under CI where it must fail the run.
 */
export function serviceUnavailable(name: string, url: string, error: unknown): void {
  const reason = error instanceof Error ? error.message : String(error);
  const message = `${name} at ${url} is not reachable (${reason}): its sandbox integration tests are SKIPPED`;
  if (process.env.CI) throw new Error(`${message} — but CI is set, so this is a failure`);
  console.warn(`\n${'!'.repeat(100)}\n!! ${message}\n${'!'.repeat(100)}\n`);
}
