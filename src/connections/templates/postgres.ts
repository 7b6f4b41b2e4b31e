/**
 * The `postgres` template: the eight genauth scripts for the sample legacy `users` table of
 * docs/custom-db/sample-schemas/postgres.sql, with node-postgres in the published style
 * (`new Client(…)`, `connect()`, `end()` on every call; the sandbox pools the connections).
 */
import { BCRYPT_ROUNDS, LIKE_PATTERN, PAGING, TO_ID, TO_PROFILE, columnsByField, tidy } from './snippets.js';
import { connectionEnvVars, type ConnectionTemplate, type ScriptName } from './types.js';

const CLIENT = String.raw`
  const { Client } = require('pg');
  // The connection URI form, or the programmatic form (DB_HOST, DB_PORT, …) when no URI is set.
  const client = new Client(
    env.DB_CONNECTION_URI
      ? { connectionString: env.DB_CONNECTION_URI }
      : {
          host: env.DB_HOST,
          port: Number(env.DB_PORT || 5432),
          user: env.DB_USERNAME,
          password: env.DB_PASSWORD,
          database: env.DB_DATABASE,
        },
  );`;

const COLUMNS = String.raw`
  // The columns a profile is made of (birthdate as YYYY-MM-DD text, whatever the server's time zone).
  const COLUMNS =
    'id, email, username, phone, nickname, name, given_name, family_name, avatar_url, gender, ' +
    "to_char(birthdate, 'YYYY-MM-DD') AS birthdate, email_verified, disabled, created_at, updated_at";`;

const LOOKUP = String.raw`
  // Which user the query names. Column names are fixed here; the value is always a parameter ($1).
  const lookup = (query) => {
    if (query.id !== undefined && query.id !== null) {
      const id = toId(query.id);
      return id === null ? null : { where: 'id = $1', value: id };
    }
    if (query.email) return { where: 'lower(email) = lower($1)', value: String(query.email) };
    if (query.username) return { where: 'username = $1', value: String(query.username) };
    if (query.phone) return { where: 'phone = $1', value: String(query.phone) };
    return null;
  };`;

const WRITE_ERRORS = String.raw`
  // PostgreSQL errors on write → the contract's errors.
  const rethrow = (error) => {
    if (error && error.code === '23505') {
      // unique_violation: another user has this email, username or phone
      throw new UserExistsError('A user with this email, username or phone already exists');
    }
    if (error && typeof error.code === 'string' && (error.code.startsWith('22') || error.code === '23514')) {
      // data exception (a malformed date, a value too long) or check violation (gender)
      throw new ValidationError(error.message, 'invalid_value');
    }
    throw error;
  };`;

