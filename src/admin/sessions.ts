/**
 * Sessions of the admin console (DESIGN.md §5). The console signs in with an `admin_accounts` row; a
 * session is a random 256-bit token handed to the browser in an HttpOnly cookie and kept here only as its
 * SHA-256 digest, with an expiry. A console session is instance-wide, like the bootstrap API key.
 */
import type { Db } from '../store/index.js';
import type { PasswordHasher } from '../security/passwords.js';
import { digest, randomToken } from '../security/tokens.js';

/** How long a console session lasts from sign-in. */
export const CONSOLE_SESSION_TTL_SECONDS = 12 * 60 * 60;

export interface ConsoleSession {
  username: string;
  expiresAt: Date;
}

export interface IssuedConsoleSession extends ConsoleSession {
  /** The cookie value: shown once, stored only as its digest. */
  token: string;
}

export class ConsoleSessionService {
  constructor(
    private readonly db: Db,
    private readonly hasher: PasswordHasher,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * Verifies an admin's credentials and opens a session, or returns null. An unknown username costs the
   * same argon2 work as a wrong password, so timing does not tell which accounts exist.
   */
  async signIn(username: string, password: string): Promise<IssuedConsoleSession | null> {
    const account = await this.db
      .selectFrom('admin_accounts')
      .select(['username', 'password_hash'])
      .where('username', '=', username)
      .executeTakeFirst();
    const ok = account
      ? await this.hasher.verify(account.password_hash, password)
      : await this.hasher.verifyDummy(password);
    if (!account || !ok) return null;

    const token = randomToken(32);
    const expiresAt = new Date(this.now() + CONSOLE_SESSION_TTL_SECONDS * 1000);
    await this.db
      .insertInto('console_sessions')
      .values({ token_hash: digest(token), username: account.username, expires_at: expiresAt })
      .execute();
    // Expired sessions are swept at sign-in: rare enough to cost nothing, often enough to stay small.
    await this.db.deleteFrom('console_sessions').where('expires_at', '<', new Date(this.now())).execute();
    return { token, username: account.username, expiresAt };
  }

  /** The live session of a cookie token, or undefined when unknown or expired. */
  async find(token: string): Promise<ConsoleSession | undefined> {
    if (!token) return undefined;
    const row = await this.db
      .selectFrom('console_sessions')
      .select(['username', 'expires_at'])
      .where('token_hash', '=', digest(token))
      .where('expires_at', '>', new Date(this.now()))
      .executeTakeFirst();
    return row ? { username: row.username, expiresAt: new Date(row.expires_at) } : undefined;
  }

  async signOut(token: string): Promise<void> {
    if (!token) return;
    await this.db.deleteFrom('console_sessions').where('token_hash', '=', digest(token)).execute();
  }
}
