/**
 * The `http` template: the eight genauth scripts for a legacy web service in front of the user database
 * (the database itself is never exposed). Written for the reference service of
 * examples/legacy-http-service, whose API is documented in its README and in docs/custom-db/templates.md.
 * Requests go out with `fetch`; the API key travels in the `x-api-key` header; path and query values are
 * URL-encoded, and the service answers in the legacy (snake_case) field names, mapped here.
 */
import { TO_ID, TO_PROFILE, tidy } from './snippets.js';
import type { ConnectionTemplate, ScriptName } from './types.js';

const CALL = String.raw`
  // One request to the user service. Resolves { status, body } with the JSON body parsed (null if empty).
  const call = async (method, path, body) => {
    const response = await fetch(String(env.API_BASE_URL).replace(/\/+$/, '') + path, {
      method,
      headers: {
        accept: 'application/json',
        'x-api-key': env.API_KEY,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : null };
  };
  // Any answer the contract has no meaning for (a 500, a refused API key) fails the call.
  const unexpected = (response) => {
    const detail = response.body && response.body.message ? ': ' + response.body.message : '';
    const error = new Error('The user service answered HTTP ' + response.status + detail);
    // A server-side failure means the service is unavailable, not that the credentials are wrong.
    if (response.status >= 500) error.code = 'ERR_BAD_RESPONSE';
    return error;
  };`;

const FIELDS = String.raw`
  // Gatehouse profile fields → the service's field names: the only fields this script sends.
  const SERVICE_FIELDS = {
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
  const toServiceFields = (fields) => {
    const body = {};
    for (const [field, name] of Object.entries(SERVICE_FIELDS)) {
      if (fields[field] !== undefined) body[name] = fields[field];
    }
    // A password travels in plain text over the service's HTTPS: the service stores its bcrypt hash.
    if (fields.password !== undefined && fields.password !== null) body.password = String(fields.password);
    return body;
  };`;

const IDENTIFIER = String.raw`
  // The one identifier the query names, as a query-string parameter.
  const identifier = (query) => {
    if (query.email) return { email: String(query.email) };
    if (query.username) return { username: String(query.username) };
    if (query.phone) return { phone: String(query.phone) };
    return null;
  };`;

const scripts: Record<ScriptName, string> = {
  login: String.raw`async function login(query, password, context) {
${TO_PROFILE}
${IDENTIFIER}
${CALL}

  const by = identifier(query);
  if (!by) throw new UserNotFoundError();
  const response = await call('POST', '/auth/verify', { ...by, password: String(password ?? '') });
  // A disabled account comes back as blocked: Gatehouse refuses its logins (403 user_blocked).
  if (response.status === 200) return toProfile(response.body.user);
  if (response.status === 401) throw new WrongUsernameOrPasswordError();
  if (response.status === 404) throw new UserNotFoundError();
  throw unexpected(response);
}
`,

  getUser: String.raw`async function getUser(query, context) {
${TO_ID}
${TO_PROFILE}
${IDENTIFIER}
${CALL}

  let by;
  if (query.id !== undefined && query.id !== null) {
    const id = toId(query.id);
    if (id === null) return null;
    by = { id: String(id) };
  } else {
    by = identifier(query);
  }
  if (!by) return null;
  const response = await call('GET', '/users/by?' + new URLSearchParams(by));
  if (response.status === 200) return toProfile(response.body.user);
  if (response.status === 404) return null;
  throw unexpected(response);
}
`,

  searchUser: String.raw`async function searchUser(keyword, context) {
${TO_PROFILE}
${CALL}

  // The service matches the keyword anywhere in email, username, phone, nickname and name.
  // A search returns at most this many users (totalCount still counts them all).
  const MAX_RESULTS = 100;
  const params = new URLSearchParams({ q: String(keyword ?? ''), page: '1', limit: String(MAX_RESULTS) });
  const response = await call('GET', '/users?' + params);
  if (response.status !== 200) throw unexpected(response);
  return { totalCount: response.body.total, list: response.body.users.map(toProfile) };
}
`,

  createUser: String.raw`async function createUser(userinfo, context) {
${TO_PROFILE}
${FIELDS}
${CALL}

  if (!userinfo.email && !userinfo.username && !userinfo.phone) {
    throw new ValidationError('An email, a username or a phone number is required', 'identifier_required');
  }
  const response = await call('POST', '/users', toServiceFields(userinfo));
  if (response.status === 201) return toProfile(response.body.user);
  if (response.status === 409) throw new UserExistsError('A user with this email, username or phone already exists');
  if (response.status === 400) throw new ValidationError(response.body.message, 'invalid_value');
  throw unexpected(response);
}
`,

  updateUser: String.raw`async function updateUser(id, updates, context) {
${TO_ID}
${TO_PROFILE}
${FIELDS}
${CALL}

  const userId = toId(id);
  if (userId === null) throw new UserNotFoundError();
  const response = await call('PATCH', '/users/' + encodeURIComponent(userId), toServiceFields(updates));
  if (response.status === 200) return toProfile(response.body.user);
  if (response.status === 404) throw new UserNotFoundError();
  if (response.status === 409) throw new UserExistsError('A user with this email, username or phone already exists');
  if (response.status === 400) throw new ValidationError(response.body.message, 'invalid_value');
  throw unexpected(response);
}
`,

  deleteUser: String.raw`async function deleteUser(id, context) {
${TO_ID}
${CALL}

  const userId = toId(id);
  if (userId === null) throw new UserNotFoundError();
  const response = await call('DELETE', '/users/' + encodeURIComponent(userId));
  if (response.status === 204 || response.status === 200) return true;
  if (response.status === 404) throw new UserNotFoundError();
  throw unexpected(response);
}
`,

  listUsers: String.raw`async function listUsers(page, limit, context) {
${TO_PROFILE}
${CALL}

  // page starts at 1; limit is kept between 1 and 100 (the management API's page size bounds).
  const size = Math.min(Math.max(Math.trunc(Number(limit)) || 20, 1), 100);
  const number = Math.min(Math.max(Math.trunc(Number(page)) || 1, 1), 1000000);
  const params = new URLSearchParams({ page: String(number), limit: String(size) });
  const response = await call('GET', '/users?' + params);
  if (response.status !== 200) throw unexpected(response);
  return { totalCount: response.body.total, list: response.body.users.map(toProfile) };
}
`,

  validatePassword: String.raw`async function validatePassword(id, password, context) {
${TO_ID}
${CALL}

  const userId = toId(id);
  if (userId === null) return false;
  const response = await call('POST', '/users/' + encodeURIComponent(userId) + '/verify-password', {
    password: String(password ?? ''),
  });
  if (response.status === 200) return response.body.valid === true;
  if (response.status === 404) return false;
  throw unexpected(response);
}
`,
};

export const httpTemplate: ConnectionTemplate = {
  name: 'http',
  label: 'Web service (HTTP API)',
  description:
    'A legacy web service in front of the user database, called with fetch and an API key. Written for the reference service of examples/legacy-http-service (endpoints in docs/custom-db/templates.md).',
  schemaDoc: 'docs/custom-db/templates.md#http',
  envVars: [
    {
      name: 'API_BASE_URL',
      description: 'Base URL of the user service, without a trailing slash.',
      required: true,
      custom: true,
      example: 'https://users.internal.example.com',
    },
    {
      name: 'API_KEY',
      description: 'Sent as the x-api-key header of every request.',
      required: true,
      custom: true,
    },
  ],
  scripts: tidy(scripts),
};
