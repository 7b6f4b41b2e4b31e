/**
 * Composition root: builds one Gatehouse node from a Config. Everything that has state is created here
 * and nowhere else, so tests can start a whole node (embedded store, random port) in one call.
 */
import { pino, type Logger } from 'pino';
import type { FastifyInstance } from 'fastify';
import type { Config } from './config/index.js';
import { openStore, migrate } from './store/index.js';
import { loadSecretBox } from './security/secret-box.js';
import { PasswordHasher } from './security/passwords.js';
import { PoolService } from './pools/index.js';
import { LocalDirectory } from './directory/local.js';
import type { DirectoryResolver } from './directory/types.js';
import { Mailer } from './flows/mailer.js';
import { MemoryRateLimiter, rateLimitRules, type RateLimitRules } from './flows/rate-limit.js';
import { AuthFlows } from './flows/auth.js';
import { Metrics } from './http/metrics.js';
import { ApiKeyService } from './apikeys/index.js';
import { ConnectionService } from './connections/service.js';
import { createOidcAuthority } from './oidc/index.js';
import { buildHttpServer } from './http/server.js';
import { loggerOptions } from './http/logging.js';
import { bootstrap, type BootstrapResult } from './bootstrap.js';
import type { Services } from './services.js';

export interface GatehouseOptions {
  logger?: Logger;
  rateLimits?: Partial<RateLimitRules>;
}

export interface Gatehouse {
  services: Services;
  app: FastifyInstance;
  bootstrap: BootstrapResult;
  /** Listens on config.port (0 picks a free port) and returns the bound URL. */
  listen(): Promise<string>;
  close(): Promise<void>;
}

export async function createGatehouse(config: Config, options: GatehouseOptions = {}): Promise<Gatehouse> {
  const logger = options.logger ?? pino(loggerOptions(config.logLevel));
  const store = await openStore({
    dataDir: config.dataDir,
    ...(config.databaseUrl ? { databaseUrl: config.databaseUrl } : {}),
  });
  try {
    await migrate(store.db);
    const secrets = await loadSecretBox({
      dataDir: config.dataDir,
      ...(config.secretKey ? { secretKey: config.secretKey } : {}),
    });
    const hasher = new PasswordHasher(config.argon2);
    const pools = new PoolService(store.db);
    const local = new LocalDirectory(store.db, hasher);
    const directories: DirectoryResolver = { forPool: async () => local };
    const metrics = new Metrics();
    const mailer = new Mailer(store.db, logger, {
      from: config.mailFrom,
      ...(config.smtpUrl ? { smtpUrl: config.smtpUrl } : {}),
    });
    const rateLimiter = new MemoryRateLimiter();
    const auth = new AuthFlows({
      db: store.db,
      directories,
      rateLimiter,
      rateLimits: { ...rateLimitRules(config.rateLimits), ...options.rateLimits },
      mailer,
      metrics,
      logger,
      baseUrl: config.baseUrl,
    });
    const oidc = await createOidcAuthority({
      config,
      db: store.db,
      secrets,
      logger,
      pools,
      authenticate: auth.authenticate,
      findAccount: auth.findAccount,
      register: (pool, input, request) => auth.register(pool, input, request),
    });
    const apiKeys = new ApiKeyService(store.db);
    const services: Services = {
      config,
      logger,
      store,
      secrets,
      hasher,
      pools,
      directories,
      oidc,
      mailer,
      rateLimiter,
      metrics,
      apiKeys,
      auth,
      connections: new ConnectionService(store.db, secrets),
    };
    const boot = await bootstrap(services);
    const app = await buildHttpServer(services);
    return {
      services,
      app,
      bootstrap: boot,
      async listen() {
        return app.listen({ port: config.port, host: config.host });
      },
      async close() {
        await app.close();
        await oidc.close();
        mailer.close();
        await store.close();
      },
    };
  } catch (error) {
    await store.close();
    throw error;
  }
}
