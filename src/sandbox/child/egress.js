// @ts-check
/**
 * Enforces the egress policy inside the child by wrapping net.Socket.prototype.connect, the one
 * method every TCP client goes through (net.connect, tls.connect, http/https agents, fetch/undici,
 * and the pg, mysql2 and mongodb drivers). IP literals are checked at once; for hostnames the
 * socket's `lookup` is wrapped so the check runs on the addresses DNS returns, which are the ones the
 * socket will use: no second resolution that could answer differently (DNS rebinding).
 * Unix-domain sockets are refused outright: scripts reach databases over TCP.
 *
 * This is defence in depth for scripts that stay inside their vm context. A script that escaped
 * could undo the patch; what contains it then is the process: its own uid, its limits, no secrets.
 */
import net from 'node:net';
import dns from 'node:dns';

export const EGRESS_DENIED = 'EGRESS_DENIED';

/**
 * @param {string} message
 * @returns {Error & { code: string }}
 */
export function egressError(message) {
  return Object.assign(new Error(`Egress denied: ${message}`), { code: EGRESS_DENIED });
}

/**
 * @param {() => import('./egress-policy.js').EgressPolicy} getPolicy
 * @param {(error: Error) => void} onDenied told about every refusal (the current call is marked)
 */
export function installEgressGuard(getPolicy, onDenied) {
  const originalConnect = net.Socket.prototype.connect;

  /**
   * @this {net.Socket}
   * @param {any[]} args
   */
  function guardedConnect(...args) {
    // net.connect/tls.connect pass one pre-normalised array [options, callback].
    const list = Array.isArray(args[0]) ? args[0] : args;
    const callback = typeof list[list.length - 1] === 'function' ? list[list.length - 1] : undefined;
    /** @type {any} */
    let options;
    if (list[0] !== null && typeof list[0] === 'object') options = { ...list[0] };
    else if (typeof list[0] === 'string' && !/^\d+$/.test(list[0])) options = { path: list[0] };
    else options = { port: list[0], host: typeof list[1] === 'string' ? list[1] : undefined };

    const deny = (/** @type {string} */ reason) => {
      const error = egressError(reason);
      onDenied(error);
      process.nextTick(() => this.destroy(error));
      return this;
    };
    if (options.path !== undefined) return deny('unix-domain sockets are not available to scripts');

    const host = String(options.host ?? 'localhost').replace(/^\[(.*)\]$/, '$1');
    const port = Number(options.port);
    const policy = getPolicy();
    if (net.isIP(host)) {
      const reason = policy.check(host, host, port);
      if (reason) return deny(reason);
    } else {
      const reason = policy.checkName(host);
      if (reason) return deny(reason);
      options.lookup = guardedLookup(options.lookup ?? dns.lookup, host, port, getPolicy, onDenied);
    }
    options.host = host;
    return callback ? originalConnect.call(this, options, callback) : originalConnect.call(this, options);
  }

  net.Socket.prototype.connect = /** @type {any} */ (guardedConnect);
  return () => {
    net.Socket.prototype.connect = originalConnect;
  };
}

/**
 * Wraps a dns.lookup-compatible function so that denied addresses never reach the socket.
 * Allowed addresses pass through; when none is left the lookup fails with EGRESS_DENIED.
 * @param {Function} lookup
 * @param {string} host
 * @param {number} port
 * @param {() => import('./egress-policy.js').EgressPolicy} getPolicy
 * @param {(error: Error) => void} onDenied
 */
function guardedLookup(lookup, host, port, getPolicy, onDenied) {
  /**
   * @param {string} hostname
   * @param {any} lookupOptions
   * @param {Function} callback
   */
  return function checkedLookup(hostname, lookupOptions, callback) {
    if (typeof lookupOptions === 'function') {
      callback = lookupOptions;
      lookupOptions = {};
    }
    lookup(
      hostname,
      lookupOptions,
      (/** @type {any} */ err, /** @type {any} */ address, /** @type {any} */ family) => {
        if (err) return callback(err);
        const policy = getPolicy();
        /** @type {{ address: string, family: number }[]} */
        const all = Array.isArray(address) ? address : [{ address, family }];
        /** @type {string[]} */
        const reasons = [];
        const allowed = all.filter((entry) => {
          const reason = policy.check(host, entry.address, port);
          if (reason) reasons.push(reason);
          return reason === null;
        });
        if (allowed.length === 0) {
          const error = egressError(`${host}:${port} → ${reasons[0] ?? 'no address'}`);
          onDenied(error);
          return callback(error);
        }
        if (Array.isArray(address)) return callback(null, allowed);
        const first = /** @type {{ address: string, family: number }} */ (allowed[0]);
        return callback(null, first.address, first.family);
      },
    );
  };
}
