import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    -- A pool's custom database connection. One per pool for now; the name column leaves room for more.
    create table custom_db_connections (
      id text primary key,
      pool_id text not null references pools(id) on delete cascade,
      name text not null default 'default',
      enabled boolean not null default false,
      mode text not null default 'LAZY_MIGRATION',
      dialect text not null default 'genauth',
      -- Connection info and env values, sealed (AES-256-GCM, bound to the pool id).
      connection_sealed text,
      env_sealed text,
      -- What may be shown: the connection without its password, the env variable names.
      connection_public jsonb not null default '{}',
      env_names jsonb not null default '[]',
      timeout_ms integer not null default 10000,
      -- Profile fields a script returns that Gatehouse does not know: 'reject' or keep in customData.
      unknown_fields text not null default 'reject',
      egress_allow jsonb not null default '[]',
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      unique (pool_id, name)
    );

    -- Every saved version of every script; the current one is the highest version.
    create table custom_db_scripts (
      connection_id text not null references custom_db_connections(id) on delete cascade,
      pool_id text not null references pools(id) on delete cascade,
      name text not null,
      version integer not null,
      source text not null,
      created_by text not null,
      created_at timestamptz not null default now(),
      primary key (connection_id, name, version)
    );
    create index custom_db_scripts_pool on custom_db_scripts (pool_id, connection_id, name, version desc);

    -- History of script runs (real and debug), capped per pool.
    create table custom_db_logs (
      id bigserial primary key,
      pool_id text not null references pools(id) on delete cascade,
      connection_id text not null references custom_db_connections(id) on delete cascade,
      script text not null,
      outcome text not null,
      debug boolean not null default false,
      duration_ms double precision not null,
      message text,
      console text,
      created_at timestamptz not null default now()
    );
    create index custom_db_logs_pool on custom_db_logs (pool_id, id desc);
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table custom_db_logs; drop table custom_db_scripts; drop table custom_db_connections;`.execute(
    db,
  );
}
