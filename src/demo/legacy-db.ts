/**
 * The demo's sample legacy user database: PGlite (embedded PostgreSQL) served on a loopback TCP port
 * by pglite-socket, so the operator's scripts reach it with the real `pg` driver through
 * `DB_CONNECTION_URI`, exactly as they would reach any PostgreSQL. Seeded once with the sample schema
 * and users of docs/custom-db/sample-schemas/postgres.sql; a restart on the same folder keeps its rows.
 */
import { readFile } from 'node:fs/promises';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';

/** The sample schema the `postgres` template is written for (two levels up from src/demo and dist/demo). */
export const SAMPLE_SCHEMA_URL = new URL('../../docs/custom-db/sample-schemas/postgres.sql', import.meta.url);

/**
 * Connections the socket server accepts at once. PGlite runs one query at a time and the server queues
 * them, but each connection must be admitted: the sandbox keeps up to 10 pooled connections per child
 * and 2 children per user pool, and an operator may want a psql session of their own alongside.
 */
export const LEGACY_DB_MAX_CONNECTIONS = 32;

export interface LegacyDatabaseOptions {
  /** A folder for the database files, or `memory://` for a database that lives only as long as the process. */
  dataDir: string;
  /** Loopback port to serve on; 0 picks a free one. */
  port?: number;
  host?: string;
}

export interface LegacyDatabase {
  /** What scripts connect with: `postgres://postgres@127.0.0.1:<port>/postgres`. */
  uri: string;
  host: string;
  port: number;
  /** True when this start created the schema and the seed users (an empty folder). */
  seeded: boolean;
  /** Rows in the legacy `users` table now. */
  userCount: number;
  close(): Promise<void>;
}

export async function startLegacyDatabase(options: LegacyDatabaseOptions): Promise<LegacyDatabase> {
  const host = options.host ?? '127.0.0.1';
  const db = await PGlite.create(options.dataDir);
  let server: PGLiteSocketServer | undefined;
  try {
    const seeded = await seedIfEmpty(db);
    server = new PGLiteSocketServer({
      db,
      host,
      port: options.port ?? 0,
      maxConnections: LEGACY_DB_MAX_CONNECTIONS,
    });
    await server.start();
    const port = Number(server.getServerConn().split(':').pop());
    const counted = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM users');
    const started = server;
    let closing: Promise<void> | undefined;
    return {
      uri: `postgres://postgres@${host}:${port}/postgres`,
      host,
      port,
      seeded,
      userCount: counted.rows[0]?.n ?? 0,
      close() {
        closing ??= (async () => {
          await started.stop();
          await db.close();
        })();
        return closing;
      },
    };
  } catch (error) {
    await server?.stop().catch(() => {});
    await db.close().catch(() => {});
    throw error;
  }
}

/** Creates the sample schema and seed users unless the `users` table exists already. */
async function seedIfEmpty(db: PGlite): Promise<boolean> {
  const existing = await db.query<{ t: string | null }>("SELECT to_regclass('public.users')::text AS t");
  if (existing.rows[0]?.t) return false;
  const sql = await readFile(SAMPLE_SCHEMA_URL, 'utf8');
  await db.transaction(async (tx) => {
    await tx.exec(sql);
  });
  return true;
}
