import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startGatehouse, type TestGatehouse } from '../helpers/gatehouse.js';
import type { Pool } from '../../src/pools/index.js';
import { identifierFromCredentials } from '../../src/flows/auth.js';

let gh: TestGatehouse;
let pool: Pool;
const request = { ip: '203.0.113.9' };

beforeAll(async () => {
  gh = await startGatehouse({}, { rateLimits: { loginPerIdentifier: { max: 3, windowSeconds: 60 } } });
  pool = await gh.services.pools.get('default');
});
afterAll(async () => {
  await gh?.close();
});

describe('identifiers', () => {
  it('reads account as email, phone or username', () => {
    expect(identifierFromCredentials({ account: 'Ada@Example.com' })).toEqual({
      kind: 'email',
      value: 'Ada@Example.com',
    });
    expect(identifierFromCredentials({ account: '+44 20 7946 0958' })).toEqual({
      kind: 'phone',
      value: '+442079460958',
    });
    expect(identifierFromCredentials({ account: 'ada_l' })).toEqual({ kind: 'username', value: 'ada_l' });
    expect(identifierFromCredentials({ phone: '+1 415 555 2671' })).toEqual({
      kind: 'phone',
      value: '+14155552671',
    });
  });

  it('needs exactly one identifier', () => {
    expect(() => identifierFromCredentials({})).toThrow(/exactly one/);
    expect(() => identifierFromCredentials({ email: 'a@b.c', username: 'a' })).toThrow(/exactly one/);
    expect(() => identifierFromCredentials({ phone: 'not a phone' })).toThrow(/phone number/);
  });
});

describe('registration and login', () => {
  it('registers, then logs in by email (any case), username and account', async () => {
    const user = await gh.services.auth.register(
      pool,
      { email: 'Lin@Example.com', username: 'lin', password: 'a fine passphrase', emailVerified: true },
      request,
    );
    // Self-service registration cannot mark an address verified.
    expect(user.emailVerified).toBe(false);
    for (const credentials of [
      { email: 'lin@example.com' },
      { username: 'lin' },
      { account: 'LIN@example.com' },
    ]) {
      const loggedIn = await gh.services.auth.authenticate(
        pool,
        { ...credentials, password: 'a fine passphrase' },
        request,
      );
      expect(loggedIn.id).toBe(user.id);
    }
    const again = await gh.services.auth.findAccount(pool, user.id);
    expect(again?.loginsCount).toBe(3);
    expect(again?.lastIp).toBe('203.0.113.9');
  });

  it('rejects a duplicate registration with 409', async () => {
    await expect(
      gh.services.auth.register(pool, { email: 'LIN@example.com', password: 'another passphrase' }, request),
    ).rejects.toMatchObject({ status: 409, code: 'user_exists' });
  });

  it('applies the pool password policy', async () => {
    await expect(
      gh.services.auth.register(pool, { email: 'short@example.com', password: 'short' }, request),
    ).rejects.toMatchObject({
      status: 400,
      code: 'weak_password',
    });
    const strict = await gh.services.pools.update('default', {
      settings: {
        passwordPolicy: {
          minLength: 8,
          maxLength: 256,
          requireDigit: true,
          requireSymbol: true,
          requireUppercase: false,
          requireLowercase: false,
        },
      },
    });
    await expect(
      gh.services.auth.register(strict, { email: 'weak@example.com', password: 'lettersonly' }, request),
    ).rejects.toThrow(/a digit, a symbol/);
    await gh.services.pools.update('default', {
      settings: {
        passwordPolicy: { ...strict.settings.passwordPolicy, requireDigit: false, requireSymbol: false },
      },
    });
  });

  it('answers a wrong password and an unknown user the same way, doing the hashing work for both', async () => {
    const dummy = vi.spyOn(gh.services.hasher, 'verifyDummy');
    const verify = vi.spyOn(gh.services.hasher, 'verify');
    const wrong = gh.services.auth.authenticate(
      pool,
      { email: 'lin@example.com', password: 'wrong password' },
      { ip: '198.51.100.1' },
    );
    await expect(wrong).rejects.toMatchObject({ status: 401, code: 'invalid_credentials' });
    expect(verify).toHaveBeenCalledTimes(1);
    const unknown = gh.services.auth.authenticate(
      pool,
      { email: 'nobody@example.com', password: 'wrong password' },
      { ip: '198.51.100.1' },
    );
    await expect(unknown).rejects.toMatchObject({
      status: 401,
      code: 'invalid_credentials',
      message: (await wrong.catch((e) => e)).message,
    });
    expect(dummy).toHaveBeenCalledTimes(1);
    dummy.mockRestore();
    verify.mockRestore();
  });

  it('refuses blocked users, after checking the password', async () => {
    const user = await gh.services.auth.register(
      pool,
      { username: 'blocky', password: 'a fine passphrase' },
      request,
    );
    const directory = await gh.services.directories.forPool(pool);
    await directory.update({ pool }, user.id, { blocked: true });
    await expect(
      gh.services.auth.authenticate(pool, { username: 'blocky', password: 'a fine passphrase' }, request),
    ).rejects.toMatchObject({
      status: 403,
      code: 'user_blocked',
    });
    await expect(
      gh.services.auth.authenticate(pool, { username: 'blocky', password: 'wrong one!' }, request),
    ).rejects.toMatchObject({
      status: 401,
    });
  });

  it('rate-limits attempts per identifier with a clear 429', async () => {
    const attempt = () =>
      gh.services.auth.authenticate(
        pool,
        { username: 'target', password: 'guess guess' },
        { ip: '192.0.2.1' },
      );
    for (let i = 0; i < 3; i++) await expect(attempt()).rejects.toMatchObject({ status: 401 });
    await expect(attempt()).rejects.toMatchObject({ status: 429, code: 'rate_limited' });
    // Another identifier from the same address is not affected.
    await expect(
      gh.services.auth.authenticate(
        pool,
        { username: 'lin', password: 'a fine passphrase' },
        { ip: '192.0.2.1' },
      ),
    ).resolves.toMatchObject({ username: 'lin' });
  });
});

