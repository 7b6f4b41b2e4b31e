/**
 * The `mysql` template (MySQL and MariaDB): the eight genauth scripts for the sample legacy `users` table
 * of docs/custom-db/sample-schemas/mysql.sql, with mysql2/promise (`createConnection(…)` … `end()` on every
 * call; the sandbox pools the connections). Statements are prepared (`execute`) with `?` placeholders.
 */
import { BCRYPT_ROUNDS, LIKE_PATTERN, PAGING, TO_ID, TO_PROFILE, columnsByField, tidy } from './snippets.js';
import { connectionEnvVars, type ConnectionTemplate, type ScriptName } from './types.js';

const CONNECT = String.raw`
  const mysql = require('mysql2/promise');
  // The connection URI form, or the programmatic form (DB_HOST, DB_PORT, …) when no URI is set.
  const connection = await mysql.createConnection(
    env.DB_CONNECTION_URI || {
      host: env.DB_HOST,
      port: Number(env.DB_PORT || 3306),
      user: env.DB_USERNAME,
      password: env.DB_PASSWORD,
      database: env.DB_DATABASE,
    },
  );`;

const COLUMNS = String.raw`
  // The columns a profile is made of (birthdate as YYYY-MM-DD text, whatever the server's time zone).
  const COLUMNS =
    'id, email, username, phone, nickname, name, given_name, family_name, avatar_url, gender, ' +
    "DATE_FORMAT(birthdate, '%Y-%m-%d') AS birthdate, email_verified, disabled, created_at, updated_at";`;

const LOOKUP = String.raw`
  // Which user the query names. Column names are fixed here; the value is always a parameter (?).
  // email compares case-insensitively (the table's collation), username case-sensitively (utf8mb4_bin).
  const lookup = (query) => {
    if (query.id !== undefined && query.id !== null) {
      const id = toId(query.id);
      return id === null ? null : { where: 'id = ?', value: id };
    }
    if (query.email) return { where: 'email = ?', value: String(query.email) };
    if (query.username) return { where: 'username = ?', value: String(query.username) };
    if (query.phone) return { where: 'phone = ?', value: String(query.phone) };
    return null;
  };`;

const WRITE_ERRORS = String.raw`
  // MySQL/MariaDB errors on write → the contract's errors.
  const rethrow = (error) => {
    if (error && error.code === 'ER_DUP_ENTRY') {
      throw new UserExistsError('A user with this email, username or phone already exists');
    }
    // Incorrect value, data too long, data truncated, CHECK constraint failed (MySQL 3819, MariaDB 4025).
    if (error && [1265, 1292, 1366, 1406, 3819, 4025].includes(error.errno)) {
      throw new ValidationError(error.message, 'invalid_value');
    }
    throw error;
  };`;

const SELECT_BY_ID = String.raw`
    const [rows] = await connection.execute('SELECT ' + COLUMNS + ' FROM users WHERE id = ?', [userId]);`;

