/**
 * The `mysql` template against the machine's MariaDB/MySQL (TEST_MYSQL_URL): a fresh database with the
 * sample schema and seed users of docs/custom-db/sample-schemas/mysql.sql, every script through the real
 * sandbox. Without MariaDB the suite is skipped loudly (and fails under CI).
 */
import { describe } from 'vitest';
import mysql from 'mysql2/promise';
import { createTestMysqlDatabase, mysqlAvailable } from '../helpers/services.js';
import { defineTemplateContract } from './contract.js';
import { readSampleSchema } from './fixtures.js';

const available = await mysqlAvailable();

describe.skipIf(!available)('mysql template × MariaDB/MySQL', () => {
  defineTemplateContract('mysql', async () => {
    const database = await createTestMysqlDatabase('gh_tpl_my');
    const connection = await mysql.createConnection({ uri: database.url, multipleStatements: true });
    await connection.query(await readSampleSchema('mysql.sql'));
    const url = new URL(database.url);
    const name = url.pathname.slice(1);
    return {
      env: { DB_CONNECTION_URI: database.url },
      programmaticEnv: {
        DB_HOST: url.hostname,
        DB_PORT: url.port || '3306',
        DB_USERNAME: decodeURIComponent(url.username),
        DB_PASSWORD: decodeURIComponent(url.password),
        DB_DATABASE: name,
      },
      missingId: '999999',
      countUsers: async () => {
        const [rows] = await connection.query<mysql.RowDataPacket[]>('SELECT COUNT(*) AS n FROM users');
        return Number(rows[0]?.n);
      },
      usersTableExists: async () => {
        const [rows] = await connection.query<mysql.RowDataPacket[]>(
          "SELECT COUNT(*) AS n FROM information_schema.tables WHERE table_schema = ? AND table_name = 'users'",
          [name],
        );
        return Number(rows[0]?.n) === 1;
      },
      close: async () => {
        await connection.end();
        await database.drop();
      },
    };
  });
});
