/**
 * Serving of the built console at /console/ (src/http/console-static.ts), from a tiny stand-in build so
 * the test does not depend on `npm run build:console` having run.
 */
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consoleStatic } from '../../src/http/console-static.js';

describe('console static files', () => {
  let app: FastifyInstance;
  let root: string;

  beforeAll(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'gh-console-'));
    await mkdir(path.join(root, 'assets'));
    await writeFile(path.join(root, 'index.html'), '<!doctype html><title>console</title>');
    await writeFile(path.join(root, 'assets', 'app-123.js'), 'console.log(1)');
    app = Fastify();
    await app.register(consoleStatic, { root });
    await app.ready();
  });
  afterAll(async () => {
    await app?.close();
    await rm(root, { recursive: true, force: true });
  });

  it('redirects /console to /console/ and serves index.html there', async () => {
    const redirect = await app.inject('/console');
    expect(redirect.statusCode).toBe(302);
    expect(redirect.headers.location).toBe('/console/');
    const index = await app.inject('/console/');
    expect(index.statusCode).toBe(200);
    expect(index.headers['content-type']).toMatch(/text\/html/);
    expect(index.headers['cache-control']).toBe('no-cache');
    expect(index.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(index.headers['x-frame-options']).toBe('DENY');
  });

  it("answers index.html for the app's own routes", async () => {
    const page = await app.inject('/console/pools/default/users');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('<title>console</title>');
  });

  it('serves hashed assets as immutable and 404s missing ones', async () => {
    const asset = await app.inject('/console/assets/app-123.js');
    expect(asset.statusCode).toBe(200);
    expect(asset.headers['cache-control']).toContain('immutable');
    expect((await app.inject('/console/assets/missing.js')).statusCode).toBe(404);
    expect((await app.inject({ method: 'POST', url: '/console/x' })).statusCode).toBe(404);
  });

  it('registers nothing when the console is not built', async () => {
    const bare = Fastify();
    await bare.register(consoleStatic, { root: path.join(root, 'nope') });
    expect((await bare.inject('/console/')).statusCode).toBe(404);
    await bare.close();
  });
});
