/**
 * First-start bootstrap (DESIGN.md §5): the `default` pool, the instance-admin API key and the console
 * `admin` account. Values given in the environment are used; otherwise a one-time key and password are
 * generated and returned for printing once.
 */
import type { Services } from './services.js';
import { randomToken } from './security/tokens.js';

export interface BootstrapResult {
  /** Set only when generated at this start: shown once, never stored in clear. */
  generatedApiKey?: string;
  generatedAdminPassword?: string;
}

export async function bootstrap(services: Services): Promise<BootstrapResult> {
  const { config, pools, apiKeys, hasher, store } = services;
  const result: BootstrapResult = {};
  await pools.ensureDefault();

  if (config.bootstrapApiKey) {
    await apiKeys.ensure(null, 'bootstrap', config.bootstrapApiKey);
  } else if (!(await apiKeys.hasInstanceKey())) {
    result.generatedApiKey = (await apiKeys.create(null, 'bootstrap')).key;
  }

  const admin = await store.db
    .selectFrom('admin_accounts')
    .select('username')
    .where('username', '=', 'admin')
    .executeTakeFirst();
  if (config.adminPassword) {
    const passwordHash = await hasher.hash(config.adminPassword);
    await store.db
      .insertInto('admin_accounts')
      .values({ username: 'admin', password_hash: passwordHash })
      .onConflict((oc) => oc.column('username').doUpdateSet({ password_hash: passwordHash }))
      .execute();
  } else if (!admin) {
    const password = randomToken(18);
    await store.db
      .insertInto('admin_accounts')
      .values({ username: 'admin', password_hash: await hasher.hash(password) })
      .onConflict((oc) => oc.column('username').doNothing())
      .execute();
    result.generatedAdminPassword = password;
  }
  return result;
}
