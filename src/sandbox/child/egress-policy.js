// @ts-check
/**
 * The egress decision, as a pure function of (host as the script wrote it, resolved IP, port).
 * It is applied after DNS resolution to every address a connection would use, so a hostname that
 * resolves to a forbidden address is refused like the address itself.
 *
 * Order of rules, first match wins:
 *  1. cloud metadata (169.254.0.0/16, fd00:ec2::254, 100.100.100.200, metadata.* names): always denied;
 *  2. the host-level deny list (the platform's own database, Redis, listening port): always denied.
 *     An entry whose host is a local address (loopback, unspecified, or one of this machine's
 *     interface addresses) stands for every local address: 127.0.0.2, 0.0.0.0 and the machine's LAN
 *     address all reach the same listening socket;
 *  3. strict mode: private, loopback, link-local, CGNAT, ULA and other non-public ranges are denied
 *     unless the connection's allowlist names the host (as written, or its IP) and port;
 *  4. everything else is allowed.
 */
import { parseIp, parseCidr, inCidr, embeddedIpv4, formatIp } from './ip.js';

/** @typedef {import('./ip.js').ParsedIp} ParsedIp */
/** @typedef {{ host: string, ip: ParsedIp | null, port: number | '*' }} Endpoint */
/**
 * @typedef {object} EgressPolicyInput
 * @property {string[]} [deny] host:port entries that scripts may never reach
 * @property {string[]} [allow] host:port entries exempt from strict mode
 * @property {boolean} [strict]
 * @property {string[]} [localAddresses] this machine's own interface addresses
 */

const METADATA_RANGES = ['169.254.0.0/16', 'fd00:ec2::254/128', '100.100.100.200/32'].map(parseCidr);
const METADATA_NAMES = new Set([
  'metadata',
  'metadata.google.internal',
  'metadata.goog',
  'metadata.azure.internal',
  'instance-data',
  'instance-data.ec2.internal',
]);
const LOCAL_RANGES = ['127.0.0.0/8', '0.0.0.0/32', '::1/128', '::/128'].map(parseCidr);
const NON_PUBLIC_RANGES = [
  '0.0.0.0/8',
  '10.0.0.0/8',
  '100.64.0.0/10',
  '127.0.0.0/8',
  '169.254.0.0/16',
  '172.16.0.0/12',
  '192.0.0.0/24',
  '192.168.0.0/16',
  '198.18.0.0/15',
  '224.0.0.0/4',
  '240.0.0.0/4',
  '::/128',
  '::1/128',
  'fc00::/7',
  'fe80::/10',
  'ff00::/8',
].map(parseCidr);

/**
 * Parses "host:port", "[v6]:port" or "host:*".
 * @param {string} entry
 * @returns {Endpoint}
 */
export function parseEndpoint(entry) {
  const text = entry.trim().toLowerCase();
  const match = /^(?:\[([^\]\s]+)\]|([^:[\]\s]+)):(\d{1,5}|\*)$/.exec(text);
  if (!match)
    throw new Error(`egress entry must be "host:port" (IPv6 in brackets): ${JSON.stringify(entry)}`);
  const host = /** @type {string} */ (match[1] ?? match[2]);
  const port = match[3] === '*' ? '*' : Number(match[3]);
  if (port !== '*' && (port < 1 || port > 65535))
    throw new Error(`egress entry has an invalid port: ${entry}`);
  return { host, ip: parseIp(host), port };
}

export class EgressPolicy {
  /** @param {EgressPolicyInput} input */
  constructor(input) {
    this.strict = Boolean(input.strict);
    this.deny = (input.deny ?? []).map(parseEndpoint);
    this.allow = (input.allow ?? []).map(parseEndpoint);
    /** @type {ParsedIp[]} */
    this.localIps = (input.localAddresses ?? []).map(parseIp).filter((ip) => ip !== null);
    /** Extra IPs for deny entries written as names, filled in once they are resolved. @type {Map<Endpoint, ParsedIp[]>} */
    this.resolvedDeny = new Map();
  }

  /** @param {Endpoint} entry @param {string[]} addresses */
  addResolvedDenyAddresses(entry, addresses) {
    this.resolvedDeny.set(
      entry,
      addresses.map(parseIp).filter((ip) => ip !== null),
    );
  }

  /** @param {ParsedIp} ip */
  isLocal(ip) {
    return LOCAL_RANGES.some((r) => inCidr(ip, r)) || this.localIps.some((l) => sameIp(l, ip));
  }

  /**
   * Checks a hostname before resolution: only names that are denied whatever they resolve to.
   * @param {string} host
   * @returns {string | null} why it is denied, or null
   */
  checkName(host) {
    const name = host.toLowerCase().replace(/\.$/, '');
    if (METADATA_NAMES.has(name)) return `${name} is a cloud metadata service`;
    return null;
  }

  /**
   * @param {string} host the host as the script or driver wrote it
   * @param {string} address the resolved IP literal the socket would connect to
   * @param {number} port
   * @returns {string | null} why the connection is denied, or null when it is allowed
   */
  check(host, address, port) {
    const byName = this.checkName(host);
    if (byName) return byName;
    const ip = parseIp(address);
    if (!ip) return `${address} is not an IP address`;
    const candidates = [ip];
    const embedded = embeddedIpv4(ip);
    if (embedded) candidates.push(embedded);
    for (const candidate of candidates) {
      if (METADATA_RANGES.some((r) => inCidr(candidate, r))) {
        return `${formatIp(candidate)} is a cloud metadata / link-local address`;
      }
      for (const entry of this.deny) {
        if (portMatches(entry.port, port) && this.denyEntryCovers(entry, host, candidate)) {
          return `${formatIp(candidate)}:${port} is reserved for the platform`;
        }
      }
    }
    if (this.strict && candidates.some((c) => NON_PUBLIC_RANGES.some((r) => inCidr(c, r)))) {
      const allowed = this.allow.some(
        (entry) =>
          portMatches(entry.port, port) &&
          (entry.host === host.toLowerCase() || (entry.ip !== null && sameIp(entry.ip, ip))),
      );
      if (!allowed)
        return `${formatIp(ip)}:${port} is a private address and not on this connection's allowlist`;
    }
    return null;
  }

  /** @param {Endpoint} entry @param {string} host @param {ParsedIp} ip */
  denyEntryCovers(entry, host, ip) {
    if (entry.ip === null && entry.host === host.toLowerCase()) return true;
    const entryIps = entry.ip ? [entry.ip] : (this.resolvedDeny.get(entry) ?? []);
    for (const entryIp of entryIps) {
      if (sameIp(entryIp, ip)) return true;
      if (this.isLocal(entryIp) && this.isLocal(ip)) return true;
    }
    return false;
  }
}

/** @param {number | '*'} entryPort @param {number} port */
function portMatches(entryPort, port) {
  return entryPort === '*' || entryPort === port;
}

/** @param {ParsedIp} a @param {ParsedIp} b */
function sameIp(a, b) {
  return formatIp(a) === formatIp(b);
}
