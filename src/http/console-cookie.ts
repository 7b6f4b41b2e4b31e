/**
 * The `gh_console` cookie of the admin console, and the CSRF rule for requests it authenticates.
 * The cookie is HttpOnly (scripts cannot read it), SameSite=Strict (other sites' pages do not send it),
 * Path=/ and Secure when the public base URL is https.
 */
import type { FastifyRequest } from 'fastify';
import { forbidden } from '../shared/errors.js';

export const CONSOLE_COOKIE = 'gh_console';
/** Header a state-changing request authenticated by the console cookie must carry, with the value `1`. */
export const CSRF_HEADER = 'x-gatehouse-csrf';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** The value of one cookie of the request, or undefined. */
export function readCookie(request: FastifyRequest, name: string): string | undefined {
  const header = request.headers.cookie;
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === name) {
      const value = part.slice(eq + 1).trim();
      try {
        return decodeURIComponent(value);
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}

export function consoleCookie(token: string, maxAgeSeconds: number, secure: boolean): string {
  return [
    `${CONSOLE_COOKIE}=${encodeURIComponent(token)}`,
    'Path=/',
    'HttpOnly',
    'SameSite=Strict',
    `Max-Age=${maxAgeSeconds}`,
    ...(secure ? ['Secure'] : []),
  ].join('; ');
}

export function clearedConsoleCookie(secure: boolean): string {
  return consoleCookie('', 0, secure);
}

export function isSecureBaseUrl(baseUrl: string): boolean {
  return baseUrl.toLowerCase().startsWith('https:');
}

/**
 * A cookie travels with any request the browser makes, including a form posted from another site
 * (SameSite=Strict stops that in current browsers; this check does not rely on it). A custom header
 * cannot be set by a cross-site form, and a cross-site fetch that sets one needs a CORS preflight that
 * Gatehouse never grants.
 */
export function checkCsrf(request: FastifyRequest): void {
  if (SAFE_METHODS.has(request.method)) return;
  if (request.headers[CSRF_HEADER] !== '1') {
    throw forbidden(
      `A request authenticated by the console session must send the header "${CSRF_HEADER}: 1"`,
      'csrf_header_required',
    );
  }
}
