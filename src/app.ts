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
import { PoolDirectoryResolver } from './directory/resolver.js';
import { createSandbox, pinEventLoop } from './sandbox/index.js';
import { ScriptRunner } from './connections/runner.js';
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
    const hasher = new PasswordHasher(config.argon2, config.argon2Concurrency || undefined);
    const pools = new PoolService(store.db);
    const local = new LocalDirectory(store.db, hasher, {
      onError: (err) => logger.warn({ err }, 'could not write login statistics (will retry)'),
    });
    const connections = new ConnectionService(store.db, secrets);
    if (config.eventLoopCpu !== null) {
      await pinEventLoop(config.eventLoopCpu).catch((err: Error) =>
        logger.warn({ err }, 'could not pin the event loop to its CPU; running unpinned'),
      );
    }
    const sandbox = createSandbox({
      denyHosts: platformAddresses(config),
      eventLoopCpu: config.eventLoopCpu,
    });
    const scriptRunner = new ScriptRunner(sandbox, connections, logger);
    const directories: DirectoryResolver = new PoolDirectoryResolver(
      store.db,
      hasher,
      local,
      connections,
      scriptRunner,
    );
    const metrics = new Metrics({ passwordHashes: () => hasher.load });
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
      baseUrl: () => config.baseUrl,
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
      resetPassword: (pool, token, password, request) => auth.resetPassword(pool, token, password, request),
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
      connections,
      sandbox,
      scriptRunner,
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
        await local.close();
        await oidc.close();
        await sandbox.close();
        mailer.close();
        await store.close();
      },
    };
  } catch (error) {
    await store.close();
    throw error;
  }
}

/**
 * What operators' scripts must never reach (DESIGN.md §4): the platform's own database, Redis and this
 * server's port. Cloud metadata addresses are denied by the sandbox itself.
 */
export function platformAddresses(config: Config): string[] {
  const hostPort = (url: string | undefined, defaultPort: number): string | undefined => {
    if (!url) return undefined;
    try {
      const parsed = new URL(url);
      return parsed.hostname ? `${parsed.hostname}:${parsed.port || defaultPort}` : undefined;
    } catch {
      return undefined;
    }
  };
  const addresses = [hostPort(config.databaseUrl, 5432), hostPort(config.redisUrl, 6379)];
  // Port 0 means "any free port": unknown until listening, and then only reachable by its number.
  if (config.port !== 0) addresses.push(`localhost:${config.port}`);
  return addresses.filter((a): a is string => a !== undefined);
}
