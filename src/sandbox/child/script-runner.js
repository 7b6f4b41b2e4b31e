// @ts-check
/**
 * Compiled scripts and how each dialect is called. A script is compiled and its top level run once
 * per key (the host derives the key from pool, dialect, function, source and env, so a changed
 * script or env is a new key) in a context of its own; calls then only look the function up and
 * invoke it.
 *
 * genauth: `async function login(query, password, context)` — resolve with the result, throw to fail.
 * auth0:   `function login(email, password, callback)` — callback(err, result); `configuration` and
 *          `global`; the contract's aliases (getByEmail for getUser, remove for deleteUser) resolve.
 */
import vm from 'node:vm';
import { createScriptContext } from './script-context.js';

/**
 * @typedef {object} ScriptSpec
 * @property {'genauth' | 'auth0'} dialect
 * @property {string} fn
 * @property {string} source
 * @property {Record<string, string>} env
 */

/** How the default (unwritten) scripts name themselves, DESIGN §2. */
/** @type {Record<string, string>} */
const DISPLAY_NAMES = {
  login: 'Login',
  getUser: 'Find User',
  searchUser: 'Search User',
  createUser: 'Create User',
  updateUser: 'Update User',
  deleteUser: 'Delete Account',
  listUsers: 'List Users',
  validatePassword: 'Validate Password',
  getByEmail: 'Find User',
  create: 'Create User',
  verify: 'Verify',
  changePassword: 'Change Password',
  remove: 'Delete Account',
  changeEmail: 'Change Email',
};

/** @type {Record<string, string[]>} */
const AUTH0_ALIASES = {
  getUser: ['getUser', 'getByEmail'],
  getByEmail: ['getByEmail', 'getUser'],
  deleteUser: ['deleteUser', 'remove'],
  remove: ['remove', 'deleteUser'],
  createUser: ['createUser', 'create'],
  create: ['create', 'createUser'],
};

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

export class NotImplementedError extends Error {
  /** @param {string} fn */
  constructor(fn) {
    super(`Please implement the ${DISPLAY_NAMES[fn] ?? fn} script for this database connection`);
    this.name = 'NotImplementedError';
  }
}

export class CompiledScript {
  /** @param {ScriptSpec} spec */
  constructor(spec) {
    this.spec = spec;
    this.filename = `${spec.fn}.js`;
    /** @type {vm.Context | null} */
    this.context = null;
    /** @type {unknown} a compile or top-level error, replayed on every call */
    this.loadError = null;
    /** @type {Map<string, Function | null>} */
    this.functions = new Map();
  }

  /** Compiles and runs the top level on first use, inside the first call's scope (its logs count). */
  ensureLoaded() {
    if (this.context || this.loadError) return;
    try {
      const context = createScriptContext(this.spec);
      new vm.Script(this.spec.source, { filename: this.filename }).runInContext(context);
      this.context = context;
    } catch (error) {
      this.loadError = error;
    }
  }

  /** @param {string} name */
  lookup(name) {
    if (!IDENTIFIER.test(name)) return null;
    /** @type {Function | null | undefined} */
    let fn = this.functions.get(name);
    if (fn === undefined) {
      // Also finds `const login = async () => …`: top-level lexical bindings live in the context's
      // global scope, which later scripts in the same context share.
      const found = vm.runInContext(
        `typeof ${name} === 'function' ? ${name} : undefined`,
        /** @type {vm.Context} */ (this.context),
      );
      fn = typeof found === 'function' ? found : null;
      this.functions.set(name, /** @type {Function | null} */ (fn));
    }
    return fn ?? null;
  }

  /**
   * @param {string} fnName
   * @param {unknown[]} args
   * @param {unknown} context
   * @returns {Promise<unknown>}
   */
  invoke(fnName, args, context) {
    this.ensureLoaded();
    if (this.loadError) return Promise.reject(this.loadError);
    const auth0 = this.spec.dialect === 'auth0';
    const candidates = auth0 ? (AUTH0_ALIASES[fnName] ?? [fnName]) : [fnName];
    let fn = null;
    for (const name of candidates) if ((fn = this.lookup(name))) break;
    if (!fn) return Promise.reject(new NotImplementedError(fnName));
    return auth0 ? callWithCallback(fn, args) : callAsync(fn, [...args, context]);
  }
}

/** @param {Function} fn @param {unknown[]} args */
async function callAsync(fn, args) {
  return fn(...args);
}

/**
 * Auth0 style: the last argument is a node-style callback; the first answer wins. A script that
 * throws synchronously or returns a rejected promise fails the call as well.
 * @param {Function} fn
 * @param {unknown[]} args
 */
function callWithCallback(fn, args) {
  return new Promise((resolve, reject) => {
    let answered = false;
    const callback = (/** @type {unknown} */ err, /** @type {unknown} */ value) => {
      if (answered) return;
      answered = true;
      if (err) reject(err);
      else resolve(value);
    };
    const returned = fn(...args, callback);
    if (returned && typeof returned.then === 'function') returned.then(undefined, callback);
  });
}
