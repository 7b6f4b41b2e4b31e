// @ts-check
/**
 * `pg` as scripts see it. `Client` keeps pg's API but borrows a connection from a shared pool on
 * connect() and gives it back on end(), so the published style (a new Client, connect, query, end,
 * on every call) costs no TCP or authentication handshake after the first call. `Pool` is the
 * shared pool itself, with end() made harmless. The legacy `pg.connect(conString, cb)` of older
 * Auth0 templates works too. Everything else is pg's own (types, escape helpers, errors).
 */
import { EventEmitter } from 'node:events';
import { createRequire } from 'node:module';
import { configKey, sharedPool } from './pool-registry.js';
import { currentScope } from '../call-scope.js';

const require = createRequire(import.meta.url);
const POOL_DEFAULTS = { max: 10, idleTimeoutMillis: 30_000 };

/** @param {any} pg */
export function wrapPg(pg) {
  /** @param {unknown} config @returns {any} */
  function poolFor(config) {
    const normalised = typeof config === 'string' ? { connectionString: config } : { ...(config ?? {}) };
    const key = configKey('pg', normalised);
    if (key === null) return null;
    return sharedPool(
      key,
      () => {
        const pool = new pg.Pool({ ...POOL_DEFAULTS, ...normalised });
        // An idle pooled connection dropped by the server must not crash the child.
        pool.on('error', () => {});
        return pool;
      },
      (pool) => pool.end(),
    );
  }

  /**
   * @param {any} promise
   * @param {Function | undefined} callback
   */
  function answer(promise, callback) {
    if (!callback) return promise;
    promise.then(
      (/** @type {unknown} */ value) => process.nextTick(callback, null, value),
      (/** @type {unknown} */ error) => process.nextTick(callback, error),
    );
    return undefined;
  }

  /**
   * Closes a pooled connection an abandoned call still holds. The server is first asked to stop what the
   * connection runs (a CancelRequest on a connection of its own, which is what pg's Client#cancel
   * sends): closing the socket alone leaves the query running until the server next writes to it.
   * @param {any} client
   */
  function discardClient(client) {
    const query = client.activeQuery;
    if (query) {
      const canceller = new pg.Client({ host: client.host, port: client.port });
      canceller.connection.on('error', () => {});
      canceller.cancel(client, query);
    }
    client.release(true);
  }

  /** Tracks a checked-out pool client so a call that forgets release() does not leak it. */
  function trackRelease(/** @type {any} */ client) {
    const scope = currentScope();
    if (!scope) return client;
    const release = client.release.bind(client);
    let released = false;
    client.release = (/** @type {unknown} */ err) => {
      if (released) return;
      released = true;
      release(err);
    };
    scope.addResource({ releaseAtCallEnd: () => client.release(), discard: () => discardClient(client) });
    return client;
  }

  class Client extends EventEmitter {
    /** @param {unknown} [config] */
    constructor(config) {
      super();
      const pool = poolFor(config ?? {});
      // A config that cannot be compared (it holds functions) gets a real, unpooled client.
      if (pool === null) return new pg.Client(config);
      this._pool = pool;
      /** @type {any} */
      this._client = null;
    }

    /** @param {Function} [callback] */
    connect(callback) {
      const promise = this._pool.connect().then((/** @type {any} */ client) => {
        if (this._client) client.release();
        else {
          this._client = client;
          currentScope()?.addResource({
            releaseAtCallEnd: () => this._release(),
            discard: () => this._discard(),
          });
        }
      });
      return answer(promise, callback);
    }

    /** @param {any[]} args */
    query(...args) {
      return (this._client ?? this._pool).query(...args);
    }

    /** @param {Function} [callback] */
    end(callback) {
      this._release();
      return answer(Promise.resolve(), callback);
    }

    _release() {
      const client = this._client;
      this._client = null;
      client?.release();
    }

    _discard() {
      const client = this._client;
      this._client = null;
      if (client) discardClient(client);
    }

    /** @param {string} text */
    escapeLiteral(text) {
      return pg.Client.prototype.escapeLiteral.call(this, text);
    }

    /** @param {string} text */
    escapeIdentifier(text) {
      return pg.Client.prototype.escapeIdentifier.call(this, text);
    }
  }

  class Pool extends EventEmitter {
    /** @param {unknown} [config] */
    constructor(config) {
      super();
      const pool = poolFor(config ?? {});
      if (pool === null) return new pg.Pool(config);
      this._pool = pool;
    }

    /** @param {any[]} args */
    query(...args) {
      return this._pool.query(...args);
    }

    /** @param {Function} [callback] */
    connect(callback) {
      const promise = this._pool.connect().then(trackRelease);
      if (!callback) return promise;
      promise.then(
        (/** @type {any} */ client) => process.nextTick(callback, null, client, client.release),
        (/** @type {unknown} */ error) => process.nextTick(callback, error),
      );
      return undefined;
    }

    /** The pool is shared by every call of this pool's scripts: ending it is a no-op. */
    end(/** @type {Function} [callback] */ callback) {
      return answer(Promise.resolve(), callback);
    }

    get totalCount() {
      return this._pool.totalCount;
    }
    get idleCount() {
      return this._pool.idleCount;
    }
    get waitingCount() {
      return this._pool.waitingCount;
    }
  }

  /**
   * pg < 7's module-level connect, still in Auth0's PostgreSQL templates:
   * `pg.connect(conString, function (err, client, done) { … })`.
   * @param {unknown} config
   * @param {Function} callback
   */
  function legacyConnect(config, callback) {
    new Pool(config).connect((/** @type {any} */ err, /** @type {any} */ client) => {
      if (err) return callback(err);
      callback(null, client, (/** @type {unknown} */ e) => client.release(e));
    });
  }

  return Object.create(pg, {
    Client: { value: Client, enumerable: true },
    Pool: { value: Pool, enumerable: true },
    connect: { value: legacyConnect, enumerable: true },
  });
}

export function loadPg() {
  return wrapPg(require('pg'));
}
