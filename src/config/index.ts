/**
 * Configuration from the environment (README "Configuration"). Parsed once at start; everything else
 * receives a Config object instead of reading process.env, so tests can build one directly.
 */
import path from 'node:path';

export interface PasswordHashingParams {
  /** argon2id memory cost in KiB. */
  memoryCost: number;
  timeCost: number;
  parallelism: number;
}

export interface Config {
  port: number;
  host: string;
  /** Public base URL, used for OIDC issuers and links in mails. No trailing slash. */
  baseUrl: string;
  dataDir: string;
  /** PostgreSQL URL; when absent the embedded PGlite store in dataDir is used. */
  databaseUrl?: string;
  redisUrl?: string;
  /** Base64 or hex 32-byte key for secrets at rest; when absent a key file in dataDir is used. */
  secretKey?: string;
  smtpUrl?: string;
  mailFrom: string;
  production: boolean;
  bootstrapApiKey?: string;
  adminPassword?: string;
  argon2: PasswordHashingParams;
  /** Password hashes run at once; 0 means libuv's thread pool size. */
  argon2Concurrency: number;
  /** Pin the event loop and the sandbox children's to this CPU (src/sandbox/affinity.ts); null: don't. */
  eventLoopCpu: number | null;
  logLevel: string;
  /** Trust X-Forwarded-* headers (set when behind a reverse proxy). */
  trustProxy: boolean;
  /** Attempts allowed: logins per IP per minute, per identifier per 5 minutes; registrations per IP per hour. */
  rateLimits: {
    loginPerIpPerMinute: number;
    loginPerIdentifierPer5Minutes: number;
    registerPerIpPerHour: number;
  };
}

/** OWASP password storage cheat sheet: argon2id, m=19 MiB, t=2, p=1 is the minimum recommended setting. */
export const OWASP_ARGON2: PasswordHashingParams = { memoryCost: 19_456, timeCost: 2, parallelism: 1 };

function intFrom(value: string | undefined, fallback: number, name: string): number {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0)
    throw new Error(`${name} must be a non-negative integer, got "${value}"`);
  return n;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const port = intFrom(env.PORT, 3000, 'PORT');
  const host = env.HOST || '0.0.0.0';
  const baseUrl = (env.GATEHOUSE_BASE_URL || `http://localhost:${port}`).replace(/\/+$/, '');
  return {
    port,
    host,
    baseUrl,
    dataDir: path.resolve(env.GATEHOUSE_DATA_DIR || './data'),
    databaseUrl: env.DATABASE_URL || undefined,
    redisUrl: env.REDIS_URL || undefined,
    secretKey: env.GATEHOUSE_SECRET_KEY || undefined,
    smtpUrl: env.SMTP_URL || undefined,
    mailFrom: env.MAIL_FROM || 'Gatehouse <no-reply@localhost>',
    production: env.NODE_ENV === 'production',
    bootstrapApiKey: env.GATEHOUSE_BOOTSTRAP_API_KEY || undefined,
    adminPassword: env.GATEHOUSE_ADMIN_PASSWORD || undefined,
    argon2: {
      memoryCost: intFrom(
        env.GATEHOUSE_ARGON2_MEMORY_KIB,
        OWASP_ARGON2.memoryCost,
        'GATEHOUSE_ARGON2_MEMORY_KIB',
      ),
      timeCost: intFrom(env.GATEHOUSE_ARGON2_TIME_COST, OWASP_ARGON2.timeCost, 'GATEHOUSE_ARGON2_TIME_COST'),
      parallelism: intFrom(
        env.GATEHOUSE_ARGON2_PARALLELISM,
        OWASP_ARGON2.parallelism,
        'GATEHOUSE_ARGON2_PARALLELISM',
      ),
    },
    argon2Concurrency: intFrom(env.GATEHOUSE_ARGON2_CONCURRENCY, 0, 'GATEHOUSE_ARGON2_CONCURRENCY'),
    eventLoopCpu: env.GATEHOUSE_EVENT_LOOP_CPU
      ? intFrom(env.GATEHOUSE_EVENT_LOOP_CPU, 0, 'GATEHOUSE_EVENT_LOOP_CPU')
      : null,
    logLevel: env.LOG_LEVEL || 'info',
    trustProxy: env.GATEHOUSE_TRUST_PROXY === 'true',
    rateLimits: {
      loginPerIpPerMinute: intFrom(env.GATEHOUSE_RATE_LOGIN_PER_IP, 60, 'GATEHOUSE_RATE_LOGIN_PER_IP'),
      loginPerIdentifierPer5Minutes: intFrom(
        env.GATEHOUSE_RATE_LOGIN_PER_IDENTIFIER,
        10,
        'GATEHOUSE_RATE_LOGIN_PER_IDENTIFIER',
      ),
      registerPerIpPerHour: intFrom(env.GATEHOUSE_RATE_REGISTER_PER_IP, 10, 'GATEHOUSE_RATE_REGISTER_PER_IP'),
    },
  };
}
