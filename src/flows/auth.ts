/**
 * The self-service flows: authenticate (used by the login API, the password grant and the hosted login
 * page alike), register, password change and password reset. They speak to users only through the
 * pool's UserDirectory.
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { Db } from '../store/index.js';
import type { Pool } from '../pools/index.js';
import type { DirectoryResolver, RequestInfo, DirectoryContext } from '../directory/types.js';
import {
  identifierFromAccount,
  normalizeEmail,
  normalizePhone,
  type Identifier,
  type NewUser,
  type User,
} from '../directory/profile.js';
import { checkPasswordPolicy } from '../security/password-policy.js';
import { digest, randomToken } from '../security/tokens.js';
import { AppError, badRequest } from '../shared/errors.js';
import type { Credentials } from '../oidc/types.js';
import type { Metrics } from '../http/metrics.js';
import type { Mailer } from './mailer.js';
import { enforce, type RateLimiter, type RateLimitRules } from './rate-limit.js';

const RESET_TOKEN_TTL_MS = 30 * 60 * 1000;

export function identifierFromCredentials(credentials: Omit<Credentials, 'password'>): Identifier {
  const given = (['email', 'username', 'phone', 'account'] as const).filter(
    (k) => credentials[k] !== undefined,
  );
  if (given.length !== 1) {
    throw badRequest('Give exactly one of email, username, phone or account', 'invalid_identifier');
  }
  const kind = given[0]!;
  const value = credentials[kind]!;
  if (value.trim() === '') throw badRequest(`${kind} must not be empty`, 'invalid_identifier');
  switch (kind) {
    case 'email':
      return { kind, value: normalizeEmail(value) };
    case 'phone':
      return { kind, value: normalizePhone(value) };
    case 'username':
      return { kind, value };
    case 'account':
      return identifierFromAccount(value);
  }
}

export interface AuthFlowsOptions {
  db: Db;
  directories: DirectoryResolver;
  rateLimiter: RateLimiter;
  rateLimits: RateLimitRules;
  mailer: Mailer;
  metrics: Metrics;
  logger: Logger;
  /** Read at each use: the public URL may only be known once the server listens. */
  baseUrl: () => string;
}

export class AuthFlows {
  constructor(private readonly o: AuthFlowsOptions) {}

