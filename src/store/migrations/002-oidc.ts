import { sql, type Kysely } from 'kysely';

/**
 * Per-pool secrets of the OpenID Connect authority that are not signing keys (today: the keys that sign
 * the provider's cookies). Sealed with the secret box, associated data = pool id.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table oidc_secrets (
      pool_id text not null references pools(id) on delete cascade,
      name text not null,
      sealed text not null,
      created_at timestamptz not null default now(),
      primary key (pool_id, name)
    );
    create index applications_pool_first_party on applications (pool_id) where first_party;
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop index applications_pool_first_party; drop table oidc_secrets;`.execute(db);
}
