import { afterAll } from 'vitest';
import { startGatehouse } from '../helpers/gatehouse.js';
import { createTestDatabase, postgresAvailable } from '../helpers/services.js';
import { tokenSuite } from './token-suite.js';

// Skipped (loudly) without PostgreSQL, failing the run when CI is set; see test/helpers/services.ts.
const available = await postgresAvailable();
let drop: (() => Promise<void>) | undefined;
afterAll(async () => {
  await drop?.();
});

if (available) {
  tokenSuite('PostgreSQL', async () => {
    const database = await createTestDatabase('gh_oidc_tokens');
    drop = database.drop;
    return startGatehouse(
      { databaseUrl: database.url },
      { rateLimits: { loginPerIdentifier: { max: 4, windowSeconds: 300 } } },
    );
  });
}
