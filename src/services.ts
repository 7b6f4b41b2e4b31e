/**
 * The services one Gatehouse node is made of, built once by `createGatehouse` (src/app.ts) and handed to
 * the HTTP layer. Routes take what they need from here instead of importing singletons.
 */
import type { Logger } from 'pino';
import type { Config } from './config/index.js';
import type { Store } from './store/index.js';
import type { SecretBox } from './security/secret-box.js';
import type { PasswordHasher } from './security/passwords.js';
import type { PoolService } from './pools/index.js';
import type { DirectoryResolver } from './directory/types.js';
import type { OidcAuthority } from './oidc/types.js';
import type { Mailer } from './flows/mailer.js';
import type { RateLimiter } from './flows/rate-limit.js';
import type { Metrics } from './http/metrics.js';
import type { ApiKeyService } from './apikeys/index.js';
import type { AuthFlows } from './flows/auth.js';
import type { ConnectionService } from './connections/service.js';
import type { ScriptRunner } from './connections/runner.js';
import type { Sandbox } from './sandbox/index.js';

export interface Services {
  config: Config;
  logger: Logger;
  store: Store;
  secrets: SecretBox;
  hasher: PasswordHasher;
  pools: PoolService;
  directories: DirectoryResolver;
  oidc: OidcAuthority;
  mailer: Mailer;
  rateLimiter: RateLimiter;
  metrics: Metrics;
  apiKeys: ApiKeyService;
  auth: AuthFlows;
  connections: ConnectionService;
  sandbox: Sandbox;
  scriptRunner: ScriptRunner;
}
