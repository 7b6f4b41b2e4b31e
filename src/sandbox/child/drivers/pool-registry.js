// @ts-check
/**
 * One real connection pool per driver and configuration, for the life of the child. The wrapped
 * driver classes look their pool up here, so `new Client(cfg)` on every call, `new Pool(cfg)` at the
 * top of a script and `createConnection(cfg)` all end up sharing warm connections.
 */

/** @type {Map<string, { pool: any, close: () => Promise<unknown> | unknown }>} */
const pools = new Map();

/**
 * A stable key for a configuration: same settings in any key order give the same key. Functions
 * (a password callback, a custom stream factory) cannot be compared, so such configs get no reuse.
 * @param {string} driver
 * @param {unknown} config
 * @returns {string | null}
 */
export function configKey(driver, config) {
  let unkeyable = false;
  const json = JSON.stringify(config ?? null, (_key, value) => {
    if (typeof value === 'function' || typeof value === 'symbol') unkeyable = true;
    if (typeof value === 'bigint') return value.toString();
    if (value && typeof value === 'object' && !Array.isArray(value) && !Buffer.isBuffer(value)) {
      if (value.type === 'Buffer' && Array.isArray(value.data)) return value;
      return Object.fromEntries(
        Object.keys(value)
          .sort()
          .map((k) => [k, value[k]]),
      );
    }
    return value;
  });
  return unkeyable ? null : `${driver}:${json}`;
}

/**
 * @template P
 * @param {string | null} key
 * @param {() => P} create
 * @param {(pool: P) => Promise<unknown> | unknown} close
 * @returns {P}
 */
export function sharedPool(key, create, close) {
  if (key === null) return create();
  const existing = pools.get(key);
  if (existing) return existing.pool;
  const pool = create();
  pools.set(key, { pool, close: () => close(pool) });
  return pool;
}

/** Closes every pool (egress policy changed, or the child is shutting down). */
export async function closeAllPools() {
  const all = [...pools.values()];
  pools.clear();
  await Promise.allSettled(all.map((entry) => Promise.resolve().then(entry.close)));
}
