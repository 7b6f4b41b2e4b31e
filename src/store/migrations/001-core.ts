import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table pools (
      id text primary key,
      slug text not null unique,
      name text not null,
      metadata jsonb not null default '{}',
      settings jsonb not null default '{}',
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    );

    create table users (
      id text primary key,
      pool_id text not null references pools(id) on delete cascade,
      email text,
      email_verified boolean not null default false,
      username text,
      phone text,
      phone_verified boolean not null default false,
      password_hash text,
      blocked boolean not null default false,
      external_id text,
      migrated_at timestamptz,
      logins_count integer not null default 0,
      last_login timestamptz,
      last_ip text,
      profile jsonb not null default '{}',
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    );
    -- Email is unique case-insensitively, username case-sensitively, phone as E.164; all per pool.
    create unique index users_pool_email on users (pool_id, lower(email)) where email is not null;
    create unique index users_pool_username on users (pool_id, username) where username is not null;
    create unique index users_pool_phone on users (pool_id, phone) where phone is not null;
    create unique index users_pool_external_id on users (pool_id, external_id) where external_id is not null;
    create index users_pool_created on users (pool_id, created_at, id);

    create table api_keys (
      id text primary key,
      pool_id text references pools(id) on delete cascade,
      name text not null,
      prefix text not null,
      key_hash text not null unique,
      created_at timestamptz not null default now(),
      last_used_at timestamptz
    );
    create index api_keys_pool on api_keys (pool_id);

    create table applications (
      id text primary key,
      pool_id text not null references pools(id) on delete cascade,
      name text not null,
      client_secret_sealed text,
      metadata jsonb not null default '{}',
      first_party boolean not null default false,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    );
    create index applications_pool on applications (pool_id);

    create table signing_keys (
      kid text primary key,
      pool_id text not null references pools(id) on delete cascade,
      alg text not null,
      private_jwk_sealed text not null,
      status text not null,
      created_at timestamptz not null default now(),
      retired_at timestamptz
    );
    create index signing_keys_pool on signing_keys (pool_id, status);

    create table oidc_payloads (
      pool_id text not null references pools(id) on delete cascade,
      model text not null,
      id text not null,
      payload jsonb not null,
      grant_id text,
      user_code text,
      uid text,
      expires_at timestamptz,
      consumed_at timestamptz,
      primary key (pool_id, model, id)
    );
    create index oidc_payloads_grant on oidc_payloads (pool_id, grant_id) where grant_id is not null;
    create index oidc_payloads_uid on oidc_payloads (pool_id, uid) where uid is not null;
    create index oidc_payloads_user_code on oidc_payloads (pool_id, user_code) where user_code is not null;
    create index oidc_payloads_expires on oidc_payloads (expires_at);

    create table password_resets (
      id text primary key,
      pool_id text not null references pools(id) on delete cascade,
      -- No foreign key: with a custom user store the user lives in the operator's database.
      user_id text not null,
      token_hash text not null unique,
      expires_at timestamptz not null,
      used_at timestamptz,
      created_at timestamptz not null default now()
    );

    create table outbox (
      id bigserial primary key,
      pool_id text references pools(id) on delete cascade,
      recipient text not null,
      subject text not null,
      body text not null,
      created_at timestamptz not null default now()
    );
    create index outbox_pool on outbox (pool_id, id);

    create table admin_accounts (
      username text primary key,
      password_hash text not null,
      created_at timestamptz not null default now()
    );
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    drop table admin_accounts; drop table outbox; drop table password_resets; drop table oidc_payloads;
    drop table signing_keys; drop table applications; drop table api_keys; drop table users; drop table pools;
  `.execute(db);
}
