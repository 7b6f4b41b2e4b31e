/**
 * Test access to the machine's services (DESIGN.md §6). A missing service skips its suite with a loud
 * message locally and fails the run when CI is set.
 */
import net from 'node:net';
import { randomBytes } from 'node:crypto';
import pg from 'pg';

export const TEST_POSTGRES_URL =
  process.env.TEST_POSTGRES_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
export const TEST_MYSQL_URL = process.env.TEST_MYSQL_URL || 'mysql://root@127.0.0.1:3306/test';
export const TEST_REDIS_URL = process.env.TEST_REDIS_URL || 'redis://127.0.0.1:6379';

function reachable(url: string, defaultPort: number): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = net.connect({ host: hostname || '127.0.0.1', port: Number(port) || defaultPort });
    socket.setTimeout(2000);
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => (socket.destroy(), resolve(false)));
  });
}

/**
 * Resolves whether a service is there. Without it: in CI this throws (the run must fail), locally it
 * prints a loud warning and the caller skips its suite.
 */
export async function requireService(name: string, url: string, defaultPort: number): Promise<boolean> {
  if (await reachable(url, defaultPort)) return true;
  const message = `${name} is not reachable at ${url}: its tests cannot run`;
  if (process.env.CI) throw new Error(`${message} (CI is set, so this fails the run)`);
  console.warn(`\n!!! ${message}; SKIPPING them. Start ${name} or set the TEST_* URL. !!!\n`);
  return false;
}

export const postgresAvailable = () => requireService('PostgreSQL', TEST_POSTGRES_URL, 5432);

/** Creates a fresh database for one suite and returns its URL and a function that drops it. */
export async function createTestDatabase(
  prefix = 'gh_test',
): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `${prefix}_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: TEST_POSTGRES_URL });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(TEST_POSTGRES_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const client = new pg.Client({ connectionString: TEST_POSTGRES_URL });
      await client.connect();
      await client.query(`drop database if exists ${name} with (force)`);
      await client.end();
    },
  };
}

export const mysqlAvailable = () => requireService('MariaDB/MySQL', TEST_MYSQL_URL, 3306);

/** Creates a fresh MariaDB/MySQL database for one suite and returns its URL and a function that drops it. */
export async function createTestMysqlDatabase(
  prefix = 'gh_test',
): Promise<{ url: string; drop: () => Promise<void> }> {
  const { default: mysql } = await import('mysql2/promise');
  const name = `${prefix}_${randomBytes(6).toString('hex')}`;
  const server = new URL(TEST_MYSQL_URL);
  server.pathname = '/';
  const admin = await mysql.createConnection(server.toString());
  await admin.query(`create database ${name} character set utf8mb4 collate utf8mb4_unicode_ci`);
  await admin.end();
  const url = new URL(TEST_MYSQL_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const client = await mysql.createConnection(server.toString());
      await client.query(`drop database if exists ${name}`);
      await client.end();
    },
  };
}