describe('passwords', () => {
  it('changes a password after checking the old one', async () => {
    const user = await gh.services.auth.register(
      pool,
      { email: 'change@example.com', password: 'first passphrase' },
      request,
    );
    await expect(
      gh.services.auth.changePassword(pool, user.id, 'not the old one', 'second passphrase', request),
    ).rejects.toMatchObject({ status: 401 });
    await gh.services.auth.changePassword(pool, user.id, 'first passphrase', 'second passphrase', request);
    await expect(
      gh.services.auth.authenticate(
        pool,
        { email: 'change@example.com', password: 'second passphrase' },
        request,
      ),
    ).resolves.toMatchObject({ id: user.id });
  });

  it('resets a password with a mailed one-time token', async () => {
    await gh.services.auth.register(
      pool,
      { email: 'reset@example.com', password: 'forgotten passphrase' },
      request,
    );
    await gh.services.auth.requestPasswordReset(pool, 'RESET@example.com', request);
    // Unknown addresses answer the same and send nothing.
    await gh.services.auth.requestPasswordReset(pool, 'ghost@example.com', request);
    const mails = await gh.services.mailer.outbox(pool.id);
    expect(mails.map((m) => m.to)).toEqual(['reset@example.com']);
    const token = /Reset token: (\S+)/.exec(mails[0]!.text)![1]!;
    await gh.services.auth.resetPassword(pool, token, 'remembered passphrase', request);
    await expect(
      gh.services.auth.resetPassword(pool, token, 'again passphrase', request),
    ).rejects.toMatchObject({
      status: 400,
      code: 'invalid_token',
    });
    await expect(
      gh.services.auth.authenticate(
        pool,
        { email: 'reset@example.com', password: 'remembered passphrase' },
        request,
      ),
    ).resolves.toMatchObject({ email: 'reset@example.com' });
  });
});
