/**
 * The reference legacy user service: a small HTTP API in front of the sample `users` table, the kind of
 * service the `http` template of Gatehouse talks to. Every route needs the API key in `x-api-key`.
 *
 *   POST   /auth/verify                  { email | username | phone, password } → 200 { user } | 401 | 404
 *   GET    /users/by?email=|username=|phone=|id=                                → 200 { user } | 404
 *   GET    /users?page=1&limit=20&q=                                            → 200 { total, users }
 *   POST   /users                        { …fields, password? }                → 201 { user } | 409 | 400
 *   PATCH  /users/:id                    { …fields, password? }                → 200 { user } | 404 | 409 | 400
 *   DELETE /users/:id                                                           → 204 | 404
 *   POST   /users/:id/verify-password    { password }                          → 200 { valid } | 404
 *
 * Errors are `{ error, message }`.
 */
import { timingSafeEqual } from 'node:crypto';
import Fastify, { type FastifyInstance, type FastifyReply } from 'fastify';
import {
  InvalidValueError,
  UserExistsError,
  UserStore,
  type WRITABLE_FIELDS,
  parseId,
  type Database,
  type LookupField,
  type UserFields,
} from './store.js';

export interface LegacyServiceOptions {
  db: Database;
  /** The key clients must send in the `x-api-key` header. */
  apiKey: string;
  logger?: boolean;
}

const nullableString = (maxLength: number) => ({ type: ['string', 'null'], maxLength });
const FIELD_SCHEMAS: Record<(typeof WRITABLE_FIELDS)[number], object> = {
  email: nullableString(255),
  username: nullableString(64),
  phone: nullableString(32),
  nickname: nullableString(100),
  name: nullableString(200),
  given_name: nullableString(100),
  family_name: nullableString(100),
  avatar_url: nullableString(500),
  gender: { type: ['string', 'null'], enum: ['M', 'F', 'U', null] },
  birthdate: { type: ['string', 'null'], pattern: '^\\d{4}-\\d{2}-\\d{2}$' },
  email_verified: { type: 'boolean' },
  disabled: { type: 'boolean' },
};
const userBody = {
  type: 'object',
  additionalProperties: false,
  properties: { ...FIELD_SCHEMAS, password: { type: 'string', minLength: 1, maxLength: 1024 } },
} as const;
const identifiers = {
  email: { type: 'string', minLength: 1, maxLength: 320 },
  username: { type: 'string', minLength: 1, maxLength: 128 },
  phone: { type: 'string', minLength: 1, maxLength: 64 },
} as const;
const idParams = {
  type: 'object',
  required: ['id'],
  properties: { id: { type: 'string', maxLength: 32 } },
} as const;

type UserBody = UserFields & { password?: string };
type Identifier = Partial<Record<LookupField, string>>;

/** The first identifier present, in the order id, email, username, phone. */
function pickIdentifier(query: Identifier): [LookupField, string] | null {
  for (const field of ['id', 'email', 'username', 'phone'] as const) {
    const value = query[field];
    if (value !== undefined && value !== '') return [field, value];
  }
  return null;
}

function splitBody(body: UserBody): { fields: UserFields; password?: string } {
  const { password, ...fields } = body;
  return password === undefined ? { fields } : { fields, password };
}

function sendError(reply: FastifyReply, status: number, error: string, message: string) {
  return reply.code(status).send({ error, message });
}

