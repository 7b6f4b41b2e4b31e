/**
 * OpenID Connect authority per pool. PLACEHOLDER while the oidc-provider integration is being built:
 * the signature of createOidcAuthority is the contract.
 */
import type { Logger } from 'pino';
import type { Config } from '../config/index.js';
import type { Db } from '../store/index.js';
import type { SecretBox } from '../security/secret-box.js';
import type { PoolService } from '../pools/index.js';
import type { Authenticate, FindAccount, OidcAuthority } from './types.js';
import { AppError } from '../shared/errors.js';

export type { OidcAuthority } from './types.js';

export interface OidcOptions {
  config: Config;
  db: Db;
  secrets: SecretBox;
  logger: Logger;
  pools: PoolService;
  authenticate: Authenticate;
  findAccount: FindAccount;
}

export async function createOidcAuthority(_options: OidcOptions): Promise<OidcAuthority> {
  const unavailable = () => {
    throw new AppError(501, 'not_implemented', 'OpenID Connect is not available yet');
  };
  return {
    register: async () => {},
    passwordGrant: async () => unavailable(),
    verifyAccessToken: async () => unavailable(),
    close: async () => {},
  };
}
