/**
 * The `mongodb` template against a MongoDB server. No registry here provides one (DESIGN.md §6), so this
 * suite runs only when TEST_MONGODB_URL is set, and says loudly that it is skipped when it is not. It
 * builds the sample collection of docs/custom-db/sample-schemas/mongodb.md (indexes and seed users) in a
 * fresh database and runs every script through the real sandbox.
 */
import { describe } from 'vitest';
import { MongoClient, type Document } from 'mongodb';
import { randomBytes } from 'node:crypto';
import { defineTemplateContract } from './contract.js';
import { SEED_USERS } from './fixtures.js';

const MONGODB_URL = process.env.TEST_MONGODB_URL;
if (!MONGODB_URL) {
  console.warn(
    `\n${'!'.repeat(100)}\n!! TEST_MONGODB_URL is not set: the mongodb template tests against a real MongoDB are SKIPPED\n!! (no MongoDB server here).\n${'!'.repeat(100)}\n`,
  );
}

/** The seed users as documents of the sample collection (field names as in the SQL schema). */
function seedDocuments(): Document[] {
  return SEED_USERS.map(({ profile, passwordHash, createdAt, updatedAt }) => ({
    email: profile.email,
    username: profile.username,
    phone: profile.phone,
    password_hash: passwordHash,
    nickname: profile.nickname,
    name: profile.name,
    given_name: profile.givenName,
    family_name: profile.familyName,
    avatar_url: profile.photo,
    gender: profile.gender,
    birthdate: profile.birthdate,
    email_verified: profile.emailVerified,
    disabled: profile.blocked,
    created_at: new Date(createdAt),
    updated_at: new Date(updatedAt),
  }));
}

// Skipped without TEST_MONGODB_URL: MongoDB is not installable from the registries this project uses.
describe.skipIf(!MONGODB_URL)('mongodb template × MongoDB', () => {
  defineTemplateContract('mongodb', async () => {
    const url = new URL(MONGODB_URL!);
    const databaseName = `gh_tpl_mongo_${randomBytes(6).toString('hex')}`;
    url.pathname = `/${databaseName}`;
    const client = new MongoClient(MONGODB_URL!);
    await client.connect();
    const db = client.db(databaseName);
    const users = db.collection('users');
    // The indexes of docs/custom-db/sample-schemas/mongodb.md.
    const onlyStrings = (field: string) => ({ partialFilterExpression: { [field]: { $type: 'string' } } });
    await users.createIndex(
      { email: 1 },
      { unique: true, collation: { locale: 'en', strength: 2 }, ...onlyStrings('email') },
    );
    await users.createIndex({ username: 1 }, { unique: true, ...onlyStrings('username') });
    await users.createIndex({ phone: 1 }, { unique: true, ...onlyStrings('phone') });
    await users.insertMany(seedDocuments());
    const withoutDb = new URL(MONGODB_URL!);
    return {
      env: { DB_CONNECTION_URI: url.toString() },
      programmaticEnv: {
        DB_HOST: withoutDb.hostname,
        DB_PORT: withoutDb.port || '27017',
        DB_USERNAME: decodeURIComponent(withoutDb.username),
        DB_PASSWORD: decodeURIComponent(withoutDb.password),
        DB_DATABASE: databaseName,
      },
      missingId: 'ffffffffffffffffffffffff',
      countUsers: () => users.countDocuments({}),
      usersTableExists: async () => (await db.listCollections({ name: 'users' }).toArray()).length === 1,
      close: async () => {
        await db.dropDatabase();
        await client.close();
      },
    };
  });
});
