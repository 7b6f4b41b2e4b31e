// @ts-check
/**
 * Small, dependency-free IP address helpers for the egress policy. Addresses are normalised so that
 * one address has one spelling: IPv4-mapped and IPv4-compatible IPv6 (`::ffff:127.0.0.1`,
 * `::ffff:7f00:1`, `::127.0.0.1`) become the IPv4 address they reach, zone ids are dropped, and IPv6
 * is expanded to eight 16-bit groups. Policy code compares only normalised forms.
 */
import net from 'node:net';

/** @typedef {{ family: 4, value: number } | { family: 6, groups: number[] }} ParsedIp */

/**
 * @param {string} address
 * @returns {ParsedIp | null} null when the text is not an IP literal
 */
export function parseIp(address) {
  let text = address.trim();
  if (text.startsWith('[') && text.endsWith(']')) text = text.slice(1, -1);
  const zone = text.indexOf('%');
  if (zone >= 0) text = text.slice(0, zone);
  const kind = net.isIP(text);
  if (kind === 4) return { family: 4, value: parseIpv4(text) };
  if (kind !== 6) return null;
  const groups = parseIpv6(text);
  // ::ffff:a.b.c.d (mapped) and ::a.b.c.d (deprecated "compatible", still routed to IPv4 by some stacks).
  const upperZero = groups.slice(0, 5).every((g) => g === 0);
  if (upperZero && (groups[5] === 0xffff || (groups[5] === 0 && (groups[6] ?? 0) !== 0))) {
    return { family: 4, value: (((groups[6] ?? 0) << 16) | (groups[7] ?? 0)) >>> 0 };
  }
  return { family: 6, groups };
}

/** @param {string} text a valid dotted-quad */
function parseIpv4(text) {
  return text.split('.').reduce((acc, part) => ((acc << 8) | Number(part)) >>> 0, 0);
}

/** @param {string} text a valid IPv6 literal without zone */
function parseIpv6(text) {
  let body = text;
  // A trailing dotted quad ("::ffff:1.2.3.4") is two hex groups spelled differently.
  const lastColon = body.lastIndexOf(':');
  if (body.includes('.', lastColon)) {
    const v4 = parseIpv4(body.slice(lastColon + 1));
    body = `${body.slice(0, lastColon + 1)}${(v4 >>> 16).toString(16)}:${(v4 & 0xffff).toString(16)}`;
  }
  /** @param {string | undefined} s */
  const toGroups = (s) => (s ? s.split(':').map((g) => parseInt(g, 16)) : []);
  const gap = body.indexOf('::');
  if (gap < 0) return toGroups(body);
  const left = toGroups(body.slice(0, gap));
  const right = toGroups(body.slice(gap + 2));
  return [...left, ...new Array(8 - left.length - right.length).fill(0), ...right];
}

/**
 * Canonical text of a parsed address (IPv4 dotted, IPv6 as 8 lowercase hex groups).
 * @param {ParsedIp} ip
 */
export function formatIp(ip) {
  if (ip.family === 4) return [24, 16, 8, 0].map((s) => (ip.value >>> s) & 255).join('.');
  return ip.groups.map((g) => g.toString(16)).join(':');
}

/**
 * A CIDR range, parsed once.
 * @typedef {{ family: 4, base: number, bits: number } | { family: 6, groups: number[], bits: number }} Cidr
 */

/** @param {string} cidr e.g. "10.0.0.0/8" or "fc00::/7" @returns {Cidr} */
export function parseCidr(cidr) {
  const [addr = '', bitsText] = cidr.split('/');
  const ip = parseIp(addr);
  if (!ip) throw new Error(`not a CIDR range: ${cidr}`);
  const bits = bitsText === undefined ? (ip.family === 4 ? 32 : 128) : Number(bitsText);
  return ip.family === 4 ? { family: 4, base: ip.value, bits } : { family: 6, groups: ip.groups, bits };
}

/** @param {ParsedIp} ip @param {Cidr} range */
export function inCidr(ip, range) {
  if (ip.family !== range.family) return false;
  if (ip.family === 4 && range.family === 4) {
    if (range.bits === 0) return true;
    const mask = range.bits === 32 ? 0xffffffff : ~(0xffffffff >>> range.bits) >>> 0;
    return (ip.value & mask) >>> 0 === (range.base & mask) >>> 0;
  }
  if (ip.family === 6 && range.family === 6) {
    let bits = range.bits;
    for (let i = 0; i < 8 && bits > 0; i++) {
      const take = Math.min(16, bits);
      const mask = (0xffff << (16 - take)) & 0xffff;
      if (((ip.groups[i] ?? 0) & mask) !== ((range.groups[i] ?? 0) & mask)) return false;
      bits -= take;
    }
    return true;
  }
  return false;
}

/**
 * IPv4 addresses embedded in IPv6 by translation schemes (NAT64 64:ff9b::/96, 6to4 2002::/16):
 * the packet ends up at that IPv4 address, so policy must look at it too.
 * @param {ParsedIp} ip
 * @returns {ParsedIp | null}
 */
export function embeddedIpv4(ip) {
  if (ip.family !== 6) return null;
  const g = ip.groups;
  if (g[0] === 0x64 && g[1] === 0xff9b && g.slice(2, 6).every((x) => x === 0)) {
    return { family: 4, value: (((g[6] ?? 0) << 16) | (g[7] ?? 0)) >>> 0 };
  }
  if (g[0] === 0x2002) return { family: 4, value: (((g[1] ?? 0) << 16) | (g[2] ?? 0)) >>> 0 };
  return null;
}
