/**
 * pino options for the HTTP server. Logs never carry passwords, tokens or secrets: headers are not
 * logged at all, query strings are reduced to their keys, and known secret fields are redacted
 * wherever an object with them is logged.
 */
import type { LoggerOptions } from 'pino';

const SECRET_KEYS = [
  'password',
  'oldPassword',
  'newPassword',
  'token',
  'access_token',
  'id_token',
  'refresh_token',
  'client_secret',
  'code',
  'code_verifier',
  'authorization',
  'cookie',
  'secret',
  'apiKey',
  'key',
];

export function loggerOptions(level: string): LoggerOptions {
  return {
    level,
    redact: {
      paths: [...SECRET_KEYS, ...SECRET_KEYS.map((k) => `*.${k}`), ...SECRET_KEYS.map((k) => `*.*.${k}`)],
      censor: '[redacted]',
    },
    serializers: {
      req(request: { method?: string; url?: string; ip?: string; id?: string }) {
        return { id: request.id, method: request.method, url: safeUrl(request.url ?? ''), ip: request.ip };
      },
    },
  };
}

/** `/x?code=abc&state=1` → `/x?code=…&state=…`: the shape stays useful, the values never reach logs. */
export function safeUrl(url: string): string {
  const q = url.indexOf('?');
  if (q < 0) return url;
  const keys = url
    .slice(q + 1)
    .split('&')
    .map((pair) => `${pair.split('=')[0]}=…`);
  return `${url.slice(0, q)}?${keys.join('&')}`;
}
