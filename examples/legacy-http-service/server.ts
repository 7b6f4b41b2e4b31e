/**
 * Runs the reference legacy user service.
 *
 *   npx tsx examples/legacy-http-service/server.ts
 *
 * Environment: PORT (default 4000), HOST (default 127.0.0.1), API_KEY (default: a random key, printed),
 * LEGACY_DATABASE_URL (a PostgreSQL database holding the sample `users` table; without it an in-memory
 * PGlite database is created and seeded), LEGACY_INIT_SCHEMA=1 (load the sample schema and seed users
 * into LEGACY_DATABASE_URL first; it must be empty).
 */
import { randomBytes } from 'node:crypto';
import { buildLegacyService } from './src/app.js';
import { loadSampleSchema, openPglite, openPostgres, type Database } from './src/store.js';

const port = Number(process.env.PORT ?? 4000);
const host = process.env.HOST ?? '127.0.0.1';
const apiKey = process.env.API_KEY || randomBytes(18).toString('base64url');

let db: Database;
if (process.env.LEGACY_DATABASE_URL) {
  db = openPostgres(process.env.LEGACY_DATABASE_URL);
  if (process.env.LEGACY_INIT_SCHEMA === '1') await loadSampleSchema(db);
} else {
  db = await openPglite();
  await loadSampleSchema(db);
}

const app = buildLegacyService({ db, apiKey, logger: true });
await app.listen({ port, host });
const base = `http://${host}:${port}`;
console.log(`
Legacy user service on ${base}
  store:    ${process.env.LEGACY_DATABASE_URL ? 'PostgreSQL (LEGACY_DATABASE_URL)' : 'in-memory PGlite with the six seed users'}
  API key:  ${apiKey}${process.env.API_KEY ? '' : '  (random; set API_KEY to choose one)'}
Try:
  curl -s -H 'x-api-key: ${apiKey}' '${base}/users/by?email=ada.lovelace@example.com'
  curl -s -H 'x-api-key: ${apiKey}' -H 'content-type: application/json' \\
       -d '{"email":"ada.lovelace@example.com","password":"ada-analytical-1843"}' ${base}/auth/verify
Gatehouse connection env for the http template: API_BASE_URL=${base} API_KEY=${apiKey}
`);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void app.close().then(() => db.close());
  });
}
