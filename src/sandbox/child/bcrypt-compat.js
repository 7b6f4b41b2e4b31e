// @ts-check
/**
 * The API of the `bcrypt` npm package (what published scripts `require("bcrypt")` for), implemented
 * on @node-rs/bcrypt: native speed, hashing on libuv's thread pool, no node-gyp build. Covers
 * genSalt/genSaltSync, hash/hashSync (rounds or a salt string), compare/compareSync and getRounds,
 * each async function with both promise and callback forms, like the original.
 */
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
/** @type {typeof import('@node-rs/bcrypt') | undefined} */
let loaded;
/** Loaded on first use: most children never hash, and loading costs start-up time. */
const native = () =>
  (loaded ??= /** @type {typeof import('@node-rs/bcrypt')} */ (require('@node-rs/bcrypt')));
/** bcryptjs only for bcrypt's base64 alphabet (salt strings); the hashing itself is native. */
const base64 = () => /** @type {typeof import('bcryptjs')} */ (require('bcryptjs'));

const DEFAULT_ROUNDS = 10;
const SALT = /^\$(2[aby])\$(\d\d)\$([./A-Za-z0-9]{22})/;

/** @param {unknown} minor */
function version(minor) {
  if (minor === undefined) return '2b';
  if (minor !== 'a' && minor !== 'b') throw new Error('minor must be either "a" or "b"');
  return /** @type {'2a' | '2b'} */ (`2${minor}`);
}

/** @param {unknown} rounds @param {unknown} minor */
function makeSalt(rounds, minor) {
  const cost = Number(rounds);
  if (!Number.isInteger(cost) || cost < 4 || cost > 31) throw new Error('rounds must be between 4 and 31');
  const salt = base64().encodeBase64(randomBytes(16), 16);
  return `$${version(minor)}$${String(cost).padStart(2, '0')}$${salt}`;
}

/**
 * The native hasher's cost, raw salt and the prefix the result must carry. @node-rs/bcrypt writes `$2y$`;
 * for passwords under 256 bytes 2a, 2b and 2y compute the same hash, so the prefix is set to what the
 * caller asked for (`$2b$` by default, like the bcrypt package).
 * @param {unknown} data @param {unknown} saltOrRounds
 */
function hashOptions(data, saltOrRounds) {
  if (data === undefined || saltOrRounds === undefined) throw new Error('data and salt arguments required');
  if (
    (typeof data !== 'string' && !Buffer.isBuffer(data)) ||
    !['string', 'number'].includes(typeof saltOrRounds)
  ) {
    throw new Error(
      'data must be a string or Buffer and salt must either be a salt string or a number of rounds',
    );
  }
  const salt = typeof saltOrRounds === 'number' ? makeSalt(saltOrRounds, undefined) : saltOrRounds;
  const match = SALT.exec(/** @type {string} */ (salt));
  if (!match) throw new Error('Invalid salt. Salt must be in the form of: $Vers$log2(NumRounds)$saltvalue');
  const raw = Buffer.from(base64().decodeBase64(/** @type {string} */ (match[3]), 16));
  return { cost: Number(match[2]), raw, prefix: `$${match[1]}$` };
}

/** @param {string} hashed @param {string} prefix */
const withPrefix = (hashed, prefix) => prefix + hashed.slice(4);

/** @param {unknown} data @param {unknown} hash */
function checkCompareArgs(data, hash) {
  if (data === undefined || hash === undefined) throw new Error('data and hash arguments required');
  if ((typeof data !== 'string' && !Buffer.isBuffer(data)) || typeof hash !== 'string') {
    throw new Error('data must be a string or Buffer and hash must be a string');
  }
}

/**
 * Runs `work` and answers through the callback when one is given (on a later tick, outside the
 * promise chain, so an exception in the callback is an ordinary uncaught one), else returns the promise.
 * @template T
 * @param {() => Promise<T>} work
 * @param {unknown} callback
 */
function promiseOrCallback(work, callback) {
  /** @type {Promise<T>} */
  let promise;
  try {
    promise = work();
  } catch (error) {
    promise = Promise.reject(error);
  }
  if (typeof callback !== 'function') return promise;
  promise.then(
    (value) => process.nextTick(callback, undefined, value),
    (error) => process.nextTick(callback, error),
  );
  return undefined;
}

/** @param {unknown[]} args */
function splitCallback(args) {
  const callback = typeof args[args.length - 1] === 'function' ? args.pop() : undefined;
  return { args, callback };
}

export const bcrypt = Object.freeze({
  /** @param {number} [rounds] @param {'a' | 'b'} [minor] */
  genSaltSync(rounds = DEFAULT_ROUNDS, minor) {
    return makeSalt(rounds, minor);
  },
  /** @param {...unknown} all */
  genSalt(...all) {
    const { args, callback } = splitCallback(all);
    const [rounds = DEFAULT_ROUNDS, minor] = /** @type {[number?, any?]} */ (args);
    return promiseOrCallback(async () => makeSalt(rounds, minor), callback);
  },
  /** @param {string | Buffer} data @param {string | number} saltOrRounds */
  hashSync(data, saltOrRounds) {
    const { cost, raw, prefix } = hashOptions(data, saltOrRounds);
    return withPrefix(native().hashSync(data, cost, raw), prefix);
  },
  /** @param {...unknown} all */
  hash(...all) {
    const { args, callback } = splitCallback(all);
    return promiseOrCallback(async () => {
      const { cost, raw, prefix } = hashOptions(args[0], args[1]);
      return withPrefix(await native().hash(/** @type {string | Buffer} */ (args[0]), cost, raw), prefix);
    }, callback);
  },
  /** @param {string | Buffer} data @param {string} hash */
  compareSync(data, hash) {
    checkCompareArgs(data, hash);
    return native().verifySync(data, hash);
  },
  /** @param {...unknown} all */
  compare(...all) {
    const { args, callback } = splitCallback(all);
    return promiseOrCallback(() => {
      checkCompareArgs(args[0], args[1]);
      return native().verify(/** @type {any} */ (args[0]), /** @type {any} */ (args[1]));
    }, callback);
  },
  /** @param {string} hash */
  getRounds(hash) {
    if (typeof hash !== 'string') throw new Error('hash must be a string');
    const match = SALT.exec(hash);
    if (!match) throw new Error('Invalid hash provided');
    return Number(match[2]);
  },
});
