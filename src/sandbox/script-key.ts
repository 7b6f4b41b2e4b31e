/**
 * The identity of a compiled script: pool, dialect, function, source and env. A changed script or
 * env is a new key, so the next call compiles afresh; an unchanged one reuses the compiled script.
 * The hash of a source string is remembered (by string value) so a hot script is not rehashed on
 * every call.
 */
import { createHash } from 'node:crypto';
import type { RunRequest } from './types.js';

const MEMO_LIMIT = 512;
const memo = new Map<string, string>();

function digest(text: string): string {
  let hash = memo.get(text);
  if (hash === undefined) {
    hash = createHash('sha256').update(text).digest('base64url').slice(0, 22);
    if (memo.size >= MEMO_LIMIT) memo.delete(memo.keys().next().value as string);
    memo.set(text, hash);
  }
  return hash;
}

export function scriptKey(req: Pick<RunRequest, 'dialect' | 'fn' | 'source' | 'env'>): string {
  // Key order is not normalised: the same env built the same way hits the cache, and an env whose
  // keys merely come in another order only costs one extra compile.
  const envText = JSON.stringify(req.env);
  return `${req.dialect}:${req.fn}:${digest(req.source)}:${digest(envText)}`;
}
