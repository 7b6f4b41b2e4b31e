import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    -- Sessions of the admin console. The cookie carries a random token; only its SHA-256 digest is kept.
    create table console_sessions (
      token_hash text primary key,
      username text not null references admin_accounts(username) on delete cascade,
      created_at timestamptz not null default now(),
      expires_at timestamptz not null
    );
    create index console_sessions_expiry on console_sessions (expires_at);
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table console_sessions;`.execute(db);
}
