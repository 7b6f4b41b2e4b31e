/**
 * A pool's token signing keys: generated on first use (RS256 and ES256), private JWKs sealed at rest with
 * the pool id as associated data, rotatable. Rotation makes new active keys and keeps the previous ones
 * in the JWKS as `retired` (they verify, never sign) for RETIRED_KEY_GRACE_MS, after which the next
 * rotation drops them.
 */
import { generateKeyPair, type JsonWebKey } from 'node:crypto';
import { promisify } from 'node:util';
import { calculateJwkThumbprint, type JWK } from 'jose';
import type { Db } from '../store/index.js';
import type { SecretBox } from '../security/secret-box.js';
import {
  deleteRetiredSigningKeys,
  insertSigningKeys,
  listSigningKeys,
  retireActiveSigningKeys,
  signingKeysFingerprint,
  withPoolKeyLock,
  type SigningKeyRow,
} from '../store/queries/signing-keys.js';

const generate = promisify(generateKeyPair);

/** The algorithms every pool signs with; RS256 first, as the default for ID tokens. */
export const SIGNING_ALGS = ['RS256', 'ES256'] as const;
export type SigningAlg = (typeof SIGNING_ALGS)[number];

/** Retired keys stay published this long (longer than the longest ID token lifetime, one day). */
export const RETIRED_KEY_GRACE_MS = 2 * 86_400_000;

export interface SigningKeyInfo {
  kid: string;
  alg: string;
  status: 'active' | 'retired';
  createdAt: string;
  retiredAt: string | null;
}

export interface PoolKeySet {
  /** Private JWKs in provider order: active keys first, then retired ones. */
  keys: JWK[];
  fingerprint: string;
}

async function newPrivateJwk(alg: SigningAlg): Promise<JWK> {
  const { privateKey } =
    alg === 'RS256'
      ? await generate('rsa', { modulusLength: 2048 })
      : await generate('ec', { namedCurve: 'P-256' });
  const jwk = privateKey.export({ format: 'jwk' }) as JsonWebKey as JWK;
  const kid = await calculateJwkThumbprint(jwk);
  return { ...jwk, kid, alg, use: 'sig' };
}

function info(row: SigningKeyRow): SigningKeyInfo {
  return {
    kid: row.kid,
    alg: row.alg,
    status: row.status === 'active' ? 'active' : 'retired',
    createdAt: row.created_at.toISOString(),
    retiredAt: row.retired_at ? row.retired_at.toISOString() : null,
  };
}

export class SigningKeyStore {
  constructor(
    private readonly db: Db,
    private readonly secrets: SecretBox,
  ) {}

  async #generateRows(poolId: string) {
    const jwks = await Promise.all(SIGNING_ALGS.map(newPrivateJwk));
    return jwks.map((jwk) => ({
      kid: jwk.kid!,
      pool_id: poolId,
      alg: jwk.alg!,
      private_jwk_sealed: this.secrets.encryptJson(jwk, poolId),
    }));
  }

  /** The pool's keys, decrypted; creates the first set when the pool has none. */
  async load(poolId: string): Promise<PoolKeySet> {
    let rows = await listSigningKeys(this.db, poolId);
    if (!rows.some((r) => r.status === 'active')) {
      // Generated outside the lock (it takes a moment); only inserted if still needed under it.
      const fresh = await this.#generateRows(poolId);
      rows = await withPoolKeyLock(this.db, poolId, async (trx) => {
        const current = await listSigningKeys(trx, poolId);
        if (current.some((r) => r.status === 'active')) return current;
        await insertSigningKeys(trx, fresh);
        return listSigningKeys(trx, poolId);
      });
    }
    const keys = rows.map((row) => this.secrets.decryptJson<JWK>(row.private_jwk_sealed, poolId));
    return { keys, fingerprint: fingerprintOf(rows) };
  }

  fingerprint(poolId: string): Promise<string> {
    return signingKeysFingerprint(this.db, poolId);
  }

  async list(poolId: string): Promise<SigningKeyInfo[]> {
    return (await listSigningKeys(this.db, poolId)).map(info);
  }

  /** New active keys for every algorithm; the current ones are retired (still published). */
  async rotate(poolId: string): Promise<SigningKeyInfo[]> {
    const fresh = await this.#generateRows(poolId);
    return withPoolKeyLock(this.db, poolId, async (trx) => {
      const now = new Date();
      await deleteRetiredSigningKeys(trx, poolId, new Date(now.getTime() - RETIRED_KEY_GRACE_MS));
      await retireActiveSigningKeys(trx, poolId, now);
      await insertSigningKeys(trx, fresh);
      return (await listSigningKeys(trx, poolId)).map(info);
    });
  }
}

function fingerprintOf(rows: SigningKeyRow[]): string {
  return rows
    .map((r) => `${r.kid}:${r.status}`)
    .sort()
    .join(',');
}
