/**
 * Applications (OIDC clients) through the management API: CRUD, secrets returned once and sealed at
 * rest, validation of client metadata, and per-pool scoping of API keys.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGatehouse, type TestGatehouse } from '../helpers/gatehouse.js';

let gh: TestGatehouse;
beforeAll(async () => {
  gh = await startGatehouse();
});
afterAll(async () => {
  await gh?.close();
});

const apps = (pool = 'default') => `/api/v1/pools/${pool}/applications`;
const web = {
  name: 'Web app',
  redirect_uris: ['https://app.example/callback'],
  post_logout_redirect_uris: ['https://app.example/'],
};

describe('applications', () => {
  it('every pool has a first-party application', async () => {
    const res = await gh.api(apps());
    expect(res.status).toBe(200);
    expect(res.body.totalCount).toBe(1);
    expect(res.body.list[0]).toMatchObject({
      firstParty: true,
      token_endpoint_auth_method: 'none',
      grant_types: ['password', 'refresh_token'],
      hasSecret: false,
    });
  });

  it('creates a confidential client, returning its secret once and sealing it at rest', async () => {
    const created = await gh.api(apps(), { method: 'POST', body: web });
    expect(created.status).toBe(201);
    expect(created.headers.get('cache-control')).toBe('no-store');
    const { id, client_secret } = created.body;
    expect(created.body).toMatchObject({
      ...web,
      clientId: id,
      firstParty: false,
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_basic',
      hasSecret: true,
    });
    expect(client_secret).toMatch(/^[\w-]{40,}$/);

    const fetched = await gh.api(`${apps()}/${id}`);
    expect(fetched.status).toBe(200);
    expect(fetched.body).not.toHaveProperty('client_secret');
    const listed = await gh.api(apps());
    expect(JSON.stringify(listed.body)).not.toContain(client_secret);

    const row = await gh.services.store.db
      .selectFrom('applications')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    expect(row.client_secret_sealed).toMatch(/^v1\./);
    expect(JSON.stringify(row)).not.toContain(client_secret);

    // The secret works at the token endpoint (client authentication), a wrong one does not.
    const tokenWith = (secret: string) =>
      fetch(`${gh.url}/oidc/default/token`, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          authorization: `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`,
        },
        body: 'grant_type=authorization_code&code=nope&redirect_uri=https%3A%2F%2Fapp.example%2Fcallback',
      }).then(async (r) => (await r.json()) as { error: string });
    expect((await tokenWith(client_secret)).error).toBe('invalid_grant');
    expect((await tokenWith('wrong')).error).toBe('invalid_client');
  });

  it('creates a public client without a secret', async () => {
    const created = await gh.api(apps(), {
      method: 'POST',
      body: { ...web, name: 'SPA', token_endpoint_auth_method: 'none' },
    });
    expect(created.status).toBe(201);
    expect(created.body).not.toHaveProperty('client_secret');
    expect(created.body.hasSecret).toBe(false);
  });

  it('updates and deletes an application', async () => {
    const { body } = await gh.api(apps(), {
      method: 'POST',
      body: { ...web, token_endpoint_auth_method: 'none' },
    });
    const patched = await gh.api(`${apps()}/${body.id}`, {
      method: 'PATCH',
      body: { name: 'Renamed', redirect_uris: ['https://other.example/cb'] },
    });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ name: 'Renamed', redirect_uris: ['https://other.example/cb'] });
    expect(patched.body).not.toHaveProperty('client_secret');

    // Made confidential: a secret is created and shown this once.
    const confidential = await gh.api(`${apps()}/${body.id}`, {
      method: 'PATCH',
      body: { token_endpoint_auth_method: 'client_secret_post' },
    });
    expect(confidential.status).toBe(200);
    expect(confidential.body.client_secret).toEqual(expect.any(String));
    const again = await gh.api(`${apps()}/${body.id}`, { method: 'PATCH', body: { name: 'Again' } });
    expect(again.body).not.toHaveProperty('client_secret');
    expect(again.body.hasSecret).toBe(true);

    expect((await gh.api(`${apps()}/${body.id}`, { method: 'DELETE' })).status).toBe(204);
    const gone = await gh.api(`${apps()}/${body.id}`);
    expect(gone.status).toBe(404);
    expect(gone.body.error.code).toBe('application_not_found');
    expect((await gh.api(`${apps()}/${body.id}`, { method: 'DELETE' })).status).toBe(404);
  });

  it('rejects invalid client metadata with 400', async () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ name: 'x', grant_types: ['password'] }, 'invalid_client_metadata'],
      [{ name: 'x', redirect_uris: [] }, 'invalid_client_metadata'],
      [{ name: 'x', redirect_uris: ['not a uri'] }, 'validation_failed'],
      [{ name: 'x', redirect_uris: ['https://a.example/cb#fragment'] }, 'invalid_client_metadata'],
      [{ ...web, grant_types: ['implicit'] }, 'validation_failed'],
      [{ ...web, token_endpoint_auth_method: 'private_key_jwt' }, 'validation_failed'],
      [{ ...web, client_secret: 'mine' }, 'validation_failed'],
      [{ ...web, name: '' }, 'validation_failed'],
    ];
    for (const [body, code] of cases) {
      const res = await gh.api(apps(), { method: 'POST', body });
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error.code, JSON.stringify(body)).toBe(code);
    }
  });

  it('refuses an invalid update with 400 and leaves the application as it was', async () => {
    const { body: app } = await gh.api(apps(), { method: 'POST', body: { ...web, name: 'Stable' } });
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ redirect_uris: [] }, 'invalid_client_metadata'],
      [{ grant_types: ['password', 'refresh_token'] }, 'invalid_client_metadata'],
      [{ name: '' }, 'validation_failed'],
      [{ redirect_uris: ['not a uri'] }, 'validation_failed'],
      [{ token_endpoint_auth_method: 'private_key_jwt' }, 'validation_failed'],
      [{ client_secret: 'mine' }, 'validation_failed'],
    ];
    for (const [body, code] of cases) {
      const res = await gh.api(`${apps()}/${app.id}`, { method: 'PATCH', body });
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error.code, JSON.stringify(body)).toBe(code);
    }
    const unchanged = await gh.api(`${apps()}/${app.id}`);
    expect(unchanged.body).toMatchObject({
      name: 'Stable',
      redirect_uris: web.redirect_uris,
      hasSecret: true,
    });
    expect(unchanged.body.updatedAt).toBe(app.updatedAt);

    const missing = await gh.api(`${apps()}/no-such-client`, { method: 'PATCH', body: { name: 'x' } });
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe('application_not_found');
  });

  it('drops the secret of a confidential client made public, and keeps the fields not given', async () => {
    const { body: app } = await gh.api(apps(), { method: 'POST', body: { ...web, name: 'Going public' } });
    expect(app.hasSecret).toBe(true);
    const patched = await gh.api(`${apps()}/${app.id}`, {
      method: 'PATCH',
      body: { token_endpoint_auth_method: 'none' },
    });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({
      name: 'Going public',
      redirect_uris: web.redirect_uris,
      post_logout_redirect_uris: web.post_logout_redirect_uris,
      token_endpoint_auth_method: 'none',
      hasSecret: false,
    });
    expect(patched.body).not.toHaveProperty('client_secret');
    const row = await gh.services.store.db
      .selectFrom('applications')
      .select('client_secret_sealed')
      .where('id', '=', app.id)
      .executeTakeFirstOrThrow();
    expect(row.client_secret_sealed).toBeNull();
  });

  it("hides a pool's applications and keys from another pool's API key (404)", async () => {
    expect((await gh.api('/api/v1/pools', { method: 'POST', body: { slug: 'tenant-a' } })).status).toBe(201);
    expect((await gh.api('/api/v1/pools', { method: 'POST', body: { slug: 'tenant-b' } })).status).toBe(201);
    const key = await gh.api('/api/v1/pools/tenant-a/api-keys', { method: 'POST', body: { name: 'a' } });
    expect(key.status).toBe(201);
    const asA = { authorization: `Bearer ${key.body.key}` };
    const bApp = await gh.api(apps('tenant-b'), { method: 'POST', body: web });
    expect(bApp.status).toBe(201);

    expect((await gh.api(apps('tenant-a'), { headers: asA })).status).toBe(200);
    for (const [path, method] of [
      [apps('tenant-b'), 'GET'],
      [`${apps('tenant-b')}/${bApp.body.id}`, 'GET'],
      [`${apps('tenant-b')}/${bApp.body.id}`, 'DELETE'],
      ['/api/v1/pools/tenant-b/keys', 'GET'],
      ['/api/v1/pools/tenant-b/keys/rotate', 'POST'],
    ] as const) {
      const res = await gh.api(path, { method, headers: asA });
      expect(res.status, `${method} ${path}`).toBe(404);
      expect(res.body.error.code).toBe('pool_not_found');
    }
    // Nor through its own pool's URL.
    const viaA = await gh.api(`${apps('tenant-a')}/${bApp.body.id}`, { headers: asA });
    expect(viaA.status).toBe(404);
    expect(viaA.body.error.code).toBe('application_not_found');
  });

  it('needs an API key', async () => {
    const res = await gh.api(apps(), { headers: { authorization: '' } });
    expect(res.status).toBe(401);
  });
});
