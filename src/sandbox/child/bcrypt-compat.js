// @ts-check
/**
 * The API of the `bcrypt` npm package (what published scripts `require("bcrypt")` for), implemented
 * on @node-rs/bcrypt: native speed, hashing on libuv's thread pool, no node-gyp build. Covers
 * genSalt/genSaltSync, hash/hashSync (rounds or a salt string), compare/compareSync and getRounds,
 * each async function with both promise and callback forms, like the original.
 */
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
/** @type {typeof import('@node-rs/bcrypt') | undefined} */
let loaded;
/** Loaded on first use: most children never hash, and loading costs start-up time. */
const native = () =>
  (loaded ??= /** @type {typeof import('@node-rs/bcrypt')} */ (require('@node-rs/bcrypt')));

const DEFAULT_ROUNDS = 10;

/** @param {unknown} minor */
function version(minor) {
  if (minor === undefined) return '2b';
  if (minor !== 'a' && minor !== 'b') throw new Error('minor must be either "a" or "b"');
  return /** @type {'2a' | '2b'} */ (`2${minor}`);
}

/** @param {unknown} data @param {unknown} saltOrRounds */
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
  return typeof saltOrRounds === 'number'
    ? { cost: saltOrRounds }
    : { salt: /** @type {string} */ (saltOrRounds) };
}

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
    return native().genSaltSync({ cost: rounds, version: version(minor) });
  },
  /** @param {...unknown} all */
  genSalt(...all) {
    const { args, callback } = splitCallback(all);
    const [rounds = DEFAULT_ROUNDS, minor] = /** @type {[number?, any?]} */ (args);
    return promiseOrCallback(() => native().genSalt({ cost: rounds, version: version(minor) }), callback);
  },
  /** @param {string | Buffer} data @param {string | number} saltOrRounds */
  hashSync(data, saltOrRounds) {
    return native().hashSync(data, /** @type {any} */ (hashOptions(data, saltOrRounds)));
  },
  /** @param {...unknown} all */
  hash(...all) {
    const { args, callback } = splitCallback(all);
    return promiseOrCallback(
      () => native().hash(/** @type {any} */ (args[0]), /** @type {any} */ (hashOptions(args[0], args[1]))),
      callback,
    );
  },
  /** @param {string | Buffer} data @param {string} hash */
  compareSync(data, hash) {
    checkCompareArgs(data, hash);
    return native().compareSync(data, hash);
  },
  /** @param {...unknown} all */
  compare(...all) {
    const { args, callback } = splitCallback(all);
    return promiseOrCallback(() => {
      checkCompareArgs(args[0], args[1]);
      return native().compare(/** @type {any} */ (args[0]), /** @type {any} */ (args[1]));
    }, callback);
  },
  /** @param {string} hash */
  getRounds(hash) {
    if (typeof hash !== 'string') throw new Error('hash must be a string');
    return native().parseOptions(hash).cost;
  },
});
