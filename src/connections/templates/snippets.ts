/**
 * JavaScript fragments shared by several template sets. Each script a template ships is complete on its
 * own (operators copy, read and edit one script at a time), so these are pasted into the scripts' text,
 * indented for a function body, rather than shared at run time.
 */

/** Numeric legacy ids (`serial` / `INT AUTO_INCREMENT`): anything else cannot name a user. */
export const TO_ID = String.raw`
  // Legacy ids are positive integers (PostgreSQL "integer": at most 2147483647). Anything else cannot
  // name a user, so it is never sent to the database.
  const toId = (value) =>
    /^[1-9][0-9]{0,9}$/.test(String(value)) && Number(value) <= 2147483647 ? Number(value) : null;`;

/** Legacy row (snake_case columns) → Gatehouse profile; `id` is how the row's id is read. */
export function toProfile(id = 'String(row.id)'): string {
  return String.raw`
  // Legacy columns → Gatehouse profile fields. Flags may come as true/false, 1/0 or 't'/'f'.
  const flag = (value) => value === true || value === 1 || value === '1' || value === 't';
  const toProfile = (row) => ({
    id: ${id},
    email: row.email,
    emailVerified: flag(row.email_verified),
    username: row.username,
    phone: row.phone,
    nickname: row.nickname,
    name: row.name,
    givenName: row.given_name,
    familyName: row.family_name,
    photo: row.avatar_url,
    gender: row.gender,
    birthdate: row.birthdate,
    blocked: flag(row.disabled),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  });`;
}

/** The profile mapping of the SQL templates (numeric `id` column). */
export const TO_PROFILE = toProfile();

/** Gatehouse profile fields → legacy columns, and how a value is written to each. */
export function columnsByField(flagValue: 'boolean' | 'number'): string {
  const flag = flagValue === 'boolean' ? 'Boolean(value)' : '(value ? 1 : 0)';
  return String.raw`
  // Gatehouse profile fields → legacy columns: the only columns this script writes. Other fields are
  // ignored (add them here, with a column, to keep them).
  const COLUMNS_BY_FIELD = {
    email: 'email',
    username: 'username',
    phone: 'phone',
    nickname: 'nickname',
    name: 'name',
    givenName: 'given_name',
    familyName: 'family_name',
    photo: 'avatar_url',
    gender: 'gender',
    birthdate: 'birthdate',
    emailVerified: 'email_verified',
    blocked: 'disabled',
  };
  const FLAG_COLUMNS = ['email_verified', 'disabled'];
  const columnValue = (column, value) =>
    value === null ? null : FLAG_COLUMNS.includes(column) ? ${flag} : String(value);`;
}

/** page/limit as the contract gives them → a safe LIMIT and OFFSET. */
export const PAGING = String.raw`
  // page starts at 1; limit is kept between 1 and 100 (the management API's page size bounds).
  const size = Math.min(Math.max(Math.trunc(Number(limit)) || 20, 1), 100);
  const offset = (Math.min(Math.max(Math.trunc(Number(page)) || 1, 1), 1000000) - 1) * size;`;

/** A LIKE pattern matching the keyword anywhere, its own `%`, `_` and `\` taken literally. */
export const LIKE_PATTERN = String.raw`
  // Match the keyword anywhere; its own %, _ and \ are escaped so they match literally
  // (backslash is the default LIKE escape character of PostgreSQL and MySQL).
  const pattern = '%' + String(keyword ?? '').replace(/[\\%_]/g, '\\$&') + '%';
  // A search returns at most this many users (totalCount still counts them all).
  const MAX_RESULTS = 100;`;

export const BCRYPT_ROUNDS = String.raw`
  const BCRYPT_ROUNDS = 10;`;

/** Drops the blank line a leading fragment leaves after a function's opening brace, and doubled blank lines. */
export function tidy<T extends Record<string, string>>(scripts: T): T {
  return Object.fromEntries(
    Object.entries(scripts).map(([name, source]) => [
      name,
      source.replace(/\) \{\n\n/, ') {\n').replace(/\n{3,}/g, '\n\n'),
    ]),
  ) as T;
}
