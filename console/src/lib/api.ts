/**
 * The console's only way to the server: the public management API, authenticated by the session cookie
 * the sign-in sets. Every request sends the CSRF header the server requires of cookie-authenticated
 * writes. A 401 means the session ended: listeners (the app shell) go back to the sign-in form.
 */

export interface List<T> {
  totalCount: number;
  list: T[];
}

export interface Session {
  username: string;
  expiresAt: string;
}

/** GET /console/session: username null when not signed in. */
export interface CurrentSession {
  username: string | null;
  expiresAt: string | null;
}

// The server's own type, so the console cannot drift from the rules it edits (a type-only import).
import type { PasswordPolicy } from '../../../src/security/password-policy.js';
export type { PasswordPolicy };

/** A pool's settings, as PoolSettingsSchema (src/pools) defines them; the server fills defaults in. */
export interface PoolSettings {
  passwordPolicy: PasswordPolicy;
  maskScriptErrors: boolean;
  accessTokenTtlSeconds: number;
  idTokenTtlSeconds: number;
  refreshTokenTtlSeconds: number;
  registrationEnabled: boolean;
}

export interface Pool {
  id: string;
  slug: string;
  name: string;
  metadata: Record<string, unknown>;
  settings: PoolSettings;
  createdAt: string;
  updatedAt: string;
}

/** PATCH /pools/{pool}: the name and metadata are replaced, the settings given are merged in. */
export interface PoolUpdate {
  name?: string;
  metadata?: Record<string, unknown>;
  settings?: Partial<Omit<PoolSettings, 'passwordPolicy'>> & { passwordPolicy?: Partial<PasswordPolicy> };
}

export interface NewPool {
  slug: string;
  name?: string;
}

export interface User {
  id: string;
  email?: string | null;
  username?: string | null;
  phone?: string | null;
  nickname?: string | null;
  name?: string | null;
  blocked?: boolean;
  externalId?: string | null;
  migratedAt?: string | null;
  createdAt?: string | null;
  [field: string]: unknown;
}

export type Mode = 'LAZY_MIGRATION' | 'CUSTOM_USER_STORE';

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

export interface CustomDbConfig {
  enabled: boolean;
  mode: Mode;
  dialect: 'genauth' | 'auth0';
  connection: PublicConnection | null;
  env: Record<string, '****'>;
  timeoutMs: number;
  egressAllow: string[];
  scripts: Record<string, { version: number; isDefault: boolean; updatedAt: string | null }>;
  updatedAt: string;
}

export type ConnectionInput =
  | { uri: string }
  | { host: string; port?: number; username?: string; password?: string | null; database?: string }
  | null;

export interface CustomDbUpdate {
  enabled?: boolean;
  mode?: Mode;
  connection?: ConnectionInput;
  /** null keeps a variable's stored value. */
  env?: Record<string, string | null>;
}

export interface Script {
  name: string;
  version: number;
  source: string;
  isDefault: boolean;
  updatedBy: string | null;
  updatedAt: string | null;
}

export interface Template {
  name: string;
  label: string;
  description: string;
  envVars: { name: string; description: string; required: boolean; example?: string }[];
  scripts: Record<string, string>;
}

export interface DebugResult {
  ok: boolean;
  result?: unknown;
  error?: { kind: string; message: string; code?: string; line?: number; stack?: string };
  logs: { level: string; message: string }[];
  durationMs: number;
}

export interface ScriptVersion {
  name: string;
  version: number;
  createdBy: string;
  createdAt: string;
  source?: string;
}

export interface LogEntry {
  id: string;
  script: string;
  outcome: string;
  debug: boolean;
  durationMs: number;
  message: string | null;
  console: string | null;
  createdAt: string;
}

export interface LogFilters {
  script?: string;
  outcome?: string;
  debug?: 'true' | 'false';
  since?: string;
  until?: string;
}

export interface MigrationProgress {
  enabled: boolean;
  mode: string;
  localUsers: number;
  migratedUsers: number;
  migratedWithPassword: number;
  legacyUsers: number | null;
  remaining: number | null;
  perDay: { day: string; count: number }[];
}

export interface Application {
  id: string;
  clientId: string;
  name: string;
  firstParty: boolean;
  redirect_uris: string[];
  post_logout_redirect_uris: string[];
  grant_types: string[];
  response_types: string[];
  token_endpoint_auth_method: string;
  id_token_signed_response_alg: string;
  hasSecret: boolean;
  createdAt: string;
  updatedAt: string;
  client_secret?: string;
}

export type AuthMethod = 'none' | 'client_secret_basic' | 'client_secret_post';

export interface NewApplication {
  name: string;
  redirect_uris: string[];
  post_logout_redirect_uris: string[];
  token_endpoint_auth_method: AuthMethod;
}

/** PATCH …/applications/{id}: only the fields given change. */
export type ApplicationUpdate = Partial<NewApplication>;

