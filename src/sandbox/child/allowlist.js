// @ts-check
/**
 * The `require` scripts get: only the modules of the script contract (DESIGN §2), each loaded once
 * per child on first use. Database drivers come wrapped for connection reuse; `bcrypt` is the bcrypt
 * API on a native implementation. Anything else fails with a message that lists what is available.
 */
import { createRequire } from 'node:module';
import { loadPg } from './drivers/pg.js';
import { loadMysql } from './drivers/mysql.js';
import { loadMongodb } from './drivers/mongodb.js';
import { bcrypt } from './bcrypt-compat.js';

const require = createRequire(import.meta.url);

/** @type {Record<string, () => unknown>} */
const loaders = {
  pg: loadPg,
  mysql2: () => loadMysql().callbackApi,
  'mysql2/promise': () => loadMysql().promiseApi,
  // Auth0's MySQL templates require "mysql"; mysql2 implements the same API.
  mysql: () => loadMysql().callbackApi,
  mongodb: loadMongodb,
  bcrypt: () => bcrypt,
  bcryptjs: () => require('bcryptjs'),
  argon2: () => require('argon2'),
  axios: () => require('axios'),
  lodash: () => require('lodash'),
  crypto: () => require('node:crypto'),
};

export const ALLOWED_MODULES = Object.freeze(Object.keys(loaders));

/** @type {Map<string, unknown>} */
const cache = new Map();

export class ModuleNotAllowedError extends Error {
  /** @param {string} name */
  constructor(name) {
    super(`Cannot require "${name}": scripts may only require ${ALLOWED_MODULES.join(', ')}`);
    this.name = 'Error';
    this.code = 'MODULE_NOT_ALLOWED';
  }
}

/**
 * @param {unknown} name
 * @returns {unknown}
 */
export function requireAllowed(name) {
  const id = typeof name === 'string' ? name.replace(/^node:/, '') : String(name);
  if (cache.has(id)) return cache.get(id);
  const load = Object.hasOwn(loaders, id) ? loaders[id] : undefined;
  if (!load) throw new ModuleNotAllowedError(String(name));
  const value = load();
  cache.set(id, value);
  return value;
}
