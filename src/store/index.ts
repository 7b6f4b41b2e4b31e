/**
 * The local store: Gatehouse's own database. PGlite in the data folder by default (no server needed),
 * PostgreSQL when DATABASE_URL is set. Both speak the same SQL; migrations run on open.
 */
import { mkdir } from 'node:fs/promises';
import { Kysely, Migrator, PostgresDialect, type Migration, type MigrationProvider } from 'kysely';
import pg from 'pg';
import { PGliteDialect } from './pglite-dialect.js';
import type { Database } from './schema.js';
import * as m001 from './migrations/001-core.js';
import * as m002oidc from './migrations/002-oidc.js';
import * as m003customDb from './migrations/003-custom-db.js';
import * as m004consoleSessions from './migrations/004-console-sessions.js';
import * as m005oidcPayloadsUnlinked from './migrations/005-oidc-payloads-unlinked.js';

export type { Database } from './schema.js';
export type Db = Kysely<Database>;

export interface Store {
  db: Db;
  kind: 'pglite' | 'postgres';
  close(): Promise<void>;
}

export interface StoreOptions {
  databaseUrl?: string;
  /** Folder of the embedded store; `memory://` keeps it in memory (tests). */
  dataDir: string;
}

// Migrations are compiled into the build rather than read from a folder at run time, so the same
// list applies from src (tests) and dist (production).
const migrations: Record<string, Migration> = {
  '001-core': m001,
  '002-oidc': m002oidc,
  '003-custom-db': m003customDb,
  '004-console-sessions': m004consoleSessions,
  '005-oidc-payloads-unlinked': m005oidcPayloadsUnlinked,
};

const provider: MigrationProvider = { getMigrations: async () => migrations };

export async function openStore(options: StoreOptions): Promise<Store> {
  if (options.databaseUrl) {
    const pool = new pg.Pool({ connectionString: options.databaseUrl, max: 10 });
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    return { db, kind: 'postgres', close: () => db.destroy() };
  }
  const { PGlite } = await import('@electric-sql/pglite');
  let dataDir: string | undefined;
  if (options.dataDir !== 'memory://') {
    dataDir = `${options.dataDir}/pglite`;
    await mkdir(dataDir, { recursive: true });
  }
  const pglite = new PGlite(dataDir);
  const db = new Kysely<Database>({ dialect: new PGliteDialect(pglite) });
  return { db, kind: 'pglite', close: () => db.destroy() };
}

/** Brings the schema up to date. Safe to run from several nodes at once (Kysely takes a lock). */
export async function migrate(db: Db): Promise<string[]> {
  const migrator = new Migrator({ db, provider });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error;
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
