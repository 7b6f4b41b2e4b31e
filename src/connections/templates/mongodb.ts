/**
 * The `mongodb` template: the eight genauth scripts for the sample legacy `users` collection of
 * docs/custom-db/sample-schemas/mongodb.md, with the official driver (`new MongoClient(…)`, `connect()`,
 * `close()` on every call; the sandbox shares one client per URI). Every value taken from a query is
 * turned into a string first, so a caller can never smuggle in a query operator such as `{ $ne: null }`.
 */
import { BCRYPT_ROUNDS, PAGING, columnsByField, tidy, toProfile } from './snippets.js';
import { connectionEnvVars, type ConnectionTemplate, type ScriptName } from './types.js';

const REQUIRE = String.raw`
  const { MongoClient, ObjectId } = require('mongodb');`;

const CLIENT = String.raw`
  // The connection URI form, or the programmatic form (DB_HOST, DB_PORT, …) when no URI is set.
  const client = env.DB_CONNECTION_URI
    ? new MongoClient(env.DB_CONNECTION_URI)
    : new MongoClient('mongodb://' + env.DB_HOST + ':' + (env.DB_PORT || 27017), {
        auth: env.DB_USERNAME ? { username: env.DB_USERNAME, password: env.DB_PASSWORD } : undefined,
      });`;

const COLLECTION = String.raw`
    // The database named in the URI (or DB_DATABASE), collection "users".
    const users = client.db(env.DB_DATABASE || undefined).collection('users');`;

const TO_ID = String.raw`
  // Legacy ids are ObjectIds (24 hex digits). Anything else cannot name a user.
  const toId = (value) => (/^[0-9a-f]{24}$/i.test(String(value)) ? new ObjectId(String(value)) : null);
  // Emails compare case-insensitively (the collation of the unique index on email).
  const CASE_INSENSITIVE = { collation: { locale: 'en', strength: 2 } };`;

const LOOKUP = String.raw`
  // Which user the query names: always a plain string (or ObjectId) value, never an operator.
  const lookup = (query) => {
    if (query.id !== undefined && query.id !== null) {
      const id = toId(query.id);
      return id === null ? null : { filter: { _id: id } };
    }
    if (query.email) return { filter: { email: String(query.email) }, options: CASE_INSENSITIVE };
    if (query.username) return { filter: { username: String(query.username) } };
    if (query.phone) return { filter: { phone: String(query.phone) } };
    return null;
  };`;

const TO_PROFILE = toProfile('row._id.toHexString()');

const DUPLICATE = String.raw`
  // E11000: a unique index (email, username or phone) refused the write.
  const rethrow = (error) => {
    if (error && error.code === 11000) {
      throw new UserExistsError('A user with this email, username or phone already exists');
    }
    throw error;
  };`;

