// @ts-check
/**
 * Turns whatever a script threw (or passed to its callback) into the typed error the host returns:
 * the contract's error classes by name (so a script's own class of the same name works too), the
 * default "Please implement…" script, egress refusals, allocation failures; anything else is a
 * script_error. The line number is the line in the operator's script, read from the stack frame
 * that names the script's file; the stack keeps only the script's own frames.
 */
import { EGRESS_DENIED } from './egress.js';

/** @typedef {{ kind: string, message: string, code?: string, line?: number, stack?: string }} ScriptFailure */

/** @type {Record<string, string>} */
const KIND_BY_NAME = {
  WrongUsernameOrPasswordError: 'wrong_credentials',
  UserNotFoundError: 'user_not_found',
  UserExistsError: 'user_exists',
  ValidationError: 'validation',
  UnauthorizedError: 'unauthorized',
};

const NOT_IMPLEMENTED = /^Please implement the .+ script for this database connection$/;

/** @param {string} text */
function escapeRegExp(text) {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * @param {unknown} thrown
 * @param {{ filename: string, egressDenied: Error | null }} where
 * @returns {ScriptFailure}
 */
export function classifyError(thrown, where) {
  if (where.egressDenied) return { kind: 'egress_denied', message: where.egressDenied.message };
  if (thrown === null || typeof thrown !== 'object') {
    return { kind: 'script_error', message: String(thrown ?? 'Script failed without an error') };
  }
  const error = /** @type {{ name?: unknown, message?: unknown, code?: unknown, stack?: unknown }} */ (
    thrown
  );
  const name = typeof error.name === 'string' ? error.name : 'Error';
  const message = typeof error.message === 'string' ? error.message : String(thrown);
  const code = typeof error.code === 'string' ? error.code : undefined;
  /** @type {ScriptFailure} */
  const failure = { kind: KIND_BY_NAME[name] ?? 'script_error', message };
  if (code) failure.code = code;
  if (failure.kind === 'validation' && code === 'user_exists') failure.kind = 'user_exists';
  if (code === EGRESS_DENIED) failure.kind = 'egress_denied';
  if (NOT_IMPLEMENTED.test(message)) failure.kind = 'not_implemented';
  if (name === 'RangeError' && /allocation failed|Invalid (typed )?array length/i.test(message)) {
    failure.kind = 'memory';
  }
  const stack = typeof error.stack === 'string' ? error.stack : '';
  const location = scriptLocation(stack, where.filename);
  if (location) failure.line = location;
  const frames = scriptFrames(stack, where.filename);
  if (frames.length > 0) failure.stack = [`${name}: ${message}`, ...frames].join('\n');
  return failure;
}

/**
 * @param {string} stack
 * @param {string} filename
 * @returns {number | undefined}
 */
export function scriptLocation(stack, filename) {
  const file = escapeRegExp(filename);
  // A SyntaxError from compiling starts with "login.js:3" on its own line.
  const match =
    new RegExp(`^${file}:(\\d+)`).exec(stack) ?? new RegExp(`(?:^|[\\s(])${file}:(\\d+)`).exec(stack);
  return match ? Number(match[1]) : undefined;
}

/** @param {string} stack @param {string} filename */
function scriptFrames(stack, filename) {
  const file = escapeRegExp(filename);
  const frame = new RegExp(`(?:^|[\\s(])${file}:\\d+`);
  return stack
    .split('\n')
    .filter((line) => /^\s+at /.test(line) && frame.test(line))
    .map((line) => line.trimEnd());
}
