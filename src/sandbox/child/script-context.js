// @ts-check
/**
 * Builds the vm context a script runs in: the globals of the script contract (DESIGN §2) and
 * nothing else — no process, no module system beyond the allowlisted require. The error classes,
 * the frozen `env` and the console object are created by a bootstrap run inside the context, so
 * they belong to the script's own realm (its Object.prototype, not the child's).
 * String code generation (eval, new Function) is off in the context and, by flag, in the whole child.
 */
import vm from 'node:vm';
import { webcrypto } from 'node:crypto';
import { requireAllowed } from './allowlist.js';
import { currentScope } from './call-scope.js';
import { scriptTimers } from './script-timers.js';

const BOOTSTRAP = `(function bootstrap(host) {
  'use strict';
  const define = (name, value) =>
    Object.defineProperty(globalThis, name, { value, writable: true, configurable: true, enumerable: false });
  const auth0 = host.dialect === 'auth0';
  // genauth: (message); auth0: (userId, message) as in Auth0's custom database scripts.
  class WrongUsernameOrPasswordError extends Error {
    constructor(a, b) {
      const twoArgs = arguments.length >= 2;
      super(auth0 || twoArgs ? (b ?? 'Wrong email or password.') : (a ?? 'Wrong username or password'));
      if (auth0 || twoArgs) this.userId = a;
    }
  }
  // genauth: (message, code?); auth0: (code, message).
  class ValidationError extends Error {
    constructor(a, b) {
      super(auth0 ? (b ?? a) : a);
      this.code = auth0 ? a : b;
    }
  }
  class UserNotFoundError extends Error {
    constructor(message) { super(message ?? 'User not found'); }
  }
  class UserExistsError extends Error {
    constructor(message) { super(message ?? 'User already exists'); }
  }
  class UnauthorizedError extends Error {
    constructor(message) { super(message ?? 'Unauthorized'); }
  }
  for (const [name, cls] of Object.entries({
    WrongUsernameOrPasswordError, ValidationError, UserNotFoundError, UserExistsError, UnauthorizedError,
  })) {
    Object.defineProperty(cls.prototype, 'name', { value: name, writable: true, configurable: true });
    define(name, cls);
  }
  const env = Object.freeze(JSON.parse(host.envJson));
  define('env', env);
  if (auth0) {
    define('configuration', env);
    define('global', host.auth0Global);
  }
  const console = {};
  for (const level of ['log', 'info', 'warn', 'error', 'debug', 'trace']) {
    console[level] = (...args) => host.log(level, args);
  }
  console.dir = (value) => host.log('log', [value]);
  console.table = (value) => host.log('log', [value]);
  define('console', Object.freeze(console));
  for (const [name, value] of Object.entries(host.globals)) define(name, value);
})`;

/** Globals shared by every context: host functions that hold no per-call state. */
function hostGlobals() {
  return {
    require: requireAllowed,
    fetch,
    Headers: globalThis.Headers,
    Request: globalThis.Request,
    Response: globalThis.Response,
    FormData: globalThis.FormData,
    AbortController,
    AbortSignal: globalThis.AbortSignal,
    Buffer,
    URL,
    URLSearchParams: globalThis.URLSearchParams,
    TextEncoder,
    TextDecoder,
    crypto: webcrypto,
    structuredClone: globalThis.structuredClone,
    atob: globalThis.atob,
    btoa: globalThis.btoa,
    queueMicrotask,
    ...scriptTimers(),
  };
}

/** @type {ReturnType<typeof hostGlobals> | null} */
let globalsOnce = null;
/** Auth0's `global`: one object per child (= per pool) that persists between calls and scripts. */
const auth0Global = {};

/**
 * @param {{ dialect: 'genauth' | 'auth0', env: Record<string, string> }} spec
 * @returns {vm.Context}
 */
export function createScriptContext(spec) {
  const context = vm.createContext({}, { codeGeneration: { strings: false, wasm: false } });
  const bootstrap = new vm.Script(BOOTSTRAP, { filename: 'gatehouse-bootstrap.js' }).runInContext(context);
  bootstrap({
    dialect: spec.dialect,
    envJson: JSON.stringify(spec.env ?? {}),
    auth0Global,
    log: (/** @type {string} */ level, /** @type {unknown[]} */ args) => currentScope()?.log(level, args),
    globals: (globalsOnce ??= hostGlobals()),
  });
  return context;
}
