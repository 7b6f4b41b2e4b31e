/**
 * Shared steps of the custom database end-to-end suites: a fresh legacy database holding the sample
 * schema, a connection configured through the management API, and small API shorthands.
 */
import pg from 'pg';
import { getTemplate } from '../../src/connections/templates/index.js';
import type { TestGatehouse } from '../helpers/gatehouse.js';
import { createTestDatabase, createTestMysqlDatabase } from '../helpers/services.js';
import { readSampleSchema } from '../templates/fixtures.js';

/** Test-friendly rate limits: the suites log the same users in many times. */
export const HIGH_RATE_LIMITS = {
  loginPerIp: { max: 100_000, windowSeconds: 60 },
  loginPerIdentifier: { max: 100_000, windowSeconds: 300 },
  registerPerIp: { max: 100_000, windowSeconds: 3600 },
};

export interface LegacyDatabase {
  url: string;
  /** Runs SQL against the legacy database (`$1` placeholders for PostgreSQL, `?` for MariaDB). */
  query(sql: string, params?: unknown[]): Promise<Array<Record<string, unknown>>>;
  countUsers(): Promise<number>;
  close(): Promise<void>;
}

/** A fresh PostgreSQL database with the sample `users` table and the six seed users. */
export async function postgresLegacy(): Promise<LegacyDatabase> {
  const database = await createTestDatabase('gh_legacy_pg');
  const client = new pg.Client({ connectionString: database.url });
  await client.connect();
  await client.query(await readSampleSchema('postgres.sql'));
  const query = async (sql: string, params: unknown[] = []) => (await client.query(sql, params)).rows;
  return {
    url: database.url,
    query,
    countUsers: async () => Number((await query('SELECT count(*)::int AS n FROM users'))[0]!.n),
    close: async () => {
      await client.end();
      await database.drop();
    },
  };
}

/** A fresh MariaDB database with the sample `users` table and the six seed users. */
export async function mysqlLegacy(): Promise<LegacyDatabase> {
  const { default: mysql } = await import('mysql2/promise');
  const database = await createTestMysqlDatabase('gh_legacy_my');
  const connection = await mysql.createConnection({ uri: database.url, multipleStatements: true });
  await connection.query(await readSampleSchema('mysql.sql'));
  const query = async (sql: string, params: unknown[] = []) => {
    const [rows] = await connection.query(sql, params);
    return rows as Array<Record<string, unknown>>;
  };
  return {
    url: database.url,
    query,
    countUsers: async () => Number((await query('SELECT count(*) AS n FROM users'))[0]!.n),
    close: async () => {
      await connection.end();
      await database.drop();
    },
  };
}

export type Api = TestGatehouse['api'];

/** Saves the given scripts of a template (all eight by default) through the management API. */
export async function saveTemplateScripts(
  api: Api,
  template: 'postgres' | 'mysql' | 'http' | 'mongodb',
  names?: string[],
  pool = 'default',
): Promise<void> {
  const scripts = getTemplate(template)!.scripts as Record<string, string>;
  for (const name of names ?? Object.keys(scripts)) {
    const res = await api(`/api/v1/pools/${pool}/custom-db/scripts/${name}`, {
      method: 'PUT',
      body: { source: scripts[name] },
    });
    if (res.status !== 200) throw new Error(`saving ${name}: ${res.status} ${JSON.stringify(res.body)}`);
  }
}

export async function configure(api: Api, body: Record<string, unknown>, pool = 'default'): Promise<void> {
  const res = await api(`/api/v1/pools/${pool}/custom-db`, { method: 'PUT', body });
  if (res.status !== 200) throw new Error(`configuring: ${res.status} ${JSON.stringify(res.body)}`);
}

/** Saves one script's source; throws on anything but 200. */
export async function saveScript(api: Api, name: string, source: string): Promise<void> {
  const res = await api(`/api/v1/pools/default/custom-db/scripts/${name}`, {
    method: 'PUT',
    body: { source },
  });
  if (res.status !== 200) throw new Error(`saving ${name}: ${res.status} ${JSON.stringify(res.body)}`);
}

/** POST …/auth/login without the API key (an end user's call). */
export function login(gh: TestGatehouse, body: Record<string, string>, pool = 'default') {
  return gh.api(`/api/v1/pools/${pool}/auth/login`, {
    method: 'POST',
    body,
    headers: { authorization: '' },
  });
}

/** The number of recorded runs of a script (debug runs excluded). */
export async function scriptRuns(api: Api, script: string, pool = 'default'): Promise<number> {
  const res = await api(`/api/v1/pools/${pool}/custom-db/logs?script=${script}&debug=false&limit=1`);
  if (res.status !== 200) throw new Error(`logs: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.totalCount as number;
}
