/**
 * The keys that sign oidc-provider's cookies (session, interaction): random per pool, generated on first
 * use and stored sealed, so every node of a pool signs and verifies with the same keys.
 */
import { randomBytes } from 'node:crypto';
import type { Db } from '../store/index.js';
import type { SecretBox } from '../security/secret-box.js';
import { findOidcSecret, insertOidcSecretIfAbsent } from '../store/queries/signing-keys.js';

const NAME = 'cookie-keys';

export async function loadCookieKeys(db: Db, secrets: SecretBox, poolId: string): Promise<string[]> {
  let sealed = await findOidcSecret(db, poolId, NAME);
  if (!sealed) {
    const keys = [randomBytes(32).toString('base64url')];
    sealed = await insertOidcSecretIfAbsent(db, poolId, NAME, secrets.encryptJson(keys, poolId));
  }
  return secrets.decryptJson<string[]>(sealed, poolId);
}
