// @ts-check
/**
 * Timer functions for scripts. Each timer belongs to the call that started it and is cleared when
 * that call settles, so an interval a script leaves running cannot keep burning the child's CPU or
 * act on a later call's behalf. Outside a running call (after it settled) new timers are not started.
 */
import { clearImmediate } from 'node:timers';
import { currentScope } from './call-scope.js';

const inert = Object.freeze({
  ref: () => inert,
  unref: () => inert,
  hasRef: () => false,
  refresh: () => inert,
});

/**
 * @param {(cb: (...a: any[]) => void, ms?: number, ...args: any[]) => any} start
 * @param {(handle: any) => void} stop
 * @param {boolean} repeats
 */
function scoped(start, stop, repeats) {
  /**
   * @param {unknown} callback
   * @param {number} [ms]
   * @param {any[]} args
   */
  return function scopedTimer(callback, ms, ...args) {
    if (typeof callback !== 'function')
      throw new TypeError('The "callback" argument must be of type function');
    const scope = currentScope();
    if (!scope || scope.done) return inert;
    const entry = { clear: () => stop(handle) };
    const handle = start(
      (/** @type {any[]} */ ...a) => {
        if (!repeats) scope.timers?.delete(entry);
        callback(...a);
      },
      ms,
      ...args,
    );
    scope.addTimer(entry);
    return handle;
  };
}

/** The timer globals of a script context. */
export function scriptTimers() {
  return {
    setTimeout: scoped(setTimeout, clearTimeout, false),
    setInterval: scoped(setInterval, clearInterval, true),
    // setImmediate has no delay: what scopedTimer calls `ms` is the first argument for the callback.
    setImmediate: scoped((cb, ...args) => setImmediate(cb, ...args), clearImmediate, false),
    clearTimeout: (/** @type {any} */ h) => (h === inert ? undefined : clearTimeout(h)),
    clearInterval: (/** @type {any} */ h) => (h === inert ? undefined : clearInterval(h)),
    clearImmediate: (/** @type {any} */ h) => (h === inert ? undefined : clearImmediate(h)),
  };
}
