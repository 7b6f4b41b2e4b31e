/**
 * The auth0 dialect end to end in LAZY_MIGRATION: callback-style scripts written the way Auth0's
 * custom database templates are (pg.connect per call, `configuration`, Auth0 error classes and profile
 * shape) migrate users against the machine's PostgreSQL.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGatehouse, type TestGatehouse } from '../helpers/gatehouse.js';
import { postgresAvailable } from '../helpers/services.js';
import { seedUser } from '../templates/fixtures.js';
import {
  configure,
  HIGH_RATE_LIMITS,
  login,
  postgresLegacy,
  saveScript,
  scriptRuns,
  type LegacyDatabase,
} from './helpers.js';

const LOGIN = `function login(email, password, callback) {
  const bcrypt = require('bcrypt');
  const { Client } = require('pg');
  const client = new Client({ connectionString: configuration.DB_URL });
  client.connect(function (err) {
    if (err) return callback(err);
    client.query('SELECT id, email, username, name, email_verified, password_hash FROM users WHERE lower(email) = lower($1)', [email], function (err, result) {
      client.end();
      if (err) return callback(err);
      if (result.rows.length === 0) return callback(new WrongUsernameOrPasswordError(email, 'Unknown user'));
      const user = result.rows[0];
      bcrypt.compare(password, user.password_hash, function (err, isValid) {
        if (err || !isValid) return callback(err || new WrongUsernameOrPasswordError(email, 'Wrong password (auth0 script)'));
        callback(null, { user_id: user.id, email: user.email, username: user.username, name: user.name, email_verified: user.email_verified, user_metadata: { source: 'auth0-script' } });
      });
    });
  });
}
`;

const GET_USER = `function getUser(email, callback) {
  const { Client } = require('pg');
  const client = new Client({ connectionString: configuration.DB_URL });
  client.connect(function (err) {
    if (err) return callback(err);
    client.query('SELECT id, email, name FROM users WHERE lower(email) = lower($1)', [email], function (err, result) {
      client.end();
      if (err) return callback(err);
      if (result.rows.length === 0) return callback(null);
      callback(null, { user_id: result.rows[0].id, email: result.rows[0].email, name: result.rows[0].name });
    });
  });
}
`;

const available = await postgresAvailable();

describe.skipIf(!available)('auth0 dialect, lazy migration', () => {
  let gh: TestGatehouse;
  let legacy: LegacyDatabase;

  beforeAll(async () => {
    legacy = await postgresLegacy();
    gh = await startGatehouse({}, { rateLimits: HIGH_RATE_LIMITS });
    await configure(gh.api, {
      enabled: true,
      mode: 'LAZY_MIGRATION',
      dialect: 'auth0',
      env: { DB_URL: legacy.url },
    });
    await saveScript(gh.api, 'login', LOGIN);
    await saveScript(gh.api, 'getUser', GET_USER);
  });
  afterAll(async () => {
    await gh?.close();
    await legacy?.close();
  });

  it('migrates a user at their first login, mapping the Auth0 profile', async () => {
    const ada = seedUser(0);
    const res = await login(gh, { email: ada.profile.email, password: ada.password });
    expect(res.status).toBe(200);
    expect(res.body.user).toMatchObject({
      email: ada.profile.email,
      username: ada.profile.username,
      emailVerified: true,
      externalId: '1',
      customData: { user_metadata: { source: 'auth0-script' } },
    });
    expect(res.body.user.migratedAt).toBeTruthy();
    const runs = await scriptRuns(gh.api, 'login');
    expect((await login(gh, { email: ada.profile.email, password: ada.password })).status).toBe(200);
    expect(await scriptRuns(gh.api, 'login')).toBe(runs);
  });

  it("shows the script's WrongUsernameOrPasswordError message", async () => {
    const res = await login(gh, { email: seedUser(1).profile.email, password: 'not it' });
    expect(res.status).toBe(401);
    expect(res.body.error.message).toBe('Wrong password (auth0 script)');
  });

  it('refuses a registration the legacy getUser knows', async () => {
    const res = await gh.api('/api/v1/pools/default/auth/register', {
      method: 'POST',
      body: { email: seedUser(2).profile.email, password: 'a fine passphrase' },
      headers: { authorization: '' },
    });
    expect(res.status).toBe(409);
  });
});