const scripts: Record<ScriptName, string> = {
  login: String.raw`async function login(query, password, context) {
  const bcrypt = require('bcrypt');
${TO_ID}
${LOOKUP}
${COLUMNS}
${TO_PROFILE}

  const target = lookup(query);
  if (!target) throw new UserNotFoundError();
${CONNECT}
  try {
    const [rows] = await connection.execute(
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
    await connection.end();
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
${CONNECT}
  try {
    const [rows] = await connection.execute(
      'SELECT ' + COLUMNS + ' FROM users WHERE ' + target.where + ' LIMIT 1',
      [target.value],
    );
    return rows.length === 0 ? null : toProfile(rows[0]);
  } finally {
    await connection.end();
  }
}
`,

  searchUser: String.raw`async function searchUser(keyword, context) {
${COLUMNS}
${TO_PROFILE}
${LIKE_PATTERN}
  // username has a binary (case-sensitive) collation: compare it lowercased like the other columns.
  const MATCH =
    'email LIKE ? OR LOWER(username) LIKE LOWER(?) OR phone LIKE ? OR nickname LIKE ? OR name LIKE ?';
  const params = [pattern, pattern, pattern, pattern, pattern];
${CONNECT}
  try {
    const [counted] = await connection.execute('SELECT COUNT(*) AS total FROM users WHERE ' + MATCH, params);
    const [rows] = await connection.execute(
      'SELECT ' + COLUMNS + ' FROM users WHERE ' + MATCH + ' ORDER BY id LIMIT ?',
      [...params, String(MAX_RESULTS)],
    );
    return { totalCount: Number(counted[0].total), list: rows.map(toProfile) };
  } finally {
    await connection.end();
  }
}
`,

  createUser: String.raw`async function createUser(userinfo, context) {
  const bcrypt = require('bcrypt');
${BCRYPT_ROUNDS}
${COLUMNS}
${TO_PROFILE}
${columnsByField('number')}
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
  const placeholders = values.map(() => '?');
${CONNECT}
  try {
    const [existing] = await connection.execute(
      'SELECT id FROM users WHERE email = ? OR username = ? OR phone = ? LIMIT 1',
      [email, username, phone],
    );
    if (existing.length > 0) throw new UserExistsError('A user with this email, username or phone already exists');
    const [result] = await connection.execute(
      'INSERT INTO users (' + columns.join(', ') + ') VALUES (' + placeholders.join(', ') + ')',
      values,
    );
    const userId = result.insertId;
${SELECT_BY_ID}
    return toProfile(rows[0]);
  } catch (error) {
    rethrow(error);
  } finally {
    await connection.end();
  }
}
`,

  updateUser: String.raw`async function updateUser(id, updates, context) {
  const bcrypt = require('bcrypt');
${BCRYPT_ROUNDS}
${TO_ID}
${COLUMNS}
${TO_PROFILE}
${columnsByField('number')}
${WRITE_ERRORS}

  const userId = toId(id);
  if (userId === null) throw new UserNotFoundError();

  // Only the fields present in updates change; null clears a field. Column names come from
  // COLUMNS_BY_FIELD only; every value is a parameter.
  const assignments = [];
  const values = [];
  for (const [field, column] of Object.entries(COLUMNS_BY_FIELD)) {
    if (updates[field] === undefined) continue;
    assignments.push(column + ' = ?');
    values.push(columnValue(column, updates[field]));
  }
  if (updates.password !== undefined && updates.password !== null) {
    // A new password arrives in plain text: store its bcrypt hash.
    assignments.push('password_hash = ?');
    values.push(await bcrypt.hash(String(updates.password), BCRYPT_ROUNDS));
  }
  assignments.push('updated_at = CURRENT_TIMESTAMP');
${CONNECT}
  try {
    await connection.execute('UPDATE users SET ' + assignments.join(', ') + ' WHERE id = ?', [...values, userId]);
${SELECT_BY_ID}
    if (rows.length === 0) throw new UserNotFoundError();
    return toProfile(rows[0]);
  } catch (error) {
    rethrow(error);
  } finally {
    await connection.end();
  }
}
`,

  deleteUser: String.raw`async function deleteUser(id, context) {
${TO_ID}

  const userId = toId(id);
  if (userId === null) throw new UserNotFoundError();
${CONNECT}
  try {
    const [result] = await connection.execute('DELETE FROM users WHERE id = ?', [userId]);
    if (result.affectedRows === 0) throw new UserNotFoundError();
    return true;
  } finally {
    await connection.end();
  }
}
`,

  listUsers: String.raw`async function listUsers(page, limit, context) {
${COLUMNS}
${TO_PROFILE}
${PAGING}
${CONNECT}
  try {
    const [counted] = await connection.execute('SELECT COUNT(*) AS total FROM users');
    // LIMIT/OFFSET parameters are passed as strings: MySQL 8's prepared statements reject numbers there.
    const [rows] = await connection.execute('SELECT ' + COLUMNS + ' FROM users ORDER BY id LIMIT ? OFFSET ?', [
      String(size),
      String(offset),
    ]);
    return { totalCount: Number(counted[0].total), list: rows.map(toProfile) };
  } finally {
    await connection.end();
  }
}
`,

  validatePassword: String.raw`async function validatePassword(id, password, context) {
  const bcrypt = require('bcrypt');
${TO_ID}

  const userId = toId(id);
  if (userId === null) return false;
${CONNECT}
  try {
    const [rows] = await connection.execute('SELECT password_hash FROM users WHERE id = ?', [userId]);
    if (rows.length === 0 || !rows[0].password_hash) return false;
    return await bcrypt.compare(String(password ?? ''), rows[0].password_hash);
  } finally {
    await connection.end();
  }
}
`,
};

export const mysqlTemplate: ConnectionTemplate = {
  name: 'mysql',
  label: 'MySQL / MariaDB',
  description:
    'A MySQL or MariaDB users table with bcrypt password hashes, through mysql2/promise. Written for the sample schema of docs/custom-db/sample-schemas/mysql.sql.',
  schemaDoc: 'docs/custom-db/sample-schemas/mysql.sql',
  envVars: connectionEnvVars(3306, 'mysql://app:secret@db.internal:3306/legacy'),
  scripts: tidy(scripts),
};
