// @ts-check
/**
 * `mysql2`, `mysql2/promise` (and `mysql`, which old Auth0 templates require; mysql2 has its API) as
 * scripts see them. createConnection() returns a connection-shaped object over a shared pool:
 * queries borrow a pooled connection for their duration, a transaction pins one connection from
 * beginTransaction() until end(), and end() gives it back instead of closing the socket. So the
 * connect-query-end-per-call style costs no handshake after the first call. createPool() returns the
 * shared pool with end() made harmless.
 */
import { EventEmitter } from 'node:events';
import { createRequire } from 'node:module';
import { configKey, sharedPool } from './pool-registry.js';
import { currentScope } from '../call-scope.js';

const require = createRequire(import.meta.url);
const POOL_DEFAULTS = { connectionLimit: 10, waitForConnections: true, enableKeepAlive: true };

/**
 * mysql2 compiles a row parser per query shape with `new Function`, which the child forbids
 * (--disallow-code-generation-from-strings); `disableEval` selects its interpreted parsers instead.
 * @param {unknown} config
 */
function normalise(config) {
  const base = typeof config === 'string' ? { uri: config } : { .../** @type {object} */ (config ?? {}) };
  return { ...base, disableEval: true };
}

/** @param {any} mysql the mysql2 callback API */
export function wrapMysql(mysql) {
  /** @param {unknown} config @returns {any} the shared callback-API pool, or null when unkeyable */
  function poolFor(config) {
    const normalised = normalise(config);
    const key = configKey('mysql', normalised);
    if (key === null) return null;
    return sharedPool(
      key,
      () => {
        const pool = mysql.createPool({ ...POOL_DEFAULTS, ...normalised });
        pool.on('error', () => {});
        return pool;
      },
      (pool) => new Promise((resolve) => pool.end(resolve)),
    );
  }

  /**
   * Closes a pooled connection an abandoned call still holds. Its running statement is first killed from
   * another connection of the pool (KILL QUERY): closing the socket alone leaves it running on the server.
   * @param {any} pool @param {any} conn
   */
  function discardConnection(pool, conn) {
    if (Number.isInteger(conn.threadId)) pool.query('KILL QUERY ?', [conn.threadId], () => {});
    conn.destroy();
  }

  /**
   * @param {any} pool the pool it came from
   * @param {any} conn a pool connection; released at call end if the script forgets
   */
  function trackRelease(pool, conn) {
    const scope = currentScope();
    if (!scope) return conn;
    const release = conn.release.bind(conn);
    let released = false;
    conn.release = () => {
      if (released) return;
      released = true;
      release();
    };
    scope.addResource({
      releaseAtCallEnd: () => conn.release(),
      discard: () => discardConnection(pool, conn),
    });
    return conn;
  }

  /** What a connection facade holds: its pool, and the connection pinned by a transaction, if any. */
  class Core {
    /** @param {any} pool */
    constructor(pool) {
      this.pool = pool;
      /** @type {any} */
      this.pinned = null;
    }
    target() {
      return this.pinned ?? this.pool;
    }
    /** @param {(err: unknown, conn?: any) => void} callback */
    pin(callback) {
      if (this.pinned) return callback(null, this.pinned);
      this.pool.getConnection((/** @type {unknown} */ err, /** @type {any} */ conn) => {
        if (err) return callback(err);
        this.pinned = conn;
        currentScope()?.addResource({
          releaseAtCallEnd: () => this.release(),
          discard: () => this.discard(),
        });
        callback(null, conn);
      });
    }
    pinAsync() {
      return new Promise((resolve, reject) => this.pin((err, conn) => (err ? reject(err) : resolve(conn))));
    }
    release() {
      const conn = this.pinned;
      this.pinned = null;
      conn?.release();
    }
    /** Closes the pinned connection for good: an abandoned call may have left a query running on it. */
    discard() {
      const conn = this.pinned;
      this.pinned = null;
      if (conn) discardConnection(this.pool, conn);
    }
    /** Borrows a connection once to surface connection errors where the real connect() would. */
    check() {
      return new Promise((resolve, reject) =>
        this.pool.getConnection((/** @type {unknown} */ err, /** @type {any} */ conn) => {
          if (err) return reject(err);
          conn.release();
          resolve(undefined);
        }),
      );
    }
  }

  /** @param {Promise<unknown>} promise @param {Function | undefined} callback */
  function answer(promise, callback) {
    promise.then(
      () => callback && process.nextTick(callback, null),
      (error) => (callback ? process.nextTick(callback, error) : undefined),
    );
  }

  class Connection extends EventEmitter {
    /** @param {Core} core */
    constructor(core) {
      super();
      this._core = core;
    }
    /** @param {any[]} args */
    query(...args) {
      return this._core.target().query(...args);
    }
    /** @param {any[]} args */
    execute(...args) {
      return this._core.target().execute(...args);
    }
    /** @param {Function} [callback] */
    connect(callback) {
      answer(this._core.check(), callback);
    }
    /** @param {Function} [callback] */
    ping(callback) {
      answer(this._core.check(), callback);
    }
    /** @param {Function} callback */
    beginTransaction(callback) {
      this._core.pin((err, conn) => (err ? callback?.(err) : conn.beginTransaction(callback)));
    }
    /** @param {Function} [callback] */
    commit(callback) {
      if (this._core.pinned) this._core.pinned.commit(callback);
      else if (callback) process.nextTick(callback, null);
    }
    /** @param {Function} [callback] */
    rollback(callback) {
      if (this._core.pinned) this._core.pinned.rollback(callback);
      else if (callback) process.nextTick(callback, null);
    }
    /** @param {Function} [callback] */
    end(callback) {
      this._core.release();
      if (typeof callback === 'function') process.nextTick(callback, null);
    }
    destroy() {
      this._core.release();
    }
    /** @param {any[]} args */
    escape(...args) {
      return mysql.escape(...args);
    }
    /** @param {any[]} args */
    escapeId(...args) {
      return mysql.escapeId(...args);
    }
    /** @param {any[]} args */
    format(...args) {
      return mysql.format(...args);
    }
    promise() {
      return new PromiseConnection(this._core, this);
    }
  }

  class PromiseConnection extends EventEmitter {
    /** @param {Core} core @param {Connection} connection */
    constructor(core, connection) {
      super();
      this._core = core;
      this.connection = connection;
    }
    /** @param {any[]} args */
    query(...args) {
      return this._core
        .target()
        .promise()
        .query(...args);
    }
    /** @param {any[]} args */
    execute(...args) {
      return this._core
        .target()
        .promise()
        .execute(...args);
    }
    connect() {
      return this._core.check();
    }
    ping() {
      return this._core.check();
    }
    async beginTransaction() {
      const conn = await this._core.pinAsync();
      return /** @type {any} */ (conn).promise().beginTransaction();
    }
    async commit() {
      return this._core.pinned?.promise().commit();
    }
    async rollback() {
      return this._core.pinned?.promise().rollback();
    }
    async end() {
      this._core.release();
    }
    destroy() {
      this._core.release();
    }
    /** @param {any[]} args */
    escape(...args) {
      return mysql.escape(...args);
    }
    /** @param {any[]} args */
    escapeId(...args) {
      return mysql.escapeId(...args);
    }
    /** @param {any[]} args */
    format(...args) {
      return mysql.format(...args);
    }
  }

  class Pool extends EventEmitter {
    /** @param {any} pool */
    constructor(pool) {
      super();
      this._pool = pool;
    }
    /** @param {any[]} args */
    query(...args) {
      return this._pool.query(...args);
    }
    /** @param {any[]} args */
    execute(...args) {
      return this._pool.execute(...args);
    }
    /** @param {Function} callback */
    getConnection(callback) {
      this._pool.getConnection((/** @type {unknown} */ err, /** @type {any} */ conn) =>
        err ? callback(err) : callback(null, trackRelease(this._pool, conn)),
      );
    }
    /** Shared by every call of this pool's scripts: ending it is a no-op. */
    end(/** @type {Function} [callback] */ callback) {
      if (typeof callback === 'function') process.nextTick(callback, null);
    }
    /** @param {any[]} args */
    escape(...args) {
      return mysql.escape(...args);
    }
    /** @param {any[]} args */
    format(...args) {
      return mysql.format(...args);
    }
    promise() {
      return new PromisePool(this._pool);
    }
  }

  class PromisePool extends EventEmitter {
    /** @param {any} pool */
    constructor(pool) {
      super();
      this._pool = pool;
      this.pool = pool;
    }
    /** @param {any[]} args */
    query(...args) {
      return this._pool.promise().query(...args);
    }
    /** @param {any[]} args */
    execute(...args) {
      return this._pool.promise().execute(...args);
    }
    async getConnection() {
      const conn = await this._pool.promise().getConnection();
      trackRelease(this._pool, conn.connection);
      return conn;
    }
    async end() {}
    /** @param {any[]} args */
    escape(...args) {
      return mysql.escape(...args);
    }
    /** @param {any[]} args */
    format(...args) {
      return mysql.format(...args);
    }
  }

  /** @param {unknown} config */
  function createConnection(config) {
    const pool = poolFor(config);
    return pool === null ? mysql.createConnection(normalise(config)) : new Connection(new Core(pool));
  }

  /** @param {unknown} config */
  function createPool(config) {
    const pool = poolFor(config);
    return pool === null ? mysql.createPool(normalise(config)) : new Pool(pool);
  }

  const callbackApi = Object.create(mysql, {
    createConnection: { value: createConnection, enumerable: true },
    connect: { value: createConnection, enumerable: true },
    createPool: { value: createPool, enumerable: true },
  });

  const promiseApi = Object.create(require('mysql2/promise'), {
    createConnection: {
      enumerable: true,
      /** @param {unknown} config */
      value: async (config) => {
        const pool = poolFor(config);
        if (pool === null) return require('mysql2/promise').createConnection(normalise(config));
        const core = new Core(pool);
        await core.check();
        return new PromiseConnection(core, new Connection(core));
      },
    },
    createPool: {
      enumerable: true,
      /** @param {unknown} config */
      value: (config) => {
        const pool = poolFor(config);
        return pool === null
          ? require('mysql2/promise').createPool(normalise(config))
          : new PromisePool(pool);
      },
    },
  });

  return { callbackApi, promiseApi };
}

/** @type {ReturnType<typeof wrapMysql> | null} */
let loaded = null;

export function loadMysql() {
  return (loaded ??= wrapMysql(require('mysql2')));
}