export interface ApiKey {
  id: string;
  name: string;
  poolId: string | null;
  prefix: string;
  createdAt: string;
  lastUsedAt: string | null;
  key?: string;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

type Listener = () => void;
const unauthorizedListeners = new Set<Listener>();

/** Called when any request answers 401 (the session expired or was signed out elsewhere). */
export function onUnauthorized(listener: Listener): () => void {
  unauthorizedListeners.add(listener);
  return () => unauthorizedListeners.delete(listener);
}

async function request<T>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json', 'x-gatehouse-csrf': '1' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  let response: Response;
  try {
    response = await fetch(`/api/v1${path}`, {
      method,
      headers,
      credentials: 'same-origin',
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
  } catch {
    throw new ApiError(0, 'network_error', 'The server could not be reached. Check your connection.');
  }
  const text = await response.text();
  let data: unknown = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    data = null;
  }
  if (!response.ok) {
    const error = (data as { error?: { code?: string; message?: string } } | null)?.error;
    if (response.status === 401 && !path.startsWith('/console/session')) {
      for (const listener of unauthorizedListeners) listener();
    }
    throw new ApiError(
      response.status,
      error?.code ?? 'http_error',
      error?.message ?? `The server answered ${response.status}`,
    );
  }
  return data as T;
}

const pool = (slug: string) => `/pools/${encodeURIComponent(slug)}`;

function query(params: Record<string, string | number | undefined>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== '') search.set(key, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}

export const api = {
  session: {
    get: () => request<CurrentSession>('GET', '/console/session'),
    signIn: (username: string, password: string) =>
      request<Session>('POST', '/console/session', { username, password }),
    signOut: () => request<null>('DELETE', '/console/session'),
  },
  pools: {
    list: () => request<List<Pool>>('GET', `/pools${query({ limit: 100 })}`),
    get: (slug: string) => request<Pool>('GET', pool(slug)),
    create: (input: NewPool) => request<Pool>('POST', '/pools', input),
    update: (slug: string, changes: PoolUpdate) => request<Pool>('PATCH', pool(slug), changes),
    remove: (slug: string) => request<null>('DELETE', pool(slug)),
  },
  users: {
    list: (slug: string, page: number, limit: number, q: string) =>
      request<List<User>>('GET', `${pool(slug)}/users${query({ page, limit, q })}`),
    create: (slug: string, user: Record<string, unknown>) =>
      request<User>('POST', `${pool(slug)}/users`, user),
    update: (slug: string, id: string, changes: Record<string, unknown>) =>
      request<User>('PATCH', `${pool(slug)}/users/${encodeURIComponent(id)}`, changes),
    setBlocked: (slug: string, id: string, blocked: boolean) =>
      request<User>('POST', `${pool(slug)}/users/${encodeURIComponent(id)}/${blocked ? 'block' : 'unblock'}`),
    remove: (slug: string, id: string) =>
      request<null>('DELETE', `${pool(slug)}/users/${encodeURIComponent(id)}`),
  },
  customDb: {
    get: (slug: string) => request<CustomDbConfig>('GET', `${pool(slug)}/custom-db`),
    update: (slug: string, changes: CustomDbUpdate) =>
      request<CustomDbConfig>('PUT', `${pool(slug)}/custom-db`, changes),
    scripts: (slug: string) => request<List<Script>>('GET', `${pool(slug)}/custom-db/scripts`),
    saveScript: (slug: string, name: string, source: string) =>
      request<Script>('PUT', `${pool(slug)}/custom-db/scripts/${encodeURIComponent(name)}`, { source }),
    templates: (slug: string) => request<List<Template>>('GET', `${pool(slug)}/custom-db/templates`),
    debug: (slug: string, script: string, args: unknown[], source?: string) =>
      request<DebugResult>('POST', `${pool(slug)}/custom-db/debug`, {
        script,
        args,
        ...(source !== undefined ? { source } : {}),
      }),
    versions: (slug: string, name: string) =>
      request<List<ScriptVersion>>(
        'GET',
        `${pool(slug)}/custom-db/scripts/${encodeURIComponent(name)}/versions`,
      ),
    version: (slug: string, name: string, version: number) =>
      request<ScriptVersion>(
        'GET',
        `${pool(slug)}/custom-db/scripts/${encodeURIComponent(name)}/versions/${version}`,
      ),
    restore: (slug: string, name: string, version: number) =>
      request<Script>(
        'POST',
        `${pool(slug)}/custom-db/scripts/${encodeURIComponent(name)}/versions/${version}/restore`,
      ),
    logs: (slug: string, page: number, limit: number, filters: LogFilters) =>
      request<List<LogEntry>>('GET', `${pool(slug)}/custom-db/logs${query({ page, limit, ...filters })}`),
    migration: (slug: string) => request<MigrationProgress>('GET', `${pool(slug)}/custom-db/migration`),
  },
  applications: {
    list: (slug: string) =>
      request<List<Application>>('GET', `${pool(slug)}/applications${query({ limit: 100 })}`),
    create: (slug: string, app: NewApplication) =>
      request<Application>('POST', `${pool(slug)}/applications`, app),
    update: (slug: string, id: string, changes: ApplicationUpdate) =>
      request<Application>('PATCH', `${pool(slug)}/applications/${encodeURIComponent(id)}`, changes),
    remove: (slug: string, id: string) =>
      request<null>('DELETE', `${pool(slug)}/applications/${encodeURIComponent(id)}`),
  },
  apiKeys: {
    list: (slug: string) => request<List<ApiKey>>('GET', `${pool(slug)}/api-keys${query({ limit: 100 })}`),
    create: (slug: string, name: string) => request<ApiKey>('POST', `${pool(slug)}/api-keys`, { name }),
    remove: (slug: string, id: string) =>
      request<null>('DELETE', `${pool(slug)}/api-keys/${encodeURIComponent(id)}`),
  },
};

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
