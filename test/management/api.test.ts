/**
 * The management API besides users: authentication and scoping of API keys, pools, API keys, the
 * development outbox, bad input on every route, and the OpenAPI document at /docs.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGatehouse, TEST_API_KEY, type TestGatehouse } from '../helpers/gatehouse.js';

let gh: TestGatehouse;
beforeAll(async () => {
  gh = await startGatehouse();
});
afterAll(async () => {
  await gh?.close();
});

const bearer = (key: string) => ({ authorization: `Bearer ${key}` });

async function createPool(slug: string, body: Record<string, unknown> = {}) {
  const res = await gh.api('/api/v1/pools', { method: 'POST', body: { slug, ...body } });
  expect(res.status).toBe(201);
  return res.body;
}

async function createKey(pool: string, name = 'test key', key = TEST_API_KEY) {
  const res = await gh.api(`/api/v1/pools/${pool}/api-keys`, {
    method: 'POST',
    body: { name },
    headers: bearer(key),
  });
  expect(res.status).toBe(201);
  return res.body as {
    id: string;
    key: string;
    name: string;
    poolId: string;
    prefix: string;
    createdAt: string;
  };
}

describe('management API authentication', () => {
  it('answers 401 without a key, with a malformed header and with an unknown key', async () => {
    for (const headers of [
      { authorization: '' },
      { authorization: 'Basic dXNlcjpwYXNz' },
      { authorization: 'Bearer' },
    ]) {
      const res = await gh.api('/api/v1/pools', { headers });
      expect(res.status).toBe(401);
      expect(res.body.error.code).toBe('missing_api_key');
    }
    const bad = await gh.api('/api/v1/pools', { headers: bearer('gh_not_a_real_key') });
    expect(bad.status).toBe(401);
    expect(bad.body.error.code).toBe('invalid_api_key');
    // the key is checked before the body is even parsed
    const unauthenticatedJunk = await gh.api('/api/v1/pools', {
      method: 'POST',
      body: '{oops',
      headers: bearer('gh_not_a_real_key'),
    });
    expect(unauthenticatedJunk.status).toBe(401);
  });

  it('treats the bootstrap key as instance-wide', async () => {
    const res = await gh.api('/api/v1/pools');
    expect(res.status).toBe(200);
    expect(res.body.list.map((p: { slug: string }) => p.slug)).toContain('default');
    const row = await gh.services.store.db
      .selectFrom('api_keys')
      .select(['pool_id', 'name'])
      .where('name', '=', 'bootstrap')
      .executeTakeFirstOrThrow();
    expect(row.pool_id).toBeNull();
  });

  it("scopes a pool's key to its pool: 404 on other pools, 403 on instance operations", async () => {
    await createPool('scoped-a');
    await createPool('scoped-b');
    const { key } = await createKey('scoped-a');
    const as = bearer(key);

    expect((await gh.api('/api/v1/pools/scoped-a', { headers: as })).status).toBe(200);
    expect((await gh.api('/api/v1/pools/scoped-a/users', { headers: as })).status).toBe(200);
    for (const path of [
      '/api/v1/pools/scoped-b',
      '/api/v1/pools/scoped-b/users',
      '/api/v1/pools/default/users',
      '/api/v1/pools/scoped-b/api-keys',
      '/api/v1/pools/scoped-b/outbox',
      '/api/v1/pools/does-not-exist',
    ]) {
      const res = await gh.api(path, { headers: as });
      expect(res.status, path).toBe(404);
      expect(res.body.error.code).toBe('pool_not_found');
    }
    const otherUser = await gh.api('/api/v1/pools/scoped-b/users', {
      method: 'POST',
      body: { username: 'intruder' },
      headers: as,
    });
    expect(otherUser.status).toBe(404);

    const list = await gh.api('/api/v1/pools', { headers: as });
    expect(list.status).toBe(200);
    expect(list.body.totalCount).toBe(1);
    expect(list.body.list.map((p: { slug: string }) => p.slug)).toEqual(['scoped-a']);

    const create = await gh.api('/api/v1/pools', { method: 'POST', body: { slug: 'x' }, headers: as });
    expect(create.status).toBe(403);
    expect(create.body.error.code).toBe('instance_key_required');
    const remove = await gh.api('/api/v1/pools/scoped-a', { method: 'DELETE', headers: as });
    expect(remove.status).toBe(403);
    expect(remove.body.error.code).toBe('instance_key_required');

    // a pool's key may edit its own pool
    const patch = await gh.api('/api/v1/pools/scoped-a', {
      method: 'PATCH',
      body: { name: 'Scoped A' },
      headers: as,
    });
    expect(patch.status).toBe(200);
    expect(patch.body.name).toBe('Scoped A');
  });
});

describe('pools', () => {
  it('creates, gets, lists, updates and deletes a pool', async () => {
    const pool = await createPool('acme', {
      name: 'Acme Inc.',
      metadata: { region: 'eu' },
      settings: { passwordPolicy: { minLength: 12, requireDigit: true }, registrationEnabled: false },
    });
    expect(pool).toMatchObject({
      slug: 'acme',
      name: 'Acme Inc.',
      metadata: { region: 'eu' },
      settings: {
        passwordPolicy: { minLength: 12, maxLength: 256, requireDigit: true, requireUppercase: false },
        registrationEnabled: false,
        maskScriptErrors: false,
        accessTokenTtlSeconds: 3600,
      },
    });
    expect(typeof pool.id).toBe('string');

    const got = await gh.api('/api/v1/pools/acme');
    expect(got.status).toBe(200);
    expect(got.body).toEqual(pool);

    const dup = await gh.api('/api/v1/pools', { method: 'POST', body: { slug: 'acme' } });
    expect(dup.status).toBe(409);
    expect(dup.body.error.code).toBe('pool_exists');

    // settings are merged: the ones left out keep their values
    const patched = await gh.api('/api/v1/pools/acme', {
      method: 'PATCH',
      body: { settings: { maskScriptErrors: true, passwordPolicy: { requireSymbol: true } } },
    });
    expect(patched.status).toBe(200);
    expect(patched.body.name).toBe('Acme Inc.');
    expect(patched.body.settings).toMatchObject({
      maskScriptErrors: true,
      registrationEnabled: false,
      passwordPolicy: { minLength: 12, requireDigit: true, requireSymbol: true },
    });
    const renamed = await gh.api('/api/v1/pools/acme', {
      method: 'PATCH',
      body: { name: 'Acme', metadata: {} },
    });
    expect(renamed.body).toMatchObject({ name: 'Acme', metadata: {}, settings: patched.body.settings });

    // the pool's policy applies to users created through the API
    const weak = await gh.api('/api/v1/pools/acme/users', {
      method: 'POST',
      body: { email: 'w@acme.test', password: 'only-letters-here' },
    });
    expect(weak.status).toBe(400);
    expect(weak.body.error.code).toBe('weak_password');

    const paged = await gh.api('/api/v1/pools?page=1&limit=1');
    expect(paged.body.list).toHaveLength(1);
    expect(paged.body.totalCount).toBeGreaterThanOrEqual(2);
    const all = await gh.api('/api/v1/pools?limit=100');
    expect(all.body.list.map((p: { slug: string }) => p.slug)).toContain('acme');
    expect(all.body.totalCount).toBe(all.body.list.length);

    const removed = await gh.api('/api/v1/pools/acme', { method: 'DELETE' });
    expect(removed.status).toBe(204);
    for (const init of [{}, { method: 'DELETE' }, { method: 'PATCH', body: { name: 'x' } }]) {
      const gone = await gh.api('/api/v1/pools/acme', init);
      expect(gone.status).toBe(404);
      expect(gone.body.error.code).toBe('pool_not_found');
    }
  });

  it('deleting a pool deletes its users and keys', async () => {
    await createPool('doomed');
    const user = await gh.api('/api/v1/pools/doomed/users', { method: 'POST', body: { username: 'u' } });
    expect(user.status).toBe(201);
    const { key } = await createKey('doomed');
    expect((await gh.api('/api/v1/pools/doomed', { method: 'DELETE' })).status).toBe(204);
    const users = await gh.services.store.db
      .selectFrom('users')
      .select('id')
      .where('id', '=', user.body.id)
      .execute();
    expect(users).toEqual([]);
    expect((await gh.api('/api/v1/pools', { headers: bearer(key) })).status).toBe(401);
  });

  it('refuses to delete the default pool', async () => {
    const res = await gh.api('/api/v1/pools/default', { method: 'DELETE' });
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('default_pool_protected');
    expect((await gh.api('/api/v1/pools/default')).status).toBe(200);
  });

  it('rejects bad pool input', async () => {
    const cases: Array<[string, string, unknown, number, string]> = [
      ['POST', '/api/v1/pools', '{"slug":', 400, 'malformed_json'],
      ['POST', '/api/v1/pools', { slug: 7 }, 400, 'validation_failed'],
      ['POST', '/api/v1/pools', {}, 400, 'validation_failed'],
      ['POST', '/api/v1/pools', { slug: 'Upper' }, 400, 'validation_failed'],
      ['POST', '/api/v1/pools', { slug: '-dash' }, 400, 'validation_failed'],
      ['POST', '/api/v1/pools', { slug: 'a'.repeat(64) }, 400, 'validation_failed'],
      ['POST', '/api/v1/pools', { slug: 'ok', owner: 'me' }, 400, 'validation_failed'],
      ['POST', '/api/v1/pools', { slug: 'ok', settings: { colour: 'red' } }, 400, 'validation_failed'],
      [
        'POST',
        '/api/v1/pools',
        { slug: 'ok', settings: { passwordPolicy: { minLength: 300 } } },
        400,
        'validation_failed',
      ],
      [
        'POST',
        '/api/v1/pools',
        { slug: 'ok', settings: { passwordPolicy: { minLength: 100, maxLength: 50 } } },
        400,
        'invalid_settings',
      ],
      ['POST', '/api/v1/pools', { slug: 'ok', metadata: 'text' }, 400, 'validation_failed'],
      ['PATCH', '/api/v1/pools/default', { slug: 'renamed' }, 400, 'validation_failed'],
      ['PATCH', '/api/v1/pools/default', { name: '' }, 400, 'validation_failed'],
      [
        'PATCH',
        '/api/v1/pools/default',
        { settings: { accessTokenTtlSeconds: '3600' } },
        400,
        'validation_failed',
      ],
      [
        'PATCH',
        '/api/v1/pools/default',
        { settings: { passwordPolicy: { maxLength: 8, minLength: 9 } } },
        400,
        'invalid_settings',
      ],
      ['PATCH', '/api/v1/pools/nope', { name: 'x' }, 404, 'pool_not_found'],
      ['GET', '/api/v1/pools/nope', undefined, 404, 'pool_not_found'],
      ['DELETE', '/api/v1/pools/nope', undefined, 404, 'pool_not_found'],
    ];
    for (const [method, path, body, status, code] of cases) {
      const res = await gh.api(path, { method, ...(body !== undefined ? { body } : {}) });
      expect({ method, path, body, status: res.status, code: res.body?.error?.code }).toEqual({
        method,
        path,
        body,
        status,
        code,
      });
    }
    for (const query of ['page=0', 'limit=1000', 'limit=x', 'extra=1']) {
      const res = await gh.api(`/api/v1/pools?${query}`);
      expect(res.status, query).toBe(400);
      expect(res.body.error.code).toBe('validation_failed');
    }
    const huge = await gh.api('/api/v1/pools', {
      method: 'POST',
      body: { slug: 'huge', metadata: { blob: 'x'.repeat(1024 * 1024) } },
    });
    expect(huge.status).toBe(413);
    expect(huge.body.error.code).toBe('payload_too_large');
    const text = await gh.api('/api/v1/pools', {
      method: 'POST',
      body: 'slug=x',
      headers: { 'content-type': 'text/plain' },
    });
    expect(text.status).toBe(415);
    // nothing was created by any of these
    const slugs = (await gh.api('/api/v1/pools?limit=100')).body.list.map((p: { slug: string }) => p.slug);
    expect(slugs).not.toContain('ok');
    expect(slugs).not.toContain('huge');
  });
});

describe('API keys', () => {
  it('creates a key shown once, stores only its digest, lists and revokes it', async () => {
    await createPool('keys-pool');
    const created = await createKey('keys-pool', 'deploy bot');
    expect(created.key).toMatch(/^gh_/);
    expect(created).toMatchObject({ name: 'deploy bot', prefix: created.key.slice(0, 10) });
    expect(created.poolId).toBe((await gh.services.pools.get('keys-pool')).id);

    // hashed at rest: the clear key appears nowhere in the table
    const rows = await gh.services.store.db.selectFrom('api_keys').selectAll().execute();
    expect(JSON.stringify(rows)).not.toContain(created.key);
    const row = rows.find((r) => r.id === created.id)!;
    expect(row.key_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(rows)).not.toContain(TEST_API_KEY);

    // the new key works, on its pool only
    const own = await gh.api('/api/v1/pools/keys-pool/api-keys', { headers: bearer(created.key) });
    expect(own.status).toBe(200);
    expect(own.body.totalCount).toBe(1);
    expect(own.body.list[0]).toEqual({
      id: created.id,
      name: 'deploy bot',
      poolId: created.poolId,
      prefix: created.prefix,
      createdAt: created.createdAt,
      lastUsedAt: expect.any(String),
    });
    expect(JSON.stringify(own.body)).not.toContain(created.key);
    expect(JSON.stringify(own.body)).not.toContain(row.key_hash);

    // a pool key creates keys for its own pool, not for others
    const second = await createKey('keys-pool', 'second', created.key);
    const elsewhere = await gh.api('/api/v1/pools/default/api-keys', {
      method: 'POST',
      body: { name: 'x' },
      headers: bearer(created.key),
    });
    expect(elsewhere.status).toBe(404);

    const paged = await gh.api('/api/v1/pools/keys-pool/api-keys?limit=1&page=2');
    expect(paged.body.totalCount).toBe(2);
    expect(paged.body.list.map((k: { id: string }) => k.id)).toEqual([second.id]);

    // instance-wide keys never show up in a pool's list
    const defaults = await gh.api('/api/v1/pools/default/api-keys');
    expect(defaults.body.list.map((k: { name: string }) => k.name)).not.toContain('bootstrap');

    // another pool cannot revoke it; revoking works once
    expect(
      (await gh.api(`/api/v1/pools/default/api-keys/${second.id}`, { method: 'DELETE' })).body.error.code,
    ).toBe('api_key_not_found');
    const revoked = await gh.api(`/api/v1/pools/keys-pool/api-keys/${second.id}`, {
      method: 'DELETE',
      headers: bearer(created.key),
    });
    expect(revoked.status).toBe(204);
    const again = await gh.api(`/api/v1/pools/keys-pool/api-keys/${second.id}`, { method: 'DELETE' });
    expect(again.status).toBe(404);
    expect(again.body.error.code).toBe('api_key_not_found');
    expect((await gh.api('/api/v1/pools', { headers: bearer(second.key) })).status).toBe(401);
  });

  it('rejects bad API key input', async () => {
    const url = '/api/v1/pools/default/api-keys';
    const cases: Array<[unknown, number, string]> = [
      ['{"name"', 400, 'malformed_json'],
      [{}, 400, 'validation_failed'],
      [{ name: '' }, 400, 'validation_failed'],
      [{ name: 5 }, 400, 'validation_failed'],
      [{ name: 'k', poolId: null }, 400, 'validation_failed'],
      [{ name: 'k', key: 'gh_chosen' }, 400, 'validation_failed'],
      [{ name: 'k'.repeat(1024 * 1024 + 1) }, 413, 'payload_too_large'],
    ];
    for (const [body, status, code] of cases) {
      const res = await gh.api(url, { method: 'POST', body });
      expect({ body, status: res.status, code: res.body?.error?.code }).toEqual({ body, status, code });
    }
    expect((await gh.api('/api/v1/pools/nope/api-keys')).body.error.code).toBe('pool_not_found');
    expect((await gh.api(`${url}?limit=0`)).status).toBe(400);
  });
});

describe('development outbox', () => {
  it('holds the password reset mail outside production, and answers 404 in production', async () => {
    const email = 'outbox-user@example.com';
    expect(
      (
        await gh.api('/api/v1/pools/default/users', {
          method: 'POST',
          body: { email, password: 'outbox user password' },
        })
      ).status,
    ).toBe(201);
    const empty = await gh.api('/api/v1/pools/default/outbox');
    expect(empty.status).toBe(200);
    const before = empty.body.totalCount as number;

    const reset = await gh.api('/api/v1/pools/default/auth/password/reset-request', {
      method: 'POST',
      body: { email },
    });
    expect(reset.status).toBe(202);
    const after = await gh.api('/api/v1/pools/default/outbox?limit=1');
    expect(after.status).toBe(200);
    expect(after.body.totalCount).toBe(before + 1);
    expect(after.body.list).toHaveLength(1);
    expect(after.body.list[0]).toMatchObject({ to: email, subject: expect.stringContaining('password') });
    expect(after.body.list[0].text).toMatch(/Reset token: \S+/);

    // another pool's outbox does not see it
    await createPool('quiet');
    expect((await gh.api('/api/v1/pools/quiet/outbox')).body).toEqual({ totalCount: 0, list: [] });

    gh.services.config.production = true;
    try {
      const hidden = await gh.api('/api/v1/pools/default/outbox');
      expect(hidden.status).toBe(404);
      expect(hidden.body.error.code).toBe('outbox_unavailable');
    } finally {
      gh.services.config.production = false;
    }
    expect((await gh.api('/api/v1/pools/default/outbox?limit=500')).status).toBe(400);
  });
});

describe('OpenAPI document', () => {
  it('serves the UI at /docs and an OpenAPI 3 document listing the management routes', async () => {
    const ui = await fetch(`${gh.url}/docs`, { redirect: 'follow' });
    expect(ui.status).toBe(200);
    expect(ui.headers.get('content-type')).toContain('text/html');
    expect(await ui.text()).toMatch(/swagger/i);

    const { status, body: doc } = await gh.api('/docs/json');
    expect(status).toBe(200);
    expect(doc.openapi).toMatch(/^3\./);
    const expected: Record<string, string[]> = {
      '/api/v1/pools': ['get', 'post'],
      '/api/v1/pools/{pool}': ['get', 'patch', 'delete'],
      '/api/v1/pools/{pool}/users': ['get', 'post'],
      '/api/v1/pools/{pool}/users/{id}': ['get', 'patch', 'delete'],
      '/api/v1/pools/{pool}/users/{id}/block': ['post'],
      '/api/v1/pools/{pool}/users/{id}/unblock': ['post'],
      '/api/v1/pools/{pool}/api-keys': ['get', 'post'],
      '/api/v1/pools/{pool}/api-keys/{id}': ['delete'],
      '/api/v1/pools/{pool}/outbox': ['get'],
    };
    for (const [path, methods] of Object.entries(expected)) {
      for (const method of methods) {
        const operation = doc.paths[path]?.[method];
        expect(operation, `${method} ${path}`).toBeDefined();
        expect(operation.summary).toBeTruthy();
        expect(operation.tags.length).toBeGreaterThan(0);
        expect(operation.security).toEqual([{ apiKey: [] }]);
        const statuses = Object.keys(operation.responses);
        expect(statuses.some((s) => s.startsWith('2'))).toBe(true);
        expect(statuses).toContain('401');
        const error = operation.responses['401'].content['application/json'].schema;
        expect(error.properties.error.required).toEqual(['code', 'message']);
      }
    }
    expect(doc.components.securitySchemes.apiKey).toMatchObject({ type: 'http', scheme: 'bearer' });

    // every $ref points at a schema that is there
    const refs = [...JSON.stringify(doc).matchAll(/"\$ref":"#\/components\/schemas\/([^"]+)"/g)];
    for (const [, name] of refs) expect(doc.components.schemas?.[name!], name).toBeDefined();

    // paging parameters are documented as optional query parameters
    const params = doc.paths['/api/v1/pools/{pool}/users'].get.parameters;
    const byName = Object.fromEntries(params.map((p: { name: string }) => [p.name, p]));
    expect(byName.page).toMatchObject({ in: 'query', required: false });
    expect(byName.limit).toMatchObject({ in: 'query', required: false });
    expect(byName.q).toMatchObject({ in: 'query', required: false });
    expect(byName.pool).toMatchObject({ in: 'path', required: true });
  });
});
