/**
 * SQL for oidc-provider's stored artifacts (sessions, interactions, grants, codes, tokens). Every query is
 * scoped by pool and model; expired rows are invisible and removed by `deleteExpiredOidcPayloads`.
 */
import { sql } from 'kysely';
import type { Db } from '../index.js';

export interface OidcPayloadRow {
  payload: Record<string, unknown>;
  consumed_at: Date | null;
}

export interface OidcPayloadKey {
  poolId: string;
  model: string;
}

export interface OidcPayloadUpsert {
  key: OidcPayloadKey;
  id: string;
  payload: Record<string, unknown>;
  expiresAt: Date | null;
}

/**
 * Inserts or replaces artifacts in one statement. The same artifact must not appear twice (PostgreSQL
 * refuses to update a row twice in one statement); callers keep the last write of each.
 */
export async function upsertOidcPayloads(db: Db, rows: OidcPayloadUpsert[]): Promise<void> {
  if (rows.length === 0) return;
  const str = (payload: Record<string, unknown>, name: string) =>
    typeof payload[name] === 'string' ? (payload[name] as string) : null;
  await db
    .insertInto('oidc_payloads')
    .values(
      rows.map(({ key, id, payload, expiresAt }) => ({
        pool_id: key.poolId,
        model: key.model,
        id,
        payload: JSON.stringify(payload),
        grant_id: str(payload, 'grantId'),
        user_code: str(payload, 'userCode'),
        uid: str(payload, 'uid'),
        expires_at: expiresAt,
      })),
    )
    .onConflict((oc) =>
      oc.columns(['pool_id', 'model', 'id']).doUpdateSet((eb) => ({
        payload: eb.ref('excluded.payload'),
        grant_id: eb.ref('excluded.grant_id'),
        user_code: eb.ref('excluded.user_code'),
        uid: eb.ref('excluded.uid'),
        expires_at: eb.ref('excluded.expires_at'),
      })),
    )
    .execute();
}

function live(db: Db, key: OidcPayloadKey) {
  return db
    .selectFrom('oidc_payloads')
    .select(['payload', 'consumed_at'])
    .where('pool_id', '=', key.poolId)
    .where('model', '=', key.model)
    .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', new Date())]));
}

export function findOidcPayload(
  db: Db,
  key: OidcPayloadKey,
  id: string,
): Promise<OidcPayloadRow | undefined> {
  return live(db, key).where('id', '=', id).executeTakeFirst();
}

export function findOidcPayloadByUid(
  db: Db,
  key: OidcPayloadKey,
  uid: string,
): Promise<OidcPayloadRow | undefined> {
  return live(db, key).where('uid', '=', uid).executeTakeFirst();
}

export function findOidcPayloadByUserCode(
  db: Db,
  key: OidcPayloadKey,
  userCode: string,
): Promise<OidcPayloadRow | undefined> {
  return live(db, key).where('user_code', '=', userCode).executeTakeFirst();
}

export async function consumeOidcPayload(db: Db, key: OidcPayloadKey, id: string): Promise<void> {
  await db
    .updateTable('oidc_payloads')
    .set({ consumed_at: new Date() })
    .where('pool_id', '=', key.poolId)
    .where('model', '=', key.model)
    .where('id', '=', id)
    .execute();
}

export async function destroyOidcPayload(db: Db, key: OidcPayloadKey, id: string): Promise<void> {
  await db
    .deleteFrom('oidc_payloads')
    .where('pool_id', '=', key.poolId)
    .where('model', '=', key.model)
    .where('id', '=', id)
    .execute();
}

export async function revokeOidcPayloadsByGrantId(
  db: Db,
  key: OidcPayloadKey,
  grantId: string,
): Promise<void> {
  await db
    .deleteFrom('oidc_payloads')
    .where('pool_id', '=', key.poolId)
    .where('model', '=', key.model)
    .where('grant_id', '=', grantId)
    .execute();
}

/** Housekeeping: drops artifacts that expired more than `graceSeconds` ago (all pools). */
export async function deleteExpiredOidcPayloads(db: Db, graceSeconds = 0): Promise<number> {
  const result = await db
    .deleteFrom('oidc_payloads')
    .where('expires_at', '<', sql<Date>`now() - make_interval(secs => ${graceSeconds})`)
    .executeTakeFirst();
  return Number(result.numDeletedRows ?? 0);
}
