import { sql, type Kysely } from 'kysely';

/**
 * Every token a login issues is an INSERT into oidc_payloads, and the foreign key to pools made each of
 * them a lookup and a row lock (FOR KEY SHARE) on the pool's row: a third of the statement's cost, and on
 * PostgreSQL every concurrent login of a pool locking the same row. The pool's rows are removed with the
 * pool by deletePoolRow instead of by the cascade.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table oidc_payloads drop constraint oidc_payloads_pool_id_fkey`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    delete from oidc_payloads where pool_id not in (select id from pools);
    alter table oidc_payloads
      add constraint oidc_payloads_pool_id_fkey foreign key (pool_id) references pools(id) on delete cascade;
  `.execute(db);
}