const scripts: Record<ScriptName, string> = {
  login: String.raw`async function login(query, password, context) {
  const bcrypt = require('bcrypt');
${TO_ID}
${LOOKUP}
${COLUMNS}
${TO_PROFILE}

  const target = lookup(query);
  if (!target) throw new UserNotFoundError();
${CLIENT}
  await client.connect();
  try {
    const { rows } = await client.query(
      'SELECT password_hash, ' + COLUMNS + ' FROM users WHERE ' + target.where + ' LIMIT 1',
      [target.value],
    );
    if (rows.length === 0) throw new UserNotFoundError();
    const user = rows[0];
    const valid = user.password_hash ? await bcrypt.compare(String(password ?? ''), user.password_hash) : false;
    if (!valid) throw new WrongUsernameOrPasswordError();
    // A disabled account comes back as blocked: Gatehouse refuses its logins (403 user_blocked).
    return toProfile(user);
  } finally {
    await client.end();
  }
}
`,

  getUser: String.raw`async function getUser(query, context) {
${TO_ID}
${LOOKUP}
${COLUMNS}
${TO_PROFILE}

  const target = lookup(query);
  if (!target) return null;
${CLIENT}
  await client.connect();
  try {
    const { rows } = await client.query(
      'SELECT ' + COLUMNS + ' FROM users WHERE ' + target.where + ' LIMIT 1',
      [target.value],
    );
    return rows.length === 0 ? null : toProfile(rows[0]);
  } finally {
    await client.end();
  }
}
`,

  searchUser: String.raw`async function searchUser(keyword, context) {
${COLUMNS}
${TO_PROFILE}
${LIKE_PATTERN}
  const MATCH =
    'email ILIKE $1 OR username ILIKE $1 OR phone ILIKE $1 OR nickname ILIKE $1 OR name ILIKE $1';
${CLIENT}
  await client.connect();
  try {
    const { rows: counted } = await client.query('SELECT count(*)::int AS total FROM users WHERE ' + MATCH, [
      pattern,
    ]);
    const { rows } = await client.query(
      'SELECT ' + COLUMNS + ' FROM users WHERE ' + MATCH + ' ORDER BY id LIMIT $2',
      [pattern, MAX_RESULTS],
    );
    return { totalCount: counted[0].total, list: rows.map(toProfile) };
  } finally {
    await client.end();
  }
}
`,

  createUser: String.raw`async function createUser(userinfo, context) {
  const bcrypt = require('bcrypt');
${BCRYPT_ROUNDS}
${COLUMNS}
${TO_PROFILE}
${columnsByField('boolean')}
${WRITE_ERRORS}

  const email = userinfo.email ? String(userinfo.email) : null;
  const username = userinfo.username ? String(userinfo.username) : null;
  const phone = userinfo.phone ? String(userinfo.phone) : null;
  if (!email && !username && !phone) {
    throw new ValidationError('An email, a username or a phone number is required', 'identifier_required');
  }

  // Column names come from COLUMNS_BY_FIELD only; every value is a parameter.
  const columns = [];
  const values = [];
  for (const [field, column] of Object.entries(COLUMNS_BY_FIELD)) {
    if (userinfo[field] === undefined || userinfo[field] === null) continue;
    columns.push(column);
    values.push(columnValue(column, userinfo[field]));
  }
  if (userinfo.password) {
    columns.push('password_hash');
    values.push(await bcrypt.hash(String(userinfo.password), BCRYPT_ROUNDS));
  }
  const placeholders = values.map((_, index) => '$' + (index + 1));
${CLIENT}
  await client.connect();
  try {
    const { rows: existing } = await client.query(
      'SELECT id FROM users WHERE lower(email) = lower($1) OR username = $2 OR phone = $3 LIMIT 1',
      [email, username, phone],
    );
    if (existing.length > 0) throw new UserExistsError('A user with this email, username or phone already exists');
    const { rows } = await client.query(
      'INSERT INTO users (' + columns.join(', ') + ') VALUES (' + placeholders.join(', ') + ') RETURNING ' + COLUMNS,
      values,
    );
    return toProfile(rows[0]);
  } catch (error) {
    rethrow(error);
  } finally {
    await client.end();
  }
}
`,

  updateUser: String.raw`async function updateUser(id, updates, context) {
  const bcrypt = require('bcrypt');
${BCRYPT_ROUNDS}
${TO_ID}
${COLUMNS}
${TO_PROFILE}
${columnsByField('boolean')}
${WRITE_ERRORS}

  const userId = toId(id);
  if (userId === null) throw new UserNotFoundError();

  // Only the fields present in updates change; null clears a field. Column names come from
  // COLUMNS_BY_FIELD only; every value is a parameter.
  const assignments = [];
  const values = [];
  for (const [field, column] of Object.entries(COLUMNS_BY_FIELD)) {
    if (updates[field] === undefined) continue;
    values.push(columnValue(column, updates[field]));
    assignments.push(column + ' = $' + values.length);
  }
  if (updates.password !== undefined && updates.password !== null) {
    // A new password arrives in plain text: store its bcrypt hash.
    values.push(await bcrypt.hash(String(updates.password), BCRYPT_ROUNDS));
    assignments.push('password_hash = $' + values.length);
  }
  assignments.push('updated_at = now()');
  values.push(userId);
${CLIENT}
  await client.connect();
  try {
    const { rows } = await client.query(
      'UPDATE users SET ' + assignments.join(', ') + ' WHERE id = $' + values.length + ' RETURNING ' + COLUMNS,
      values,
    );
    if (rows.length === 0) throw new UserNotFoundError();
    return toProfile(rows[0]);
  } catch (error) {
    rethrow(error);
  } finally {
    await client.end();
  }
}
`,

  deleteUser: String.raw`async function deleteUser(id, context) {
${TO_ID}

  const userId = toId(id);
  if (userId === null) throw new UserNotFoundError();
${CLIENT}
  await client.connect();
  try {
    const { rowCount } = await client.query('DELETE FROM users WHERE id = $1', [userId]);
    if (rowCount === 0) throw new UserNotFoundError();
    return true;
  } finally {
    await client.end();
  }
}
`,

  listUsers: String.raw`async function listUsers(page, limit, context) {
${COLUMNS}
${TO_PROFILE}
${PAGING}
${CLIENT}
  await client.connect();
  try {
    const { rows: counted } = await client.query('SELECT count(*)::int AS total FROM users');
    const { rows } = await client.query('SELECT ' + COLUMNS + ' FROM users ORDER BY id LIMIT $1 OFFSET $2', [
      size,
      offset,
    ]);
    return { totalCount: counted[0].total, list: rows.map(toProfile) };
  } finally {
    await client.end();
  }
}
`,

  validatePassword: String.raw`async function validatePassword(id, password, context) {
  const bcrypt = require('bcrypt');
${TO_ID}

  const userId = toId(id);
  if (userId === null) return false;
${CLIENT}
  await client.connect();
  try {
    const { rows } = await client.query('SELECT password_hash FROM users WHERE id = $1', [userId]);
    if (rows.length === 0 || !rows[0].password_hash) return false;
    return await bcrypt.compare(String(password ?? ''), rows[0].password_hash);
  } finally {
    await client.end();
  }
}
`,
};

export const postgresTemplate: ConnectionTemplate = {
  name: 'postgres',
  label: 'PostgreSQL',
  description:
    'A PostgreSQL users table with bcrypt password hashes, through node-postgres (pg). Written for the sample schema of docs/custom-db/sample-schemas/postgres.sql.',
  schemaDoc: 'docs/custom-db/sample-schemas/postgres.sql',
  envVars: connectionEnvVars(5432, 'postgres://app:secret@db.internal:5432/legacy'),
  scripts: tidy(scripts),
};
