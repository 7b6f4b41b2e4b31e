/**
 * The management API's user routes, as one suite run against the embedded store (users.test.ts) and
 * against PostgreSQL (users.postgres.test.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestGatehouse } from '../helpers/gatehouse.js';
import { AppError } from '../../src/shared/errors.js';

export function userSuite(label: string, start: () => Promise<TestGatehouse | undefined>): void {
  describe(`management API: users (${label})`, () => {
    let gh: TestGatehouse;
    beforeAll(async () => {
      const started = await start();
      if (started) gh = started;
    });
    afterAll(async () => {
      await gh?.close();
    });

    const users = (pool = 'default') => `/api/v1/pools/${pool}/users`;
    const create = (body: Record<string, unknown>, pool = 'default') =>
      gh.api(users(pool), { method: 'POST', body });
    const login = async (credentials: { email: string; password: string }) => {
      const pool = await gh.services.pools.get('default');
      return gh.services.auth.authenticate(pool, credentials, { ip: null });
    };
    const loginError = async (credentials: { email: string; password: string }) => {
      try {
        await login(credentials);
      } catch (error) {
        return error as AppError;
      }
      throw new Error('login succeeded');
    };

    it('creates a user with a password, never returning it, and gets it back', async () => {
      const res = await create({
        email: 'Alice@Example.com',
        username: 'alice',
        phone: '+1 (415) 555-2671',
        nickname: 'Wonderland',
        password: 'correct horse battery',
        customData: { plan: 'pro' },
      });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({
        email: 'Alice@Example.com',
        username: 'alice',
        phone: '+14155552671',
        nickname: 'Wonderland',
        blocked: false,
        customData: { plan: 'pro' },
      });
      expect(JSON.stringify(res.body)).not.toMatch(/password|argon2/i);
      const got = await gh.api(`${users()}/${res.body.id}`);
      expect(got.status).toBe(200);
      expect(got.body).toEqual(res.body);
      // the management API set a usable password
      expect((await login({ email: 'alice@example.com', password: 'correct horse battery' })).id).toBe(
        res.body.id,
      );
    });

    it('creates a user without a password', async () => {
      const res = await create({ username: 'no-password' });
      expect(res.status).toBe(201);
      expect(res.body.username).toBe('no-password');
    });

    it('needs an identifier and applies the password policy', async () => {
      const none = await create({ nickname: 'nobody' });
      expect(none.status).toBe(400);
      expect(none.body.error.code).toBe('invalid_identifier');
      const weak = await create({ email: 'weak@example.com', password: 'short' });
      expect(weak.status).toBe(400);
      expect(weak.body.error.code).toBe('weak_password');
      const badPhone = await create({ phone: 'not a phone' });
      expect(badPhone.status).toBe(400);
      const badEmail = await create({ email: 'no-at-sign' });
      expect(badEmail.status).toBe(400);
    });

    it('keeps email unique case-insensitively, username case-sensitively, phone as E.164, per pool', async () => {
      const email = await create({ email: 'ALICE@example.COM' });
      expect(email.status).toBe(409);
      expect(email.body.error.code).toBe('user_exists');
      const username = await create({ username: 'alice' });
      expect(username.status).toBe(409);
      expect(username.body.error.code).toBe('user_exists');
      const otherCase = await create({ username: 'Alice' });
      expect(otherCase.status).toBe(201);
      const phone = await create({ phone: '+14155552671' });
      expect(phone.status).toBe(409);
      expect(phone.body.error.code).toBe('user_exists');

      const pool = await gh.api('/api/v1/pools', { method: 'POST', body: { slug: 'second-pool' } });
      expect(pool.status).toBe(201);
      const elsewhere = await create(
        { email: 'alice@example.com', username: 'alice', phone: '+14155552671' },
        'second-pool',
      );
      expect(elsewhere.status).toBe(201);
      // each pool sees only its own users
      const list = await gh.api(`${users('second-pool')}`);
      expect(list.body.totalCount).toBe(1);
      expect(list.body.list[0].id).toBe(elsewhere.body.id);
      const crossPool = await gh.api(`${users()}/${elsewhere.body.id}`);
      expect(crossPool.status).toBe(404);
      expect(crossPool.body.error.code).toBe('user_not_found');
    });

    it('lists users a page at a time with the total count', async () => {
      for (let i = 0; i < 5; i++) {
        expect((await create({ username: `pager-${i}`, email: `pager-${i}@example.org` })).status).toBe(201);
      }
      const all = await gh.api(`${users()}?limit=100`);
      expect(all.status).toBe(200);
      expect(all.body.totalCount).toBe(all.body.list.length);
      expect(all.body.totalCount).toBeGreaterThanOrEqual(8);

      const seen = new Set<string>();
      for (const page of [1, 2, 3]) {
        const res = await gh.api(`${users()}?q=pager-&page=${page}&limit=2`);
        expect(res.status).toBe(200);
        expect(res.body.totalCount).toBe(5);
        expect(res.body.list).toHaveLength(page === 3 ? 1 : 2);
        for (const user of res.body.list) seen.add(user.id);
      }
      expect(seen.size).toBe(5);
      const beyond = await gh.api(`${users()}?q=pager-&page=4&limit=2`);
      expect(beyond.body).toEqual({ totalCount: 5, list: [] });
      // default page size
      expect((await gh.api(users())).body.list.length).toBeLessThanOrEqual(20);
    });

    it('searches by email, username and nickname with q', async () => {
      const byEmail = await gh.api(`${users()}?q=${encodeURIComponent('ALICE@EXAMPLE')}`);
      expect(byEmail.body.list.map((u: { username: string }) => u.username)).toEqual(['alice']);
      const byUsername = await gh.api(`${users()}?q=pager-3`);
      expect(byUsername.body.totalCount).toBe(1);
      expect(byUsername.body.list[0].username).toBe('pager-3');
      const byNickname = await gh.api(`${users()}?q=wonder`);
      expect(byNickname.body.totalCount).toBe(1);
      expect(byNickname.body.list[0].nickname).toBe('Wonderland');
      const nothing = await gh.api(`${users()}?q=${encodeURIComponent('%_nobody_%')}`);
      expect(nothing.body).toEqual({ totalCount: 0, list: [] });
    });

    it('updates profile fields, clears them with null, and sets a password', async () => {
      const { body: user } = await create({ email: 'bob@example.com', nickname: 'Bobby' });
      const res = await gh.api(`${users()}/${user.id}`, {
        method: 'PATCH',
        body: { nickname: null, givenName: 'Robert', emailVerified: true, phone: '+44 20 7946 0958' },
      });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        id: user.id,
        nickname: null,
        givenName: 'Robert',
        emailVerified: true,
        phone: '+442079460958',
      });

      const weak = await gh.api(`${users()}/${user.id}`, { method: 'PATCH', body: { password: 'x' } });
      expect(weak.status).toBe(400);
      expect(weak.body.error.code).toBe('weak_password');
      const withPassword = await gh.api(`${users()}/${user.id}`, {
        method: 'PATCH',
        body: { password: 'a brand new password' },
      });
      expect(withPassword.status).toBe(200);
      expect(withPassword.body.givenName).toBe('Robert');
      expect((await login({ email: 'bob@example.com', password: 'a brand new password' })).id).toBe(user.id);

      const clash = await gh.api(`${users()}/${user.id}`, {
        method: 'PATCH',
        body: { email: 'ALICE@example.com' },
      });
      expect(clash.status).toBe(409);
      expect(clash.body.error.code).toBe('user_exists');
      const noIdentifier = await gh.api(`${users()}/${user.id}`, {
        method: 'PATCH',
        body: { email: null, phone: null },
      });
      expect(noIdentifier.status).toBe(400);
      expect(noIdentifier.body.error.code).toBe('invalid_identifier');
    });

    it('blocks and unblocks a user; a blocked user cannot log in', async () => {
      const credentials = { email: 'carol@example.com', password: 'carol password 1' };
      const { body: user } = await create(credentials);
      const url = `${users()}/${user.id}`;

      const blocked = await gh.api(`${url}/block`, { method: 'POST' });
      expect(blocked.status).toBe(200);
      expect(blocked.body.blocked).toBe(true);
      const error = await loginError(credentials);
      expect(error).toBeInstanceOf(AppError);
      expect({ status: error.status, code: error.code }).toEqual({ status: 403, code: 'user_blocked' });

      const unblocked = await gh.api(`${url}/unblock`, { method: 'POST' });
      expect(unblocked.body.blocked).toBe(false);
      expect((await login(credentials)).id).toBe(user.id);

      const patched = await gh.api(url, { method: 'PATCH', body: { blocked: true } });
      expect(patched.body.blocked).toBe(true);
      expect((await loginError(credentials)).code).toBe('user_blocked');
      expect((await gh.api(url)).body.blocked).toBe(true);
    });

    it('deletes a user', async () => {
      const { body: user } = await create({ username: 'to-delete' });
      const url = `${users()}/${user.id}`;
      const res = await gh.api(url, { method: 'DELETE' });
      expect(res.status).toBe(204);
      expect(res.body).toBeNull();
      for (const init of [{}, { method: 'DELETE' }, { method: 'PATCH', body: { nickname: 'x' } }]) {
        const gone = await gh.api(url, init);
        expect(gone.status).toBe(404);
        expect(gone.body.error.code).toBe('user_not_found');
      }
      for (const action of ['block', 'unblock']) {
        const gone = await gh.api(`${url}/${action}`, { method: 'POST' });
        expect(gone.status).toBe(404);
        expect(gone.body.error.code).toBe('user_not_found');
      }
    });

    it('rejects bad input on the user routes', async () => {
      const { body: user } = await create({ username: 'input-checks' });
      const url = `${users()}/${user.id}`;
      const cases: Array<[string, string, unknown, number, string]> = [
        ['POST', users(), '{"username": "x", ', 400, 'malformed_json'],
        ['POST', users(), { username: 42 }, 400, 'validation_failed'],
        ['POST', users(), { username: 'y', isAdmin: true }, 400, 'validation_failed'],
        ['POST', users(), { username: '' }, 400, 'validation_failed'],
        ['POST', users(), { username: 'z', blocked: 'yes' }, 400, 'validation_failed'],
        ['PATCH', url, '{', 400, 'malformed_json'],
        ['PATCH', url, { emailVerified: 'true' }, 400, 'validation_failed'],
        ['PATCH', url, { id: 'other-id' }, 400, 'validation_failed'],
        ['PATCH', url, { loginsCount: 5 }, 400, 'validation_failed'],
        ['PATCH', url, { gender: 'X' }, 400, 'validation_failed'],
        ['POST', users('nope'), { username: 'x' }, 404, 'pool_not_found'],
        ['PATCH', `${users()}/no-such-user`, { nickname: 'x' }, 404, 'user_not_found'],
      ];
      for (const [method, path, body, status, code] of cases) {
        const res = await gh.api(path, { method, body });
        expect({ method, path, body, status: res.status, code: res.body?.error?.code }).toEqual({
          method,
          path,
          body,
          status,
          code,
        });
      }
      for (const query of ['page=0', 'limit=0', 'limit=101', 'page=abc', 'sort=name']) {
        const res = await gh.api(`${users()}?${query}`);
        expect(res.status, query).toBe(400);
        expect(res.body.error.code).toBe('validation_failed');
      }
      expect((await gh.api(`${users('nope')}`)).body.error.code).toBe('pool_not_found');
      expect((await gh.api(`${users()}/no-such-user`)).body.error.code).toBe('user_not_found');
      const huge = await gh.api(users(), {
        method: 'POST',
        body: { username: 'huge', nickname: 'n'.repeat(1024 * 1024 + 10) },
      });
      expect(huge.status).toBe(413);
      expect(huge.body.error.code).toBe('payload_too_large');
    });
  });
}
