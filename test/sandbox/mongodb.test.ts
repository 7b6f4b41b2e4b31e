/**
 * MongoDB: no registry here provides a server, so the integration suite runs only when
 * TEST_MONGODB_URL is set (and says so loudly when it is not). The handle-sharing check needs no server.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MongoClient } from 'mongodb';
import bcryptjs from 'bcryptjs';
import { createSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { context, genauth, randomName } from './helpers.js';

const MONGODB_URL = process.env.TEST_MONGODB_URL;
if (!MONGODB_URL) {
  console.warn(
    `\n${'!'.repeat(100)}\n!! TEST_MONGODB_URL is not set: the sandbox MongoDB integration tests are SKIPPED\n${'!'.repeat(100)}\n`,
  );
}

let sandbox: Sandbox;
beforeAll(() => {
  sandbox = createSandbox();
});
afterAll(async () => {
  await sandbox?.close();
});

describe('sandbox × mongodb driver', () => {
  it('gives every new MongoClient with the same settings one shared client', async () => {
    const result = await sandbox.run(
      genauth(
        'mongo-shape',
        `async function login() {
          const { MongoClient, ObjectId } = require('mongodb');
          const a = new MongoClient('mongodb://127.0.0.1:1/app');
          const b = new MongoClient('mongodb://127.0.0.1:1/app');
          const c = new MongoClient('mongodb://127.0.0.1:1/other');
          await a.close();
          return { same: a.db('x').client === b.db('y').client, other: a.db('x').client === c.db('x').client, id: new ObjectId('64b7f0c2a1b2c3d4e5f60718') };
        }`,
      ),
    );
    expect(result).toMatchObject({
      ok: true,
      value: { same: true, other: false, id: '64b7f0c2a1b2c3d4e5f60718' },
    });
  });
});

describe.skipIf(!MONGODB_URL)('sandbox × MongoDB', () => {
  const database = randomName('gh_sbx');
  let admin: MongoClient;
  const env = { DB_CONNECTION_URI: MONGODB_URL ?? '', DB_DATABASE: database };

  beforeAll(async () => {
    admin = new MongoClient(MONGODB_URL!);
    await admin.connect();
    await admin
      .db(database)
      .collection('users')
      .insertOne({
        email: 'ada@example.com',
        password: bcryptjs.hashSync('correct horse', 4),
        nickname: 'Ada',
      });
  });
  afterAll(async () => {
    await admin?.db(database).dropDatabase();
    await admin?.close();
  });

  it('genauth: logs in with connect/close on every call', async () => {
    const source = `
      async function login(query, password) {
        const { MongoClient } = require('mongodb');
        const bcrypt = require('bcrypt');
        const client = new MongoClient(env.DB_CONNECTION_URI);
        await client.connect();
        try {
          const user = await client.db(env.DB_DATABASE).collection('users').findOne({ email: query.email });
          if (!user) throw new UserNotFoundError();
          if (!(await bcrypt.compare(password, user.password))) throw new WrongUsernameOrPasswordError();
          return { id: user._id, email: user.email, nickname: user.nickname };
        } finally {
          await client.close();
        }
      }`;
    for (let i = 0; i < 3; i++) {
      const ok = await sandbox.run({
        poolId: 'mongo',
        source,
        dialect: 'genauth',
        env,
        fn: 'login',
        args: [{ email: 'ada@example.com' }, 'correct horse'],
        context,
      });
      expect(ok).toMatchObject({ ok: true, value: { email: 'ada@example.com', nickname: 'Ada' } });
    }
    const wrong = await sandbox.run({
      poolId: 'mongo',
      source,
      dialect: 'genauth',
      env,
      fn: 'login',
      args: [{ email: 'ada@example.com' }, 'x'],
      context,
    });
    expect(wrong).toMatchObject({ ok: false, error: { kind: 'wrong_credentials' } });
  });

  it('auth0: logs in with callbacks', async () => {
    const source = `
      function login(email, password, callback) {
        const { MongoClient } = require('mongodb');
        const bcrypt = require('bcrypt');
        MongoClient.connect(configuration.DB_CONNECTION_URI).then((client) =>
          client.db(configuration.DB_DATABASE).collection('users').findOne({ email }).then((user) => {
            if (!user) return callback(new WrongUsernameOrPasswordError(email));
            bcrypt.compare(password, user.password, (err, valid) => {
              if (err || !valid) return callback(err || new WrongUsernameOrPasswordError(email));
              callback(null, { user_id: user._id.toString(), email: user.email });
            });
          }),
        ).catch(callback);
      }`;
    const ok = await sandbox.run({
      poolId: 'mongo',
      source,
      dialect: 'auth0',
      env,
      fn: 'login',
      args: ['ada@example.com', 'correct horse'],
      context,
    });
    expect(ok).toMatchObject({ ok: true, value: { email: 'ada@example.com' } });
  });
});
