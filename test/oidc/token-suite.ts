/**
 * The token side of the OpenID Connect authority, as one suite run against the embedded store
 * (tokens.test.ts) and against PostgreSQL (tokens.postgres.test.ts): discovery, JWKS, the password grant
 * at /token and in-process, refresh, userinfo, revocation, bad tokens, key rotation.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify, type JSONWebKeySet } from 'jose';
import type { TestGatehouse } from '../helpers/gatehouse.js';
import type { Pool } from '../../src/pools/index.js';
import { AppError } from '../../src/shared/errors.js';
import { deleteExpiredOidcPayloads } from '../../src/store/queries/oidc-payloads.js';

const PASSWORD = 'correct horse battery staple';

export function tokenSuite(label: string, start: () => Promise<TestGatehouse | undefined>): void {
  describe(`OIDC tokens (${label})`, () => {
    let gh: TestGatehouse;
    let pool: Pool;
    let issuer: string;

    beforeAll(async () => {
      const started = await start();
      if (!started) return;
      gh = started;
      pool = await gh.services.pools.get('default');
      issuer = `${gh.url}/oidc/default`;
      const res = await gh.api('/api/v1/pools/default/auth/register', {
        method: 'POST',
        body: { email: 'ada@example.com', password: PASSWORD, name: 'Ada Lovelace', givenName: 'Ada' },
      });
      expect(res.status).toBe(201);
      // One user per test below, as the suite's node allows few logins per identifier.
      const directory = await gh.services.directories.forPool(pool);
      for (const name of ['grace', 'limited', 'refresh', 'revoke', 'forged', 'pools', 'rotate']) {
        await directory.create({ pool }, { email: `${name}@example.com`, password: PASSWORD });
      }
    });
    afterAll(async () => {
      await gh?.close();
    });

    const form = (params: Record<string, string>, headers: Record<string, string> = {}) =>
      fetch(`${issuer}/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
        body: new URLSearchParams(params).toString(),
      }).then(async (r) => ({
        status: r.status,
        // eslint-disable-next-line @typescript-eslint/no-explicit-any
        body: (await r.json()) as Record<string, any>,
        headers: r.headers,
      }));

    const firstPartyId = async () => {
      const list = await gh.api('/api/v1/pools/default/applications');
      return (list.body.list as Array<{ id: string; firstParty: boolean }>).find((a) => a.firstParty)!.id;
    };

    const jwks = async () => (await (await fetch(`${issuer}/jwks`)).json()) as JSONWebKeySet;

    const userinfo = (token: string) =>
      fetch(`${issuer}/me`, { headers: { authorization: `Bearer ${token}` } }).then(async (r) => ({
        status: r.status,
        body: await r.text(),
        wwwAuthenticate: r.headers.get('www-authenticate') ?? '',
      }));

    const login = (email = 'ada@example.com', password = PASSWORD) =>
      gh.services.oidc.passwordGrant(pool, { email, password }, { ip: '203.0.113.7' });

    async function errorOf(promise: Promise<unknown>): Promise<AppError> {
      try {
        await promise;
      } catch (error) {
        if (error instanceof AppError) return error;
        throw error;
      }
      throw new Error('expected an AppError');
    }

    it('publishes discovery and a JWKS with public keys only', async () => {
      const res = await fetch(`${issuer}/.well-known/openid-configuration`);
      expect(res.status).toBe(200);
      const doc = (await res.json()) as Record<string, unknown>;
      expect(doc.issuer).toBe(issuer);
      expect(doc.token_endpoint).toBe(`${issuer}/token`);
      expect(doc.userinfo_endpoint).toBe(`${issuer}/me`);
      expect(doc.end_session_endpoint).toBe(`${issuer}/session/end`);
      expect(doc.revocation_endpoint).toBe(`${issuer}/token/revocation`);
      expect(doc.code_challenge_methods_supported).toEqual(['S256']);
      expect(doc.grant_types_supported).toEqual(
        expect.arrayContaining(['authorization_code', 'refresh_token', 'password']),
      );
      expect(doc.scopes_supported).toEqual(
        expect.arrayContaining(['openid', 'profile', 'email', 'offline_access']),
      );
      const keys = (await jwks()).keys;
      expect(keys.map((k) => k.alg).sort()).toEqual(['ES256', 'RS256']);
      for (const key of keys) {
        expect(key).not.toHaveProperty('d');
        expect(key).not.toHaveProperty('p');
      }
    });

    it('answers 404 pool_not_found for an unknown pool', async () => {
      const res = await gh.api('/oidc/no-such-pool/.well-known/openid-configuration');
      expect(res.status).toBe(404);
      expect(res.body).toEqual({ error: { code: 'pool_not_found', message: expect.any(String) } });
    });

    it('issues tokens through passwordGrant() that verifyAccessToken and userinfo accept', async () => {
      const { tokens, user } = await login();
      expect(user.email).toBe('ada@example.com');
      expect(tokens.token_type).toBe('Bearer');
      expect(tokens.expires_in).toBe(pool.settings.accessTokenTtlSeconds);
      expect(tokens.refresh_token).toEqual(expect.any(String));
      const info = await gh.services.oidc.verifyAccessToken(pool, tokens.access_token);
      expect(info.subject).toBe(user.id);
      expect(info.clientId).toBe(await firstPartyId());
      expect(info.scope.split(' ')).toEqual(expect.arrayContaining(['openid', 'email', 'profile']));
      expect(info.expiresAt).toBeGreaterThan(Date.now() / 1000);

      const { payload, protectedHeader } = await jwtVerify(tokens.id_token, createLocalJWKSet(await jwks()), {
        issuer,
        audience: info.clientId,
      });
      expect(protectedHeader.alg).toBe('ES256'); // the automatic first-party application's choice
      expect(payload).toMatchObject({
        sub: user.id,
        email: 'ada@example.com',
        name: 'Ada Lovelace',
        given_name: 'Ada',
      });
      expect(payload.amr).toEqual(['pwd']);

      const me = await userinfo(tokens.access_token);
      expect(me.status).toBe(200);
      expect(JSON.parse(me.body)).toMatchObject({
        sub: user.id,
        email: 'ada@example.com',
        email_verified: false,
      });

      const api = await gh.api('/api/v1/pools/default/auth/me', {
        headers: { authorization: `Bearer ${tokens.access_token}` },
      });
      expect(api.status).toBe(200);
      expect(api.body.id).toBe(user.id);
    });

    it('runs the password grant at /token for the first-party client, with OAuth errors', async () => {
      const client_id = await firstPartyId();
      const ok = await form({
        grant_type: 'password',
        client_id,
        username: 'grace@example.com',
        password: PASSWORD,
        scope: 'openid email',
      });
      expect(ok.status).toBe(200);
      expect(ok.body).toMatchObject({
        token_type: 'Bearer',
        scope: 'openid email',
        access_token: expect.any(String),
      });
      expect(ok.body.id_token).toEqual(expect.any(String));
      expect(ok.body.refresh_token).toEqual(expect.any(String));
      const info = await gh.services.oidc.verifyAccessToken(pool, ok.body.access_token);
      expect(info.scope).toBe('openid email');

      const wrong = await form({
        grant_type: 'password',
        client_id,
        username: 'grace@example.com',
        password: 'wrong password!',
      });
      expect(wrong.status).toBe(400);
      expect(wrong.body).toEqual({
        error: 'invalid_grant',
        error_description: 'Wrong email, username, phone or password',
      });

      const missing = await form({ grant_type: 'password', client_id, username: 'grace@example.com' });
      expect(missing.status).toBe(400);
      expect(missing.body.error).toBe('invalid_request');

      const badScope = await form({
        grant_type: 'password',
        client_id,
        username: 'grace@example.com',
        password: PASSWORD,
        scope: 'openid admin',
      });
      expect(badScope.status).toBe(400);
      expect(badScope.body.error).toBe('invalid_scope');
    });

    it('refuses the password grant to applications that are not first party', async () => {
      const created = await gh.api('/api/v1/pools/default/applications', {
        method: 'POST',
        body: { name: 'Third party', redirect_uris: ['https://rp.example/cb'] },
      });
      expect(created.status).toBe(201);
      const { id, client_secret } = created.body;
      const basic = `Basic ${Buffer.from(`${id}:${client_secret}`).toString('base64')}`;
      const res = await form(
        { grant_type: 'password', username: 'ada@example.com', password: PASSWORD },
        { authorization: basic },
      );
      expect(res.status).toBe(400);
      expect(['unauthorized_client', 'invalid_request']).toContain(res.body.error);

      const inProcess = await errorOf(
        gh.services.oidc.passwordGrant(
          pool,
          { email: 'ada@example.com', password: PASSWORD },
          { ip: null },
          { clientId: id },
        ),
      );
      expect(inProcess.status).toBe(400);
      expect(inProcess.code).toBe('unauthorized_client');
    });

    it('returns the flows errors unchanged from passwordGrant()', async () => {
      const wrong = await errorOf(login('ada@example.com', 'not the password'));
      expect([wrong.status, wrong.code]).toEqual([401, 'invalid_credentials']);

      const directory = await gh.services.directories.forPool(pool);
      await directory.create({ pool }, { email: 'blocked@example.com', password: PASSWORD, blocked: true });
      const blocked = await errorOf(login('blocked@example.com'));
      expect([blocked.status, blocked.code]).toEqual([403, 'user_blocked']);

      const unknownClient = await errorOf(
        gh.services.oidc.passwordGrant(
          pool,
          { email: 'ada@example.com', password: PASSWORD },
          { ip: null },
          { clientId: 'nope' },
        ),
      );
      expect([unknownClient.status, unknownClient.code]).toEqual([400, 'invalid_client']);
    });

    it('turns rate limiting into 429 in-process and at /token', async () => {
      // The suite's node allows 4 attempts per identifier (see the start function).
      for (let i = 0; i < 4; i++) await errorOf(login('limited@example.com', `wrong ${i}`));
      const limited = await errorOf(login('limited@example.com'));
      expect([limited.status, limited.code]).toEqual([429, 'rate_limited']);
      const res = await form({
        grant_type: 'password',
        client_id: await firstPartyId(),
        username: 'limited@example.com',
        password: PASSWORD,
      });
      expect(res.status).toBe(429);
      expect(res.body.error).toBe('temporarily_unavailable');
      expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
    });

    it('refreshes tokens, rotating the refresh token of a public client', async () => {
      const { tokens, user } = await login('refresh@example.com');
      const client_id = await firstPartyId();
      const refreshed = await form({
        grant_type: 'refresh_token',
        client_id,
        refresh_token: tokens.refresh_token!,
      });
      expect(refreshed.status).toBe(200);
      expect(refreshed.body.access_token).not.toBe(tokens.access_token);
      expect(refreshed.body.refresh_token).not.toBe(tokens.refresh_token);
      const { payload } = await jwtVerify(refreshed.body.id_token, createLocalJWKSet(await jwks()), {
        issuer,
      });
      expect(payload.sub).toBe(user.id);
      expect((await gh.services.oidc.verifyAccessToken(pool, refreshed.body.access_token)).subject).toBe(
        user.id,
      );

      const reused = await form({
        grant_type: 'refresh_token',
        client_id,
        refresh_token: tokens.refresh_token!,
      });
      expect(reused.status).toBe(400);
      expect(reused.body.error).toBe('invalid_grant');
    });

    it('revokes tokens at the revocation endpoint', async () => {
      const { tokens } = await login('revoke@example.com');
      const res = await fetch(`${issuer}/token/revocation`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ token: tokens.access_token, client_id: await firstPartyId() }).toString(),
      });
      expect(res.status).toBe(200);
      const error = await errorOf(gh.services.oidc.verifyAccessToken(pool, tokens.access_token));
      expect([error.status, error.code]).toEqual([401, 'invalid_token']);
    });

    it('rejects forged, expired and alg:none tokens in verifyAccessToken and at userinfo', async () => {
      const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
      const { tokens, user } = await login('forged@example.com');
      const now = Math.floor(Date.now() / 1000);
      const none = `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ sub: user.id, iss: issuer, exp: now + 600 })}.`;
      const forged = 'f'.repeat(43);
      // An expired token: the one just issued, with its lifetime moved into the past.
      const { tokens: old } = await login('forged@example.com');
      await gh.services.store.db
        .updateTable('oidc_payloads')
        .set({ expires_at: new Date(Date.now() - 1000) })
        .where('pool_id', '=', pool.id)
        .where('model', '=', 'AccessToken')
        .where('id', '=', old.access_token)
        .execute();

      for (const token of [
        none,
        forged,
        old.access_token,
        tokens.access_token.slice(0, -2) + 'xx',
        'x'.repeat(5000),
      ]) {
        const error = await errorOf(gh.services.oidc.verifyAccessToken(pool, token));
        expect(error.status).toBe(401);
        expect(error.code).toBe('invalid_token');
        expect(error.message).toMatch(/access token/i);
        if (token.length < 1000) {
          const me = await userinfo(token);
          expect(me.status).toBe(401);
          expect(me.wwwAuthenticate).toMatch(/invalid_token/);
          const api = await gh.api('/api/v1/pools/default/auth/me', {
            headers: { authorization: `Bearer ${token}` },
          });
          expect(api.status).toBe(401);
          expect(api.body.error.code).toBe('invalid_token');
        }
      }
      // Housekeeping removes the expired token for good.
      expect(await deleteExpiredOidcPayloads(gh.services.store.db, 0)).toBeGreaterThanOrEqual(1);
    });

    it('does not accept a token of one pool in another', async () => {
      const other = await gh.api('/api/v1/pools', {
        method: 'POST',
        body: { slug: `other-${label.toLowerCase().replace(/\W/g, '')}` },
      });
      expect(other.status).toBe(201);
      const { tokens } = await login('pools@example.com');
      const otherPool = await gh.services.pools.get(other.body.slug);
      const error = await errorOf(gh.services.oidc.verifyAccessToken(otherPool, tokens.access_token));
      expect(error.status).toBe(401);
      const me = await fetch(`${gh.url}/oidc/${otherPool.slug}/me`, {
        headers: { authorization: `Bearer ${tokens.access_token}` },
      });
      expect(me.status).toBe(401);
      // Each pool has its own keys.
      const otherKeys = (await (
        await fetch(`${gh.url}/oidc/${otherPool.slug}/jwks`)
      ).json()) as JSONWebKeySet;
      const kids = new Set((await jwks()).keys.map((k) => k.kid));
      expect(otherKeys.keys.some((k) => kids.has(k.kid))).toBe(false);
    });

    it('rotates keys: new tokens use the new key, old ones still verify', async () => {
      const before = await login('rotate@example.com');
      const oldKid = decodeProtectedHeader(before.tokens.id_token).kid;
      const listed = await gh.api('/api/v1/pools/default/keys');
      expect(listed.status).toBe(200);
      expect(listed.body.list.filter((k: { status: string }) => k.status === 'active')).toHaveLength(2);
      for (const key of listed.body.list)
        expect(Object.keys(key).sort()).toEqual(['alg', 'createdAt', 'kid', 'retiredAt', 'status']);

      const rotated = await gh.api('/api/v1/pools/default/keys/rotate', { method: 'POST' });
      expect(rotated.status).toBe(200);
      const byKid = new Map(rotated.body.list.map((k: { kid: string; status: string }) => [k.kid, k.status]));
      expect(byKid.get(oldKid)).toBe('retired');
      expect(rotated.body.list.filter((k: { status: string }) => k.status === 'active')).toHaveLength(2);

      const after = await login('rotate@example.com');
      const newKid = decodeProtectedHeader(after.tokens.id_token).kid;
      expect(newKid).not.toBe(oldKid);
      expect(byKid.get(newKid)).toBe('active');

      const keySet = createLocalJWKSet(await jwks());
      await jwtVerify(before.tokens.id_token, keySet, { issuer });
      await jwtVerify(after.tokens.id_token, keySet, { issuer });
      expect((await gh.services.oidc.verifyAccessToken(pool, before.tokens.access_token)).subject).toBe(
        before.user.id,
      );
      expect((await userinfo(before.tokens.access_token)).status).toBe(200);
    });
  });
}
