/**
 * oidc-provider's storage adapter over the `oidc_payloads` table, one adapter class per pool: every
 * query is filtered by the pool id and the model name, expired rows are never returned. Clients are
 * not stored here: the `Client` model reads the pool's applications.
 */
import type { Adapter, AdapterPayload } from 'oidc-provider';
import type { Db } from '../store/index.js';
import {
  consumeOidcPayload,
  destroyOidcPayload,
  findOidcPayload,
  findOidcPayloadByUid,
  findOidcPayloadByUserCode,
  revokeOidcPayloadsByGrantId,
  upsertOidcPayloads,
  type OidcPayloadKey,
  type OidcPayloadRow,
  type OidcPayloadUpsert,
} from '../store/queries/oidc-payloads.js';

/** Token values and ids are short; anything longer is not ours and is not looked up. */
const MAX_ID_LENGTH = 512;

/**
 * Coalesces the writes issued in one turn of the event loop into one INSERT … ON CONFLICT: a login
 * saves a grant, an access token and a refresh token together, and concurrent logins share statements.
 * Each write still resolves only once it is stored.
 */
export class UpsertBatcher {
  #queue: Array<{ row: OidcPayloadUpsert; resolve: () => void; reject: (error: unknown) => void }> = [];
  #scheduled = false;

  constructor(private readonly db: Db) {}

  upsert(row: OidcPayloadUpsert): Promise<void> {
    return new Promise((resolve, reject) => {
      this.#queue.push({ row, resolve, reject });
      if (!this.#scheduled) {
        this.#scheduled = true;
        setImmediate(() => void this.#flush());
      }
    });
  }

  async #flush(): Promise<void> {
    const batch = this.#queue;
    this.#queue = [];
    this.#scheduled = false;
    // The last write of an artifact wins, as if the statements had run one after the other.
    const latest = new Map<string, OidcPayloadUpsert>();
    for (const { row } of batch) latest.set(`${row.key.poolId}\u0000${row.key.model}\u0000${row.id}`, row);
    try {
      await upsertOidcPayloads(this.db, [...latest.values()]);
      for (const item of batch) item.resolve();
    } catch (error) {
      for (const item of batch) item.reject(error);
    }
  }
}

export type ClientLoader = (clientId: string) => Promise<AdapterPayload | undefined>;

function toPayload(row: OidcPayloadRow | undefined): AdapterPayload | undefined {
  if (!row) return undefined;
  const payload = row.payload as AdapterPayload;
  return row.consumed_at ? { ...payload, consumed: Math.floor(row.consumed_at.getTime() / 1000) } : payload;
}

class ClientAdapter implements Adapter {
  constructor(private readonly load: ClientLoader) {}
  async find(id: string) {
    return id.length <= MAX_ID_LENGTH ? this.load(id) : undefined;
  }
  async upsert() {
    throw new Error('Clients are managed through the management API');
  }
  async findByUserCode() {
    return undefined;
  }
  async findByUid() {
    return undefined;
  }
  async consume() {}
  async destroy() {}
  async revokeByGrantId() {}
}

class PayloadAdapter implements Adapter {
  readonly #key: OidcPayloadKey;

  constructor(
    private readonly db: Db,
    private readonly writes: UpsertBatcher,
    poolId: string,
    model: string,
  ) {
    this.#key = { poolId, model };
  }

  async upsert(id: string, payload: AdapterPayload, expiresIn?: number) {
    const expiresAt = expiresIn ? new Date(Date.now() + expiresIn * 1000) : null;
    await this.writes.upsert({ key: this.#key, id, payload: payload as Record<string, unknown>, expiresAt });
  }

  async find(id: string) {
    if (id.length > MAX_ID_LENGTH) return undefined;
    return toPayload(await findOidcPayload(this.db, this.#key, id));
  }

  async findByUid(uid: string) {
    if (uid.length > MAX_ID_LENGTH) return undefined;
    return toPayload(await findOidcPayloadByUid(this.db, this.#key, uid));
  }

  async findByUserCode(userCode: string) {
    if (userCode.length > MAX_ID_LENGTH) return undefined;
    return toPayload(await findOidcPayloadByUserCode(this.db, this.#key, userCode));
  }

  async consume(id: string) {
    await consumeOidcPayload(this.db, this.#key, id);
  }

  async destroy(id: string) {
    await destroyOidcPayload(this.db, this.#key, id);
  }

  async revokeByGrantId(grantId: string) {
    await revokeOidcPayloadsByGrantId(this.db, this.#key, grantId);
  }
}

/** The adapter factory handed to the pool's Provider (`adapter` configuration). */
export function createAdapterFactory(
  db: Db,
  writes: UpsertBatcher,
  poolId: string,
  loadClient: ClientLoader,
) {
  return (model: string): Adapter =>
    model === 'Client' ? new ClientAdapter(loadClient) : new PayloadAdapter(db, writes, poolId, model);
}
