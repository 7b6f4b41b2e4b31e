/**
 * Real scripts against the machine's MariaDB/MySQL, both dialects: mysql2/promise with
 * createConnection … end() on every call (genauth), and Auth0's `require('mysql')` callback template.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import mysql from 'mysql2/promise';
import bcryptjs from 'bcryptjs';
import { createSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { context, randomName, serviceUnavailable } from './helpers.js';

const ADMIN_URL = process.env.TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306/test';

async function reachable(): Promise<boolean> {
  try {
    const conn = await mysql.createConnection({ uri: withoutDatabase(ADMIN_URL), connectTimeout: 3000 });
    await conn.end();
    return true;
  } catch (error) {
    serviceUnavailable('MariaDB/MySQL', ADMIN_URL, error);
    return false;
  }
}

function withoutDatabase(url: string): string {
  const parsed = new URL(url);
  parsed.pathname = '/';
  return parsed.toString();
}

function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

const available = await reachable();

const GENAUTH_LOGIN = `
async function login(query, password, context) {
  const mysql = require('mysql2/promise');
  const bcrypt = require('bcrypt');
  const connection = await mysql.createConnection({
    host: env.DB_HOST, port: Number(env.DB_PORT), user: env.DB_USERNAME, password: env.DB_PASSWORD, database: env.DB_DATABASE,
  });
  try {
    const [rows] = await connection.execute('SELECT id, email, username, password, blocked FROM users WHERE email = ?', [query.email]);
    if (rows.length === 0) throw new UserNotFoundError();
    const user = rows[0];
    if (!(await bcrypt.compare(password, user.password))) throw new WrongUsernameOrPasswordError();
    return { id: user.id, email: user.email, username: user.username, blocked: user.blocked };
  } finally {
    await connection.end();
  }
}`;

const GENAUTH_LIST = `
async function listUsers(page, limit, context) {
  const mysql = require('mysql2/promise');
  const pool = mysql.createPool(env.DB_CONNECTION_URI);
  const [[{ total }]] = await pool.query('SELECT COUNT(*) AS total FROM users');
  const [list] = await pool.query('SELECT id, email FROM users ORDER BY id LIMIT ? OFFSET ?', [limit, (page - 1) * limit]);
  return { totalCount: total, list };
}`;

const GENAUTH_TRANSACTION = `
async function updateUser(id, updates, context) {
  const mysql = require('mysql2/promise');
  const connection = await mysql.createConnection(env.DB_CONNECTION_URI);
  try {
    await connection.beginTransaction();
    await connection.query('UPDATE users SET username = ? WHERE id = ?', [updates.username, id]);
    if (updates.rollback) { await connection.rollback(); } else { await connection.commit(); }
    const [rows] = await connection.query('SELECT id, username FROM users WHERE id = ?', [id]);
    if (rows.length === 0) throw new UserNotFoundError();
    return rows[0];
  } finally {
    await connection.end();
  }
}`;

const AUTH0_LOGIN = `
function login(email, password, callback) {
  const mysql = require('mysql');
  const bcrypt = require('bcrypt');
  const connection = mysql.createConnection({
    host: configuration.DB_HOST, port: Number(configuration.DB_PORT), user: configuration.DB_USERNAME,
    password: configuration.DB_PASSWORD, database: configuration.DB_DATABASE,
  });
  connection.connect();
  const query = 'SELECT id, username, email, password FROM users WHERE email = ?';
  connection.query(query, [email], function (err, results) {
    if (err) return callback(err);
    if (results.length === 0) return callback(new WrongUsernameOrPasswordError(email));
    const user = results[0];
    bcrypt.compare(password, user.password, function (err, isValid) {
      if (err || !isValid) return callback(err || new WrongUsernameOrPasswordError(email));
      callback(null, { user_id: user.id.toString(), nickname: user.username, email: user.email });
    });
  });
}`;

const AUTH0_GET_USER = `
function getByEmail(email, callback) {
  const mysql = require('mysql2');
  const connection = mysql.createConnection(configuration.DB_CONNECTION_URI);
  connection.query('SELECT id, email FROM users WHERE email = ?', [email], function (err, results) {
    connection.end();
    if (err) return callback(err);
    if (results.length === 0) return callback(null);
    callback(null, { user_id: String(results[0].id), email: results[0].email });
  });
}`;

describe.skipIf(!available)('sandbox × MariaDB', () => {
  const database = randomName('gh_sbx');
  const url = new URL(withDatabase(ADMIN_URL, database));
  const env = {
    DB_CONNECTION_URI: url.toString(),
    DB_HOST: url.hostname,
    DB_PORT: url.port || '3306',
    DB_USERNAME: decodeURIComponent(url.username),
    DB_PASSWORD: decodeURIComponent(url.password),
    DB_DATABASE: database,
  };
  let admin: mysql.Connection;
  let sandbox: Sandbox;
  const run = (source: string, fn: string, args: unknown[], dialect: 'genauth' | 'auth0' = 'genauth') =>
    sandbox.run({ poolId: 'mysql-pool', source, dialect, env, fn, args, context });

  beforeAll(async () => {
    admin = await mysql.createConnection({ uri: withoutDatabase(ADMIN_URL) });
    await admin.query(`CREATE DATABASE \`${database}\``);
    await admin.query(`CREATE TABLE \`${database}\`.users (
      id INT AUTO_INCREMENT PRIMARY KEY, email VARCHAR(255) UNIQUE NOT NULL, username VARCHAR(255),
      password VARCHAR(255) NOT NULL, blocked TINYINT(1) DEFAULT 0)`);
    await admin.query(
      `INSERT INTO \`${database}\`.users (email, username, password) VALUES (?, ?, ?), (?, ?, ?)`,
      [
        'ada@example.com',
        'ada',
        bcryptjs.hashSync('correct horse', 4),
        'grace@example.com',
        'grace',
        bcryptjs.hashSync('pw', 4),
      ],
    );
    sandbox = createSandbox();
  });

  afterAll(async () => {
    await sandbox?.close();
    await admin?.query(`DROP DATABASE IF EXISTS \`${database}\``);
    await admin?.end();
  });

  it('genauth: logs in with mysql2/promise createConnection … end() per call', async () => {
    const ok = await run(GENAUTH_LOGIN, 'login', [{ email: 'ada@example.com' }, 'correct horse']);
    expect(ok).toMatchObject({
      ok: true,
      value: { id: 1, email: 'ada@example.com', username: 'ada', blocked: 0 },
    });
    const wrong = await run(GENAUTH_LOGIN, 'login', [{ email: 'ada@example.com' }, 'nope']);
    expect(wrong).toMatchObject({ ok: false, error: { kind: 'wrong_credentials' } });
    const missing = await run(GENAUTH_LOGIN, 'login', [{ email: 'nobody@example.com' }, 'x']);
    expect(missing).toMatchObject({ ok: false, error: { kind: 'user_not_found', line: 10 } });
  });

  it('genauth: pages through users with a pool', async () => {
    const page = await run(GENAUTH_LIST, 'listUsers', [2, 1]);
    expect(page).toMatchObject({
      ok: true,
      value: { totalCount: 2, list: [{ id: 2, email: 'grace@example.com' }] },
    });
  });

  it('genauth: a transaction pins one connection until end()', async () => {
    const rolledBack = await run(GENAUTH_TRANSACTION, 'updateUser', [
      2,
      { username: 'changed', rollback: true },
    ]);
    expect(rolledBack).toMatchObject({ ok: true, value: { id: 2, username: 'grace' } });
    const committed = await run(GENAUTH_TRANSACTION, 'updateUser', [2, { username: 'hopper' }]);
    expect(committed).toMatchObject({ ok: true, value: { id: 2, username: 'hopper' } });
  });

  it('reuses pooled connections across connect/end calls', async () => {
    for (let i = 0; i < 20; i++) {
      expect(
        await run(GENAUTH_LOGIN, 'login', [{ email: 'ada@example.com' }, 'correct horse']),
      ).toMatchObject({ ok: true });
    }
    const [rows] = await admin.query<mysql.RowDataPacket[]>(
      'SELECT COUNT(*) AS n FROM information_schema.PROCESSLIST WHERE DB = ?',
      [database],
    );
    // Two configurations were used so far (programmatic and URI), one pool each, sequential calls.
    expect(Number(rows[0]!.n)).toBeLessThanOrEqual(2);
  });

  it('kills the statement of a call abandoned at its timeout inside a transaction, and keeps the child', async () => {
    // A transaction pins its connection to the call, so the abandoned call's statement can be found.
    const sleeper = `async function getUser(query) {
      const mysql = require('mysql2/promise');
      const connection = await mysql.createConnection(env.DB_CONNECTION_URI);
      await connection.beginTransaction();
      await connection.query("SELECT SLEEP(30), 'abandoned-call-marker'");
      await connection.end();
      return null;
    }`;
    const result = await sandbox.run({
      ...{ poolId: 'mysql-pool', source: sleeper, dialect: 'genauth' as const, env, fn: 'getUser', context },
      args: [{ email: 'ada@example.com' }],
      timeoutMs: 500,
    });
    expect(result).toMatchObject({ ok: false, error: { kind: 'timeout' } });
    const sleeping = async () => {
      const [rows] = await admin.query<mysql.RowDataPacket[]>(
        "SELECT COUNT(*) AS n FROM information_schema.PROCESSLIST WHERE INFO LIKE '%abandoned-call-marker%' AND ID <> CONNECTION_ID()",
      );
      return Number(rows[0]!.n);
    };
    for (let i = 0; i < 100 && (await sleeping()) > 0; i++) await new Promise((r) => setTimeout(r, 50));
    expect(await sleeping()).toBe(0);
    expect(await run(GENAUTH_LOGIN, 'login', [{ email: 'ada@example.com' }, 'correct horse'])).toMatchObject({
      ok: true,
    });
  });

  it("auth0: logs in with require('mysql') callbacks (Auth0 template)", async () => {
    const ok = await run(AUTH0_LOGIN, 'login', ['ada@example.com', 'correct horse'], 'auth0');
    expect(ok).toMatchObject({
      ok: true,
      value: { user_id: '1', nickname: 'ada', email: 'ada@example.com' },
    });
    const wrong = await run(AUTH0_LOGIN, 'login', ['ada@example.com', 'nope'], 'auth0');
    expect(wrong).toMatchObject({ ok: false, error: { kind: 'wrong_credentials' } });
  });

  it('auth0: getUser resolves to getByEmail; callback(null) means not found', async () => {
    const found = await run(AUTH0_GET_USER, 'getUser', ['ada@example.com'], 'auth0');
    expect(found).toMatchObject({ ok: true, value: { user_id: '1' } });
    const missing = await run(AUTH0_GET_USER, 'getUser', ['nobody@example.com'], 'auth0');
    expect(missing).toMatchObject({ ok: true, value: null });
  });
});
