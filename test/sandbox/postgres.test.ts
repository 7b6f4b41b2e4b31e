/**
 * Real scripts against the machine's PostgreSQL, both dialects: the published GenAuth style
 * (new Client, connect, query, end on every call) and Auth0's legacy pg.connect style. Also checks
 * that the connect/end style really reuses one pooled connection.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import bcryptjs from 'bcryptjs';
import { createSandbox, type RunRequest, type Sandbox } from '../../src/sandbox/index.js';
import { context, randomName, serviceUnavailable } from './helpers.js';

const ADMIN_URL = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

async function reachable(): Promise<boolean> {
  const client = new pg.Client({ connectionString: ADMIN_URL, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.end();
    return true;
  } catch (error) {
    serviceUnavailable('PostgreSQL', ADMIN_URL, error);
    return false;
  }
}

const available = await reachable();

const GENAUTH_LOGIN = `
async function login(query, password, context) {
  const { Client } = require('pg');
  const bcrypt = require('bcrypt');
  const client = new Client({ connectionString: env.DB_CONNECTION_URI });
  await client.connect();
  try {
    const res = await client.query(
      'SELECT id, email, username, password, nickname, email_verified FROM users WHERE email = $1',
      [query.email],
    );
    if (res.rows.length === 0) throw new UserNotFoundError('no such user: ' + query.email);
    const user = res.rows[0];
    const valid = await bcrypt.compare(password, user.password);
    if (!valid) throw new WrongUsernameOrPasswordError('Wrong email or password');
    return { id: user.id, email: user.email, username: user.username, nickname: user.nickname, emailVerified: user.email_verified };
  } finally {
    await client.end();
  }
}`;

const GENAUTH_CREATE = `
async function createUser(userinfo, context) {
  const { Pool } = require('pg');
  const bcrypt = require('bcrypt');
  const pool = new Pool({ connectionString: env.DB_CONNECTION_URI });
  const exists = await pool.query('SELECT 1 FROM users WHERE email = $1', [userinfo.email]);
  if (exists.rowCount > 0) throw new UserExistsError();
  const hash = await bcrypt.hash(userinfo.password, 4);
  const res = await pool.query(
    'INSERT INTO users (email, username, password, nickname) VALUES ($1, $2, $3, $4) RETURNING id, email, username',
    [userinfo.email, userinfo.username, hash, userinfo.nickname],
  );
  return res.rows[0];
}`;

const GENAUTH_GET_USER = `
async function getUser(query, context) {
  const { Client } = require('pg');
  const client = new Client({ connectionString: env.DB_CONNECTION_URI });
  await client.connect();
  try {
    const res = await client.query('SELECT id, email, username FROM users WHERE email = $1', [query.email]);
    return res.rows[0] ?? null;
  } finally {
    await client.end();
  }
}`;

const AUTH0_LOGIN = `
function login(email, password, callback) {
  const bcrypt = require('bcrypt');
  const postgres = require('pg');
  postgres.connect(configuration.DB_URL, function (err, client, done) {
    if (err) return callback(err);
    const query = 'SELECT id, nickname, email, password FROM users WHERE email = $1';
    client.query(query, [email], function (err, result) {
      done();
      if (err || result.rows.length === 0) return callback(err || new WrongUsernameOrPasswordError(email));
      const user = result.rows[0];
      bcrypt.compare(password, user.password, function (err, isValid) {
        if (err || !isValid) return callback(err || new WrongUsernameOrPasswordError(email));
        callback(null, { user_id: String(user.id), nickname: user.nickname, email: user.email });
      });
    });
  });
}`;

const AUTH0_CREATE = `
function create(user, callback) {
  const { Client } = require('pg');
  const client = new Client({ connectionString: configuration.DB_URL });
  client.connect(function (err) {
    if (err) return callback(err);
    client.query('SELECT 1 FROM users WHERE email = $1', [user.email], function (err, found) {
      if (err) { client.end(); return callback(err); }
      if (found.rows.length > 0) { client.end(); return callback(new ValidationError('user_exists', 'the user already exists')); }
      client.query('INSERT INTO users (email, password) VALUES ($1, $2)', [user.email, 'x'], function (err) {
        client.end();
        callback(err || null);
      });
    });
  });
}`;

describe.skipIf(!available)('sandbox × PostgreSQL', () => {
  const database = randomName('gh_sbx');
  const dbUrl = (() => {
    const url = new URL(ADMIN_URL);
    url.pathname = `/${database}`;
    return url.toString();
  })();
  let admin: pg.Client;
  let sandbox: Sandbox;
  const env = { DB_CONNECTION_URI: dbUrl, DB_URL: dbUrl };
  const run = (
    source: string,
    fn: string,
    args: unknown[],
    dialect: 'genauth' | 'auth0' = 'genauth',
  ): Promise<unknown> =>
    sandbox.run({ poolId: 'pg-pool', source, dialect, env, fn, args, context } satisfies RunRequest);

  beforeAll(async () => {
    admin = new pg.Client({ connectionString: ADMIN_URL });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${database}`);
    const setup = new pg.Client({ connectionString: dbUrl });
    await setup.connect();
    await setup.query(`CREATE TABLE users (
      id serial PRIMARY KEY, email text UNIQUE NOT NULL, username text, password text NOT NULL,
      nickname text, email_verified boolean DEFAULT false)`);
    await setup.query('INSERT INTO users (email, username, password, nickname) VALUES ($1, $2, $3, $4)', [
      'ada@example.com',
      'ada',
      bcryptjs.hashSync('correct horse', 4),
      'Ada',
    ]);
    await setup.end();
    sandbox = createSandbox();
  });

  afterAll(async () => {
    await sandbox?.close();
    await admin?.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    await admin?.end();
  });

  it('genauth: logs in with the published connect/query/end style and bcrypt', async () => {
    const ok = await run(GENAUTH_LOGIN, 'login', [{ email: 'ada@example.com' }, 'correct horse']);
    expect(ok).toMatchObject({
      ok: true,
      value: { id: 1, email: 'ada@example.com', username: 'ada', emailVerified: false },
    });
    const wrong = await run(GENAUTH_LOGIN, 'login', [{ email: 'ada@example.com' }, 'nope']);
    expect(wrong).toMatchObject({
      ok: false,
      error: { kind: 'wrong_credentials', message: 'Wrong email or password' },
    });
    const missing = await run(GENAUTH_LOGIN, 'login', [{ email: 'bob@example.com' }, 'x']);
    expect(missing).toMatchObject({ ok: false, error: { kind: 'user_not_found', line: 12 } });
  });

  it('genauth: creates a user with a Pool, then finds it; a second create is user_exists', async () => {
    const created = await run(GENAUTH_CREATE, 'createUser', [
      { email: 'grace@example.com', username: 'grace', password: 'pw', nickname: 'G' },
    ]);
    expect(created).toMatchObject({ ok: true, value: { email: 'grace@example.com', username: 'grace' } });
    const again = await run(GENAUTH_CREATE, 'createUser', [{ email: 'grace@example.com', password: 'pw' }]);
    expect(again).toMatchObject({ ok: false, error: { kind: 'user_exists' } });
    const found = await run(GENAUTH_GET_USER, 'getUser', [{ email: 'grace@example.com' }]);
    expect(found).toMatchObject({ ok: true, value: { username: 'grace' } });
    const none = await run(GENAUTH_GET_USER, 'getUser', [{ email: 'nobody@example.com' }]);
    expect(none).toMatchObject({ ok: true, value: null });
    const login = await run(GENAUTH_LOGIN, 'login', [{ email: 'grace@example.com' }, 'pw']);
    expect(login).toMatchObject({ ok: true, value: { username: 'grace' } });
  });

  it('reuses pooled connections: connect/end on every call opens no new connection', async () => {
    const connections = async () => {
      const { rows } = await admin.query<{ n: string }>(
        'SELECT count(*) AS n FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()',
        [database],
      );
      return Number(rows[0]!.n);
    };
    for (let i = 0; i < 20; i++) {
      expect(
        await run(GENAUTH_LOGIN, 'login', [{ email: 'ada@example.com' }, 'correct horse']),
      ).toMatchObject({ ok: true });
    }
    // Every script here uses the same connection settings, and calls so far ran one at a time.
    expect(await connections()).toBe(1);
    await Promise.all(
      Array.from({ length: 20 }, () => run(GENAUTH_GET_USER, 'getUser', [{ email: 'ada@example.com' }])),
    );
    // One shared pool per configuration (at most 10 connections) in the pool's single child.
    expect(await connections()).toBeLessThanOrEqual(10);
  });

  it('auth0: logs in with pg.connect(conString, cb) and bcrypt callbacks', async () => {
    const ok = await run(AUTH0_LOGIN, 'login', ['ada@example.com', 'correct horse'], 'auth0');
    expect(ok).toMatchObject({
      ok: true,
      value: { user_id: '1', nickname: 'Ada', email: 'ada@example.com' },
    });
    const wrong = await run(AUTH0_LOGIN, 'login', ['ada@example.com', 'nope'], 'auth0');
    expect(wrong).toMatchObject({
      ok: false,
      error: { kind: 'wrong_credentials', message: 'Wrong email or password.' },
    });
  });

  it('auth0: create reports ValidationError("user_exists") as user_exists', async () => {
    const created = await run(
      AUTH0_CREATE,
      'create',
      [{ email: 'linus@example.com', password: 'x' }],
      'auth0',
    );
    expect(created).toMatchObject({ ok: true, value: null });
    const again = await run(AUTH0_CREATE, 'create', [{ email: 'linus@example.com', password: 'x' }], 'auth0');
    expect(again).toMatchObject({ ok: false, error: { kind: 'user_exists', code: 'user_exists' } });
  });

  it('closes the connection of a call abandoned at its timeout, with its query still running', async () => {
    const sleeper = `async function getUser(query) {
      const { Client } = require('pg');
      const client = new Client({ connectionString: env.DB_CONNECTION_URI });
      await client.connect();
      await client.query("SELECT pg_sleep(30), 'abandoned-call-marker'");
      await client.end();
      return null;
    }`;
    const result = await sandbox.run({
      poolId: 'pg-pool',
      source: sleeper,
      dialect: 'genauth',
      env,
      fn: 'getUser',
      args: [{ email: 'ada@example.com' }],
      context,
      timeoutMs: 500,
    });
    expect(result).toMatchObject({ ok: false, error: { kind: 'timeout' } });
    const sleeping = async () =>
      (
        await admin.query(
          "SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1 AND query LIKE '%abandoned-call-marker%' AND pid <> pg_backend_pid()",
          [database],
        )
      ).rows[0].n as number;
    for (let i = 0; i < 100 && (await sleeping()) > 0; i++) await new Promise((r) => setTimeout(r, 50));
    expect(await sleeping()).toBe(0);
    // The child itself was responsive, so it lives on and serves the next call.
    expect(await run(GENAUTH_LOGIN, 'login', [{ email: 'ada@example.com' }, 'correct horse'])).toMatchObject({
      ok: true,
    });
  });

  it('reports a database error as a script error with its code', async () => {
    const result = await run(
      `async function getUser(query) {\n  const { Pool } = require('pg');\n  const pool = new Pool({ connectionString: env.DB_CONNECTION_URI });\n  return (await pool.query('SELECT * FROM no_such_table')).rows;\n}`,
      'getUser',
      [{ email: 'x' }],
    );
    expect(result).toMatchObject({ ok: false, error: { kind: 'script_error', code: '42P01' } });
  });
});