  #ctx(pool: Pool, request?: RequestInfo): DirectoryContext {
    return request ? { pool, request } : { pool };
  }

  #policy(pool: Pool, password: string): void {
    const problems = checkPasswordPolicy(password, pool.settings.passwordPolicy);
    if (problems.length > 0) {
      throw new AppError(400, 'weak_password', `The password must contain ${problems.join(', ')}`);
    }
  }

  /** Verifies credentials; the single rule set for every way of logging in. */
  authenticate = async (pool: Pool, credentials: Credentials, request: RequestInfo): Promise<User> => {
    const identifier = identifierFromCredentials(credentials);
    const count = (outcome: string) =>
      this.o.metrics.logins.inc({ pool: pool.slug, outcome, method: 'password' });
    try {
      await enforce(
        this.o.rateLimiter,
        `login:ip:${pool.id}:${request.ip ?? 'unknown'}`,
        this.o.rateLimits.loginPerIp,
      );
      await enforce(
        this.o.rateLimiter,
        `login:id:${pool.id}:${identifier.kind}:${identifier.value.toLowerCase()}`,
        this.o.rateLimits.loginPerIdentifier,
      );
    } catch (error) {
      count('rate_limited');
      throw error;
    }
    if (typeof credentials.password !== 'string' || credentials.password.length === 0) {
      count('invalid_credentials');
      throw new AppError(401, 'invalid_credentials', 'Wrong email, username, phone or password');
    }
    const directory = await this.o.directories.forPool(pool);
    try {
      const result = await directory.authenticate(this.#ctx(pool, request), identifier, credentials.password);
      if (result.ok) {
        count('success');
        return result.user;
      }
      count(result.reason);
      if (result.reason === 'blocked') throw new AppError(403, 'user_blocked', 'This account is blocked');
      throw new AppError(
        401,
        'invalid_credentials',
        result.message ?? 'Wrong email, username, phone or password',
      );
    } catch (error) {
      if (!(error instanceof AppError)) count('error');
      throw error;
    }
  };

  findAccount = async (pool: Pool, subject: string): Promise<User | null> => {
    const directory = await this.o.directories.forPool(pool);
    return directory.findById(this.#ctx(pool), subject);
  };

  async register(pool: Pool, input: NewUser & { password: string }, request: RequestInfo): Promise<User> {
    if (!pool.settings.registrationEnabled) {
      throw new AppError(403, 'registration_disabled', 'Registration is closed for this user pool');
    }
    await enforce(
      this.o.rateLimiter,
      `register:ip:${pool.id}:${request.ip ?? 'unknown'}`,
      this.o.rateLimits.registerPerIp,
    );
    if (!input.email && !input.username && !input.phone) {
      throw badRequest('Give at least one of email, username or phone', 'invalid_identifier');
    }
    this.#policy(pool, input.password);
    const directory = await this.o.directories.forPool(pool);
    // Self-service registration must not let users mark their own contact details as verified.
    const { emailVerified: _e, phoneVerified: _p, blocked: _b, ...profile } = input;
    try {
      const user = await directory.create(this.#ctx(pool, request), profile);
      this.o.metrics.registrations.inc({ pool: pool.slug, outcome: 'success' });
      return user;
    } catch (error) {
      this.o.metrics.registrations.inc({
        pool: pool.slug,
        outcome: error instanceof AppError ? error.code : 'error',
      });
      throw error;
    }
  }

  async changePassword(
    pool: Pool,
    userId: string,
    oldPassword: string,
    newPassword: string,
    request: RequestInfo,
  ): Promise<void> {
    const directory = await this.o.directories.forPool(pool);
    const ctx = this.#ctx(pool, request);
    if (!(await directory.checkPassword(ctx, userId, oldPassword))) {
      throw new AppError(401, 'invalid_credentials', 'The current password is wrong');
    }
    this.#policy(pool, newPassword);
    await directory.setPassword(ctx, userId, newPassword);
  }

  /**
   * Sends a reset link when the email belongs to a user. Answers the same either way, so the endpoint
   * does not reveal which addresses have accounts.
   */
  async requestPasswordReset(pool: Pool, email: string, request: RequestInfo): Promise<void> {
    await enforce(
      this.o.rateLimiter,
      `reset:ip:${pool.id}:${request.ip ?? 'unknown'}`,
      this.o.rateLimits.loginPerIp,
    );
    const identifier: Identifier = { kind: 'email', value: normalizeEmail(email) };
    const directory = await this.o.directories.forPool(pool);
    const user = await directory.findByIdentifier(this.#ctx(pool, request), identifier);
    if (!user || user.blocked || !user.email) return;
    const token = randomToken(32);
    await this.o.db
      .insertInto('password_resets')
      .values({
        id: randomUUID(),
        pool_id: pool.id,
        user_id: user.id,
        token_hash: digest(token),
        expires_at: new Date(Date.now() + RESET_TOKEN_TTL_MS),
      })
      .execute();
    const link = `${this.o.baseUrl()}/oidc/${pool.slug}/password/reset?token=${token}`;
    await this.o.mailer.send({
      poolId: pool.id,
      to: user.email,
      subject: `Reset your ${pool.name} password`,
      text: `Someone asked to reset the password of ${user.email}.\n\nReset token: ${token}\nLink: ${link}\n\nThe token expires in 30 minutes. If it was not you, ignore this mail.`,
    });
  }

  async resetPassword(pool: Pool, token: string, newPassword: string, request: RequestInfo): Promise<void> {
    this.#policy(pool, newPassword);
    // Claims the token atomically, so it can be used once even under concurrent requests.
    const claimed = await this.o.db
      .updateTable('password_resets')
      .set({ used_at: new Date() })
      .where('pool_id', '=', pool.id)
      .where('token_hash', '=', digest(token))
      .where('used_at', 'is', null)
      .where('expires_at', '>', new Date())
      .returning(['user_id'])
      .executeTakeFirst();
    if (!claimed) throw new AppError(400, 'invalid_token', 'The reset token is invalid, used or expired');
    const directory = await this.o.directories.forPool(pool);
    await directory.setPassword(this.#ctx(pool, request), claimed.user_id, newPassword);
  }
}
