/**
 * Shapes of a custom database connection: what the operator sends, what may be shown back (never a
 * password, a URI's credentials or an env value), and the `env` the scripts receive.
 */
import { Type, type Static } from '@sinclair/typebox';
import type { ConnectionMode, ScriptDialect } from './scripts.js';

export const UriConnectionSchema = Type.Object(
  { uri: Type.String({ minLength: 1, maxLength: 2048 }) },
  { additionalProperties: false },
);

export const FieldsConnectionSchema = Type.Object(
  {
    host: Type.String({ minLength: 1, maxLength: 255 }),
    port: Type.Optional(Type.Integer({ minimum: 1, maximum: 65535 })),
    username: Type.Optional(Type.String({ maxLength: 255 })),
    /** Absent: keep the stored password. null: no password. */
    password: Type.Optional(Type.Union([Type.String({ maxLength: 1024 }), Type.Null()])),
    database: Type.Optional(Type.String({ maxLength: 255 })),
  },
  { additionalProperties: false },
);

export type ConnectionInput = Static<typeof UriConnectionSchema> | Static<typeof FieldsConnectionSchema>;

/** The connection as stored in the sealed column. */
export type ConnectionSecret =
  { uri: string } | { host: string; port?: number; username?: string; password?: string; database?: string };

export type PublicConnection =
  | { kind: 'uri'; uri: string; hasCredentials: boolean }
  | {
      kind: 'fields';
      host: string;
      port: number | null;
      username: string | null;
      database: string | null;
      passwordSet: boolean;
    };

export const PublicConnectionSchema = Type.Union([
  Type.Object({ kind: Type.Literal('uri'), uri: Type.String(), hasCredentials: Type.Boolean() }),
  Type.Object({
    kind: Type.Literal('fields'),
    host: Type.String(),
    port: Type.Union([Type.Integer(), Type.Null()]),
    username: Type.Union([Type.String(), Type.Null()]),
    database: Type.Union([Type.String(), Type.Null()]),
    passwordSet: Type.Boolean(),
  }),
]);

const MASK = '****';

/** A URI with its password (and any query secrets) masked: `postgres://app:****@db:5432/users`. */
export function maskUri(uri: string): { uri: string; hasCredentials: boolean } {
  try {
    const url = new URL(uri);
    const hasCredentials = Boolean(url.password || url.username);
    if (url.password) url.password = MASK;
    for (const key of [...url.searchParams.keys()]) {
      if (/pass|secret|token|key/i.test(key)) url.searchParams.set(key, MASK);
    }
    return { uri: url.toString(), hasCredentials };
  } catch {
    // Not a URL we can parse (e.g. a driver-specific string): show nothing of it.
    return { uri: MASK, hasCredentials: true };
  }
}

export function publicConnection(secret: ConnectionSecret): PublicConnection {
  if ('uri' in secret) return { kind: 'uri', ...maskUri(secret.uri) };
  return {
    kind: 'fields',
    host: secret.host,
    port: secret.port ?? null,
    username: secret.username ?? null,
    database: secret.database ?? null,
    passwordSet: Boolean(secret.password),
  };
}

/** DESIGN.md §2: the `env` of scripts. Custom variables come after, so they cannot shadow DB_*. */
export function scriptEnv(
  connection: ConnectionSecret | undefined,
  custom: Record<string, string>,
): Record<string, string> {
  const env: Record<string, string> = { ...custom };
  if (!connection) return env;
  if ('uri' in connection) {
    env.DB_CONNECTION_URI = connection.uri;
  } else {
    env.DB_HOST = connection.host;
    if (connection.port !== undefined) env.DB_PORT = String(connection.port);
    if (connection.username !== undefined) env.DB_USERNAME = connection.username;
    if (connection.password !== undefined) env.DB_PASSWORD = connection.password;
    if (connection.database !== undefined) env.DB_DATABASE = connection.database;
  }
  return env;
}

export const ENV_NAME_PATTERN = '^[A-Za-z_][A-Za-z0-9_]{0,63}$';
export const RESERVED_ENV = /^DB_(CONNECTION_URI|HOST|PORT|USERNAME|PASSWORD|DATABASE)$/;

export interface CustomDbConfig {
  id: string;
  poolId: string;
  enabled: boolean;
  mode: ConnectionMode;
  dialect: ScriptDialect;
  connection: PublicConnection | null;
  envNames: string[];
  timeoutMs: number;
  egressAllow: string[];
  /** Profile fields scripts return that Gatehouse does not know: an error, or kept in customData. */
  unknownFields: 'reject' | 'customData';
  updatedAt: string;
}

/** Everything needed to run a script: the config plus the unsealed secrets. Never leaves the server. */
export interface RuntimeConnection extends CustomDbConfig {
  env: Record<string, string>;
}
