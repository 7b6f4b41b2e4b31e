// @ts-check
/**
 * `mongodb` as scripts see it. A MongoClient is already a connection pool, so every
 * `new MongoClient(uri, options)` with the same settings is a thin handle on one shared client:
 * connect() connects it once, close() only detaches the handle. Everything else (db(), collections,
 * ObjectId, …) is the driver's own.
 */
import { createRequire } from 'node:module';
import { configKey, sharedPool } from './pool-registry.js';

const require = createRequire(import.meta.url);

/** @param {any} mongodb */
export function wrapMongodb(mongodb) {
  const RealClient = mongodb.MongoClient;

  /** @param {string} url @param {unknown} options */
  function sharedClient(url, options) {
    const key = configKey('mongodb', { url, options: options ?? null });
    if (key === null) return null;
    return sharedPool(
      key,
      () => new RealClient(url, options),
      (client) => client.close(),
    );
  }

  class MongoClient {
    /** @param {string} url @param {unknown} [options] */
    constructor(url, options) {
      const real = sharedClient(url, options);
      if (real === null) return new RealClient(url, options);
      this._real = real;
      // Methods not defined here (startSession, watch, withSession, …) go to the shared client.
      return new Proxy(this, {
        get(target, prop, receiver) {
          if (prop in target) return Reflect.get(target, prop, receiver);
          const value = real[prop];
          return typeof value === 'function' ? value.bind(real) : value;
        },
      });
    }

    async connect() {
      await this._real.connect();
      return this;
    }

    /** @param {string} [name] @param {unknown} [options] */
    db(name, options) {
      return this._real.db(name, options);
    }

    /** The shared client stays open for the next call. */
    async close() {}

    /** @param {string} url @param {unknown} [options] */
    static async connect(url, options) {
      return new MongoClient(url, options).connect();
    }
  }

  return Object.create(mongodb, { MongoClient: { value: MongoClient, enumerable: true } });
}

export function loadMongodb() {
  return wrapMongodb(require('mongodb'));
}