const scripts: Record<ScriptName, string> = {
  login: String.raw`async function login(query, password, context) {
  const bcrypt = require('bcrypt');
${REQUIRE}
${TO_ID}
${LOOKUP}
${TO_PROFILE}

  const target = lookup(query);
  if (!target) throw new UserNotFoundError();
${CLIENT}
  await client.connect();
  try {
${COLLECTION}
    const user = await users.findOne(target.filter, target.options);
    if (!user) throw new UserNotFoundError();
    const valid = user.password_hash ? await bcrypt.compare(String(password ?? ''), user.password_hash) : false;
    if (!valid) throw new WrongUsernameOrPasswordError();
    // A disabled account comes back as blocked: Gatehouse refuses its logins (403 user_blocked).
    return toProfile(user);
  } finally {
    await client.close();
  }
}
`,

  getUser: String.raw`async function getUser(query, context) {
${REQUIRE}
${TO_ID}
${LOOKUP}
${TO_PROFILE}

  const target = lookup(query);
  if (!target) return null;
${CLIENT}
  await client.connect();
  try {
${COLLECTION}
    const user = await users.findOne(target.filter, target.options);
    return user ? toProfile(user) : null;
  } finally {
    await client.close();
  }
}
`,

  searchUser: String.raw`async function searchUser(keyword, context) {
${REQUIRE}
${TO_PROFILE}

  // Match the keyword anywhere, case-insensitively; regular-expression characters in it are escaped so
  // they match literally.
  const escaped = String(keyword ?? '').replace(/[.*+?^$()|[\]\\{}-]/g, '\\$&');
  const pattern = { $regex: escaped, $options: 'i' };
  const filter = {
    $or: [{ email: pattern }, { username: pattern }, { phone: pattern }, { nickname: pattern }, { name: pattern }],
  };
  // A search returns at most this many users (totalCount still counts them all).
  const MAX_RESULTS = 100;
${CLIENT}
  await client.connect();
  try {
${COLLECTION}
    const totalCount = await users.countDocuments(filter);
    const list = await users.find(filter).sort({ _id: 1 }).limit(MAX_RESULTS).toArray();
    return { totalCount, list: list.map(toProfile) };
  } finally {
    await client.close();
  }
}
`,

  createUser: String.raw`async function createUser(userinfo, context) {
  const bcrypt = require('bcrypt');
${BCRYPT_ROUNDS}
${REQUIRE}
${TO_ID}
${TO_PROFILE}
${columnsByField('boolean')}
${DUPLICATE}

  const email = userinfo.email ? String(userinfo.email) : null;
  const username = userinfo.username ? String(userinfo.username) : null;
  const phone = userinfo.phone ? String(userinfo.phone) : null;
  if (!email && !username && !phone) {
    throw new ValidationError('An email, a username or a phone number is required', 'identifier_required');
  }

  const now = new Date();
  const doc = { email_verified: false, disabled: false };
  for (const [field, column] of Object.entries(COLUMNS_BY_FIELD)) {
    if (userinfo[field] === undefined || userinfo[field] === null) continue;
    doc[column] = columnValue(column, userinfo[field]);
  }
  if (userinfo.password) doc.password_hash = await bcrypt.hash(String(userinfo.password), BCRYPT_ROUNDS);
  doc.created_at = now;
  doc.updated_at = now;
${CLIENT}
  await client.connect();
  try {
${COLLECTION}
    const existing =
      (email && (await users.findOne({ email }, CASE_INSENSITIVE))) ||
      (username && (await users.findOne({ username }))) ||
      (phone && (await users.findOne({ phone })));
    if (existing) throw new UserExistsError('A user with this email, username or phone already exists');
    const { insertedId } = await users.insertOne(doc);
    return toProfile({ ...doc, _id: insertedId });
  } catch (error) {
    rethrow(error);
  } finally {
    await client.close();
  }
}
`,

  updateUser: String.raw`async function updateUser(id, updates, context) {
  const bcrypt = require('bcrypt');
${BCRYPT_ROUNDS}
${REQUIRE}
${TO_ID}
${TO_PROFILE}
${columnsByField('boolean')}
${DUPLICATE}

  const userId = toId(id);
  if (userId === null) throw new UserNotFoundError();

  // Only the fields present in updates change; null clears a field.
  const set = { updated_at: new Date() };
  for (const [field, column] of Object.entries(COLUMNS_BY_FIELD)) {
    if (updates[field] === undefined) continue;
    set[column] = columnValue(column, updates[field]);
  }
  if (updates.password !== undefined && updates.password !== null) {
    // A new password arrives in plain text: store its bcrypt hash.
    set.password_hash = await bcrypt.hash(String(updates.password), BCRYPT_ROUNDS);
  }
${CLIENT}
  await client.connect();
  try {
${COLLECTION}
    const user = await users.findOneAndUpdate({ _id: userId }, { $set: set }, { returnDocument: 'after' });
    if (!user) throw new UserNotFoundError();
    return toProfile(user);
  } catch (error) {
    rethrow(error);
  } finally {
    await client.close();
  }
}
`,

  deleteUser: String.raw`async function deleteUser(id, context) {
${REQUIRE}
${TO_ID}

  const userId = toId(id);
  if (userId === null) throw new UserNotFoundError();
${CLIENT}
  await client.connect();
  try {
${COLLECTION}
    const { deletedCount } = await users.deleteOne({ _id: userId });
    if (deletedCount === 0) throw new UserNotFoundError();
    return true;
  } finally {
    await client.close();
  }
}
`,

  listUsers: String.raw`async function listUsers(page, limit, context) {
${REQUIRE}
${TO_PROFILE}
${PAGING}
${CLIENT}
  await client.connect();
  try {
${COLLECTION}
    const totalCount = await users.countDocuments({});
    const list = await users.find({}).sort({ _id: 1 }).skip(offset).limit(size).toArray();
    return { totalCount, list: list.map(toProfile) };
  } finally {
    await client.close();
  }
}
`,

  validatePassword: String.raw`async function validatePassword(id, password, context) {
  const bcrypt = require('bcrypt');
${REQUIRE}
${TO_ID}

  const userId = toId(id);
  if (userId === null) return false;
${CLIENT}
  await client.connect();
  try {
${COLLECTION}
    const user = await users.findOne({ _id: userId }, { projection: { password_hash: 1 } });
    if (!user || !user.password_hash) return false;
    return await bcrypt.compare(String(password ?? ''), user.password_hash);
  } finally {
    await client.close();
  }
}
`,
};

export const mongodbTemplate: ConnectionTemplate = {
  name: 'mongodb',
  label: 'MongoDB',
  description:
    'A MongoDB users collection with bcrypt password hashes, through the official mongodb driver. Written for the sample collection of docs/custom-db/sample-schemas/mongodb.md.',
  schemaDoc: 'docs/custom-db/sample-schemas/mongodb.md',
  envVars: connectionEnvVars(27017, 'mongodb://app:secret@db.internal:27017/legacy'),
  scripts: tidy(scripts),
};
