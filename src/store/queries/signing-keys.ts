/**
 * SQL for a pool's token signing keys (private JWKs sealed by the caller) and its other sealed OIDC
 * secrets (cookie keys), kept in `oidc_secrets`.
 */
import { sql, type ColumnType, type Selectable } from 'kysely';
import type { Db } from '../index.js';
import type { SigningKeysTable } from '../schema.js';

export type SigningKeyRow = Selectable<SigningKeysTable>;

/** `oidc_secrets` is added by migration 002-oidc; declared here so the shared schema stays untouched. */
type OidcSecretsTable = {
  oidc_secrets: {
    pool_id: string;
    name: string;
    sealed: string;
    created_at: ColumnType<Date, Date | undefined, Date>;
  };
};
const withSecrets = (db: Db) => db.withTables<OidcSecretsTable>();

/** Active keys first (newest first), then retired ones: the order the provider's JWKS keeps. */
export function listSigningKeys(db: Db, poolId: string): Promise<SigningKeyRow[]> {
  return db
    .selectFrom('signing_keys')
    .selectAll()
    .where('pool_id', '=', poolId)
    .orderBy(sql`case when status = 'active' then 0 else 1 end`)
    .orderBy('created_at', 'desc')
    .orderBy('kid')
    .execute();
}

/** A cheap summary of the pool's key set, to notice rotations made by other nodes. */
export async function signingKeysFingerprint(db: Db, poolId: string): Promise<string> {
  const rows = await db
    .selectFrom('signing_keys')
    .select(['kid', 'status'])
    .where('pool_id', '=', poolId)
    .orderBy('kid')
    .execute();
  return rows.map((r) => `${r.kid}:${r.status}`).join(',');
}

/**
 * Runs `fn` in a transaction holding a per-pool advisory lock, so nodes starting together (or rotating
 * together) do not create two key sets.
 */
export function withPoolKeyLock<T>(db: Db, poolId: string, fn: (trx: Db) => Promise<T>): Promise<T> {
  return db.transaction().execute(async (trx) => {
    await sql`select pg_advisory_xact_lock(hashtext(${`gatehouse:oidc-keys:${poolId}`}))`.execute(trx);
    return fn(trx as unknown as Db);
  });
}

export async function insertSigningKeys(
  db: Db,
  rows: Array<{ kid: string; pool_id: string; alg: string; private_jwk_sealed: string }>,
): Promise<void> {
  if (rows.length === 0) return;
  await db
    .insertInto('signing_keys')
    .values(rows.map((r) => ({ ...r, status: 'active' })))
    .execute();
}

/** Marks every active key of the pool retired; returns how many. */
export async function retireActiveSigningKeys(db: Db, poolId: string, at: Date): Promise<number> {
  const result = await db
    .updateTable('signing_keys')
    .set({ status: 'retired', retired_at: at })
    .where('pool_id', '=', poolId)
    .where('status', '=', 'active')
    .executeTakeFirst();
  return Number(result.numUpdatedRows ?? 0);
}

/** Drops retired keys retired before `before` (they no longer need to verify anything). */
export async function deleteRetiredSigningKeys(db: Db, poolId: string, before: Date): Promise<void> {
  await db
    .deleteFrom('signing_keys')
    .where('pool_id', '=', poolId)
    .where('status', '=', 'retired')
    .where('retired_at', '<', before)
    .execute();
}

export async function findOidcSecret(db: Db, poolId: string, name: string): Promise<string | undefined> {
  const row = await withSecrets(db)
    .selectFrom('oidc_secrets')
    .select('sealed')
    .where('pool_id', '=', poolId)
    .where('name', '=', name)
    .executeTakeFirst();
  return row?.sealed;
}

/** Stores a secret unless one exists; returns the stored one either way (first writer wins). */
export async function insertOidcSecretIfAbsent(
  db: Db,
  poolId: string,
  name: string,
  sealed: string,
): Promise<string> {
  await withSecrets(db)
    .insertInto('oidc_secrets')
    .values({ pool_id: poolId, name, sealed })
    .onConflict((oc) => oc.columns(['pool_id', 'name']).doNothing())
    .execute();
  return (await findOidcSecret(db, poolId, name))!;
}
