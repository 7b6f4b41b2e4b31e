/** Checks a RunRequest's shape: mistakes in the caller are programming errors and throw. */
import type { RunRequest } from './types.js';

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

export function assertValidRequest(req: RunRequest): void {
  if (!req || typeof req !== 'object') throw new TypeError('run() needs a request object');
  if (typeof req.poolId !== 'string' || req.poolId === '')
    throw new TypeError('poolId must be a non-empty string');
  if (typeof req.source !== 'string') throw new TypeError('source must be a string');
  if (req.dialect !== 'genauth' && req.dialect !== 'auth0') {
    throw new TypeError(`dialect must be "genauth" or "auth0", not ${JSON.stringify(req.dialect)}`);
  }
  if (typeof req.fn !== 'string' || !IDENTIFIER.test(req.fn))
    throw new TypeError('fn must be a function name');
  if (!Array.isArray(req.args)) throw new TypeError('args must be an array');
  if (!req.env || typeof req.env !== 'object') throw new TypeError('env must be an object of strings');
  for (const [name, value] of Object.entries(req.env)) {
    if (typeof value !== 'string') throw new TypeError(`env.${name} must be a string`);
  }
  if (req.egress !== undefined) {
    if (req.egress.allow !== undefined && !Array.isArray(req.egress.allow)) {
      throw new TypeError('egress.allow must be an array of "host:port"');
    }
  }
}