export function buildLegacyService(options: LegacyServiceOptions): FastifyInstance {
  const app = Fastify({ logger: options.logger ?? false });
  const store = new UserStore(options.db);
  const expectedKey = Buffer.from(options.apiKey);

  app.addHook('onRequest', async (request, reply) => {
    const given = Buffer.from(String(request.headers['x-api-key'] ?? ''));
    if (given.length !== expectedKey.length || !timingSafeEqual(given, expectedKey)) {
      return sendError(reply, 401, 'unauthorized', 'A valid x-api-key header is required');
    }
  });

  app.setErrorHandler((error, _request, reply) => {
    if (error instanceof UserExistsError) return sendError(reply, 409, 'user_exists', error.message);
    if (error instanceof InvalidValueError) return sendError(reply, 400, 'invalid_value', error.message);
    const validation = (error as { validation?: unknown }).validation;
    if (validation) return sendError(reply, 400, 'invalid_request', (error as Error).message);
    reply.log.error(error);
    return sendError(reply, 500, 'internal_error', 'Internal error');
  });

  app.post<{ Body: Identifier & { password: string } }>(
    '/auth/verify',
    {
      schema: {
        body: {
          type: 'object',
          required: ['password'],
          additionalProperties: false,
          properties: { ...identifiers, password: { type: 'string', maxLength: 1024 } },
        },
      },
    },
    async (request, reply) => {
      const identifier = pickIdentifier(request.body);
      if (!identifier)
        return sendError(reply, 400, 'invalid_request', 'email, username or phone is required');
      const result = await store.verify(identifier[0], identifier[1], request.body.password);
      if (!result) return sendError(reply, 404, 'user_not_found', 'No such user');
      if (!result.valid) return sendError(reply, 401, 'wrong_password', 'Wrong password');
      return { user: result.user };
    },
  );

  app.get<{ Querystring: Identifier }>(
    '/users/by',
    {
      schema: {
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { ...identifiers, id: { type: 'string', maxLength: 32 } },
        },
      },
    },
    async (request, reply) => {
      const identifier = pickIdentifier(request.query);
      if (!identifier)
        return sendError(reply, 400, 'invalid_request', 'id, email, username or phone is required');
      const found = await store.find(identifier[0], identifier[1]);
      if (!found) return sendError(reply, 404, 'user_not_found', 'No such user');
      const { passwordHash: _hash, ...user } = found;
      return { user };
    },
  );

  app.get<{ Querystring: { page: number; limit: number; q?: string } }>(
    '/users',
    {
      schema: {
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            page: { type: 'integer', minimum: 1, maximum: 1000000, default: 1 },
            limit: { type: 'integer', minimum: 1, maximum: 100, default: 20 },
            q: { type: 'string', maxLength: 256 },
          },
        },
      },
    },
    async (request) => store.list(request.query.page, request.query.limit, request.query.q),
  );

  app.post<{ Body: UserBody }>('/users', { schema: { body: userBody } }, async (request, reply) => {
    const { fields, password } = splitBody(request.body);
    if (!fields.email && !fields.username && !fields.phone) {
      return sendError(reply, 400, 'invalid_request', 'email, username or phone is required');
    }
    const user = await store.create(fields, password);
    return reply.code(201).send({ user });
  });

  app.patch<{ Params: { id: string }; Body: UserBody }>(
    '/users/:id',
    { schema: { params: idParams, body: userBody } },
    async (request, reply) => {
      const id = parseId(request.params.id);
      const { fields, password } = splitBody(request.body);
      const user = id === null ? null : await store.update(id, fields, password);
      if (!user) return sendError(reply, 404, 'user_not_found', 'No such user');
      return { user };
    },
  );

  app.delete<{ Params: { id: string } }>(
    '/users/:id',
    { schema: { params: idParams } },
    async (request, reply) => {
      const id = parseId(request.params.id);
      if (id === null || !(await store.remove(id)))
        return sendError(reply, 404, 'user_not_found', 'No such user');
      return reply.code(204).send();
    },
  );

  app.post<{ Params: { id: string }; Body: { password: string } }>(
    '/users/:id/verify-password',
    {
      schema: {
        params: idParams,
        body: {
          type: 'object',
          required: ['password'],
          additionalProperties: false,
          properties: { password: { type: 'string', maxLength: 1024 } },
        },
      },
    },
    async (request, reply) => {
      const result = await store.verify('id', request.params.id, request.body.password);
      if (!result) return sendError(reply, 404, 'user_not_found', 'No such user');
      return { valid: result.valid };
    },
  );

  return app;
}
