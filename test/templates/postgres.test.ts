/**
 * The `postgres` template against the machine's PostgreSQL (TEST_POSTGRES_URL): a fresh database with the
 * sample schema and seed users of docs/custom-db/sample-schemas/postgres.sql, every script through the
 * real sandbox. Without PostgreSQL the suite is skipped loudly (and fails under CI).
 */
import { describe } from 'vitest';
import pg from 'pg';
import { createTestDatabase, postgresAvailable } from '../helpers/services.js';
import { defineTemplateContract } from './contract.js';
import { readSampleSchema } from './fixtures.js';

const available = await postgresAvailable();

describe.skipIf(!available)('postgres template × PostgreSQL', () => {
  defineTemplateContract('postgres', async () => {
    const database = await createTestDatabase('gh_tpl_pg');
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    await client.query(await readSampleSchema('postgres.sql'));
    const url = new URL(database.url);
    return {
      env: { DB_CONNECTION_URI: database.url },
      programmaticEnv: {
        DB_HOST: url.hostname,
        DB_PORT: url.port || '5432',
        DB_USERNAME: decodeURIComponent(url.username),
        DB_PASSWORD: decodeURIComponent(url.password),
        DB_DATABASE: url.pathname.slice(1),
      },
      missingId: '999999',
      countUsers: async () => (await client.query('SELECT count(*)::int AS n FROM users')).rows[0].n,
      usersTableExists: async () =>
        (await client.query("SELECT to_regclass('public.users') IS NOT NULL AS present")).rows[0].present,
      close: async () => {
        await client.end();
        await database.drop();
      },
    };
  });
});
