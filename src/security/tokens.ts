/** Random opaque tokens (API keys, reset tokens) and their at-rest digests. */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

export function randomToken(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

/**
 * API keys and reset tokens carry 256 bits of entropy, so a fast digest is enough at rest (a slow
 * password hash protects low-entropy secrets; these are not).
 */
export function digest(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
