/**
 * `gatehouse demo` / `npm run demo`: one Gatehouse node on the embedded store, next to a sample legacy
 * user database (PGlite served on a loopback port), with the `default` pool connected to it in
 * LAZY_MIGRATION through the `postgres` template scripts. A newcomer logs in as a legacy user with a
 * legacy password and watches that user migrate. `startDemo()` is the whole thing as a function, for the
 * CLI and for tests; `demoInstructions()` is what the CLI prints.
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from 'pino';
import { pino } from 'pino';
import { loadConfig, type Config } from '../config/index.js';
import { createGatehouse, type Gatehouse, type GatehouseOptions } from '../app.js';
import { loggerOptions } from '../http/logging.js';
import { demoCredentials } from './credentials.js';
import { configureDemoConnection, DEMO_POOL, type DemoConfigurationResult } from './configure.js';
import { startLegacyDatabase, type LegacyDatabase } from './legacy-db.js';

export { demoInstructions, SEED_USERS } from './instructions.js';
export { DEMO_POOL } from './configure.js';

/** Where the demo keeps its data when GATEHOUSE_DATA_DIR is not set (inside `./data`, which git ignores). */
export const DEFAULT_DEMO_DATA_DIR = './data/demo';

export interface DemoOptions {
  /** Environment to read the configuration from (README "Configuration"). Default: process.env. */
  env?: NodeJS.ProcessEnv;
  /** Configuration fields that win over the environment (tests: `port: 0`, a temporary `dataDir`). */
  config?: Partial<Config>;
  /** Loopback port of the sample legacy database. Default: GATEHOUSE_DEMO_DB_PORT, else a free port. */
  legacyDbPort?: number;
  logger?: Logger;
  gatehouse?: Omit<GatehouseOptions, 'logger'>;
}

export interface Demo {
  gatehouse: Gatehouse;
  config: Config;
  /** The URL the server is bound to. */
  url: string;
  /** Public base URL (OIDC issuers are `{baseUrl}/oidc/{pool}`). */
  baseUrl: string;
  pool: typeof DEMO_POOL;
  discoveryUrl: string;
  docsUrl: string;
  legacyDb: Omit<LegacyDatabase, 'close'>;
  configuration: DemoConfigurationResult;
  /** Instance-wide management API key. */
  apiKey: string;
  /** Console password of `admin`. */
  adminPassword: string;
  /** Resolved data folder (`memory://` for an in-memory demo). */
  dataDir: string;
  /** Environment variables the demo ignores (it always runs on the embedded store, without Redis). */
  ignoredEnv: string[];
  /** Stops the server (in-flight requests finish), the scripts' processes, then the legacy database. */
  close(): Promise<void>;
}

export async function startDemo(options: DemoOptions = {}): Promise<Demo> {
  const env = options.env ?? process.env;
  const ignoredEnv = ['DATABASE_URL', 'REDIS_URL'].filter((name) => Boolean(env[name]));
  const fromEnv = loadConfig({
    ...env,
    GATEHOUSE_DATA_DIR: env.GATEHOUSE_DATA_DIR || DEFAULT_DEMO_DATA_DIR,
    // Request logs would scroll the instructions away; LOG_LEVEL=info brings them back.
    LOG_LEVEL: env.LOG_LEVEL || 'warn',
    DATABASE_URL: '',
    REDIS_URL: '',
  });
  const overrides = options.config ?? {};
  const dataDir = overrides.dataDir ?? fromEnv.dataDir;
  const inMemory = dataDir.startsWith('memory://');
  if (!inMemory) await mkdir(dataDir, { recursive: true, mode: 0o700 });

  const credentials = await demoCredentials(dataDir, {
    ...(fromEnv.bootstrapApiKey ? { apiKey: fromEnv.bootstrapApiKey } : {}),
    ...(fromEnv.adminPassword ? { adminPassword: fromEnv.adminPassword } : {}),
    ...(overrides.bootstrapApiKey ? { apiKey: overrides.bootstrapApiKey } : {}),
    ...(overrides.adminPassword ? { adminPassword: overrides.adminPassword } : {}),
  });
  const config: Config = {
    ...fromEnv,
    ...overrides,
    dataDir,
    bootstrapApiKey: credentials.apiKey,
    adminPassword: credentials.adminPassword,
  };
  delete config.databaseUrl;
  delete config.redisUrl;
  const explicitBaseUrl = Boolean(overrides.baseUrl ?? env.GATEHOUSE_BASE_URL);

  const legacyDbPort = options.legacyDbPort ?? portFrom(env.GATEHOUSE_DEMO_DB_PORT);
  const legacy = await startLegacyDatabase({
    dataDir: inMemory ? 'memory://' : path.join(dataDir, 'legacy-db'),
    port: legacyDbPort,
  });
  let gatehouse: Gatehouse | undefined;
  try {
    const logger = options.logger ?? pino(loggerOptions(config.logLevel));
    gatehouse = await createGatehouse(config, { ...options.gatehouse, logger });
    const { services } = gatehouse;
    const pool = await services.pools.get(DEMO_POOL);
    // Configured before the server listens, so no request ever sees a half-configured pool.
    const configuration = await configureDemoConnection(services.connections, pool, {
      uri: legacy.uri,
      hostPort: `${legacy.host}:${legacy.port}`,
    });
    const url = await gatehouse.listen();
    // With port 0 the public URL is only known now (the OIDC issuer is derived from it per request).
    if (!explicitBaseUrl && config.port === 0) config.baseUrl = url;
    const baseUrl = config.baseUrl;
    const started = gatehouse;
    let closing: Promise<void> | undefined;
    return {
      gatehouse: started,
      config,
      url,
      baseUrl,
      pool: DEMO_POOL,
      discoveryUrl: `${baseUrl}/oidc/${DEMO_POOL}/.well-known/openid-configuration`,
      docsUrl: `${baseUrl}/docs`,
      legacyDb: {
        uri: legacy.uri,
        host: legacy.host,
        port: legacy.port,
        seeded: legacy.seeded,
        userCount: legacy.userCount,
      },
      configuration,
      apiKey: credentials.apiKey,
      adminPassword: credentials.adminPassword,
      dataDir,
      ignoredEnv,
      close() {
        closing ??= (async () => {
          try {
            await started.close();
          } finally {
            await legacy.close();
          }
        })();
        return closing;
      },
    };
  } catch (error) {
    await gatehouse?.close().catch(() => {});
    await legacy.close().catch(() => {});
    throw error;
  }
}

function portFrom(value: string | undefined): number {
  if (!value) return 0;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`GATEHOUSE_DEMO_DB_PORT must be a port number, got "${value}"`);
  }
  return port;
}
