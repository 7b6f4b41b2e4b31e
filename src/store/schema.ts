/**
 * Row types of the local store, as Kysely sees them. Every tenant table carries `pool_id`, and every
 * query in `queries/` filters by it.
 */
import type { ColumnType, Generated, JSONColumnType } from 'kysely';

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;

export interface PoolsTable {
  id: string;
  slug: string;
  name: string;
  metadata: JSONColumnType<Record<string, unknown>>;
  settings: JSONColumnType<Record<string, unknown>>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface UsersTable {
  id: string;
  pool_id: string;
  email: string | null;
  email_verified: Generated<boolean>;
  username: string | null;
  phone: string | null;
  phone_verified: Generated<boolean>;
  password_hash: string | null;
  blocked: Generated<boolean>;
  external_id: string | null;
  migrated_at: NullableTimestamp;
  logins_count: Generated<number>;
  last_login: NullableTimestamp;
  last_ip: string | null;
  /** The remaining profile fields of DESIGN.md §2 (nickname, name, address, customData, …). */
  profile: JSONColumnType<Record<string, unknown>>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface ApiKeysTable {
  id: string;
  /** null for an instance-wide key (the bootstrap key), which may manage every pool. */
  pool_id: string | null;
  name: string;
  /** First characters of the key, shown in listings so an operator can tell keys apart. */
  prefix: string;
  key_hash: string;
  created_at: Timestamp;
  last_used_at: NullableTimestamp;
}

export interface ApplicationsTable {
  id: string;
  pool_id: string;
  name: string;
  /** Sealed with the secret box; null for public clients. */
  client_secret_sealed: string | null;
  /** OIDC client metadata (redirect_uris, grant_types, …) minus the secret. */
  metadata: JSONColumnType<Record<string, unknown>>;
  first_party: Generated<boolean>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface SigningKeysTable {
  kid: string;
  pool_id: string;
  alg: string;
  /** Private JWK sealed with the secret box. */
  private_jwk_sealed: string;
  /** 'active' signs new tokens; 'retired' still verifies until dropped from the JWKS. */
  status: string;
  created_at: Timestamp;
  retired_at: NullableTimestamp;
}

export interface OidcPayloadsTable {
  pool_id: string;
  model: string;
  id: string;
  payload: JSONColumnType<Record<string, unknown>>;
  grant_id: string | null;
  user_code: string | null;
  uid: string | null;
  expires_at: NullableTimestamp;
  consumed_at: NullableTimestamp;
}

export interface PasswordResetsTable {
  id: string;
  pool_id: string;
  user_id: string;
  token_hash: string;
  expires_at: Timestamp;
  used_at: NullableTimestamp;
  created_at: Timestamp;
}

export interface OutboxTable {
  id: Generated<string>;
  pool_id: string | null;
  recipient: string;
  subject: string;
  body: string;
  created_at: Timestamp;
}

export interface AdminAccountsTable {
  username: string;
  password_hash: string;
  created_at: Timestamp;
}

export interface ConsoleSessionsTable {
  /** SHA-256 digest of the session token in the `gh_console` cookie. */
  token_hash: string;
  username: string;
  created_at: Timestamp;
  expires_at: Timestamp;
}

export interface CustomDbConnectionsTable {
  id: string;
  pool_id: string;
  name: Generated<string>;
  enabled: Generated<boolean>;
  mode: Generated<string>;
  dialect: Generated<string>;
  connection_sealed: string | null;
  env_sealed: string | null;
  connection_public: JSONColumnType<Record<string, unknown>>;
  env_names: JSONColumnType<string[]>;
  timeout_ms: Generated<number>;
  unknown_fields: Generated<string>;
  egress_allow: JSONColumnType<string[]>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface CustomDbScriptsTable {
  connection_id: string;
  pool_id: string;
  name: string;
  version: number;
  source: string;
  created_by: string;
  created_at: Timestamp;
}

export interface CustomDbLogsTable {
  id: Generated<string>;
  pool_id: string;
  connection_id: string;
  script: string;
  outcome: string;
  debug: Generated<boolean>;
  duration_ms: number;
  message: string | null;
  console: string | null;
  created_at: Timestamp;
}

export interface Database {
  custom_db_connections: CustomDbConnectionsTable;
  custom_db_scripts: CustomDbScriptsTable;
  custom_db_logs: CustomDbLogsTable;
  pools: PoolsTable;
  users: UsersTable;
  api_keys: ApiKeysTable;
  applications: ApplicationsTable;
  signing_keys: SigningKeysTable;
  oidc_payloads: OidcPayloadsTable;
  password_resets: PasswordResetsTable;
  outbox: OutboxTable;
  admin_accounts: AdminAccountsTable;
  console_sessions: ConsoleSessionsTable;
}
