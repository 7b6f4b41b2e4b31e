/**
 * Users of a pool: /api/v1/pools/{pool}/users. Every call goes through the pool's UserDirectory, so the
 * same routes serve local users and, with a custom database connection, the operator's database (paging
 * passed straight through: one directory call per request).
 */
import type { FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import {
  EditableProfileFields,
  NewUserSchema,
  UserSchema,
  type NewUser,
  type User,
  type UserUpdate,
} from '../../../directory/profile.js';
import type { DirectoryContext, UserDirectory } from '../../../directory/types.js';
import type { Pool } from '../../../pools/index.js';
import { checkPasswordPolicy } from '../../../security/password-policy.js';
import { AppError, badRequest, notFound } from '../../../shared/errors.js';
import { managedPool } from '../../plugins/management-auth.js';
import { requestInfo } from '../../request-info.js';
import {
  API_KEY_SECURITY,
  errorResponses,
  ListOf,
  NoContent,
  PagedQuery,
  paging,
  PoolParams,
  UserParams,
} from '../../schemas.js';
import type { ManagementPlugin } from './index.js';

const Password = Type.String({
  minLength: 1,
  maxLength: 1024,
  description: "Plain text; checked against the pool's password policy and stored hashed",
});

/** Identifiers may be cleared with `null` but never set to an empty string. */
const identifier = (maxLength: number) =>
  Type.Optional(Type.Union([Type.String({ minLength: 1, maxLength }), Type.Null()]));
const Identifiers = { email: identifier(320), username: identifier(128), phone: identifier(32) };

const CreateUserBody = Type.Object(
  { ...NewUserSchema.properties, ...Identifiers, password: Type.Optional(Password) },
  {
    additionalProperties: false,
    description:
      'Profile fields (at least one of email, username, phone), optionally a password and the blocked flag.',
  },
);

const UpdateUserBody = Type.Object(
  {
    ...Object.fromEntries(
      Object.entries(EditableProfileFields).map(([key, schema]) => [key, Type.Optional(schema)]),
    ),
    ...Identifiers,
    blocked: Type.Optional(Type.Boolean()),
    password: Type.Optional(Password),
  },
  {
    additionalProperties: false,
    description:
      'The fields to change; `null` clears a field. `password` sets a new password, `blocked` blocks or unblocks.',
  },
);

const ListQuery = PagedQuery({
  q: Type.Optional(
    Type.String({
      maxLength: 256,
      description: 'Keyword matched against email, username, phone, nickname and name (or an exact id)',
    }),
  ),
});

const IDENTIFIERS = ['email', 'username', 'phone'] as const;

const hasIdentifier = (profile: Partial<Record<(typeof IDENTIFIERS)[number], string | null>>): boolean =>
  IDENTIFIERS.some((key) => typeof profile[key] === 'string' && profile[key].trim() !== '');

export const userRoutes: ManagementPlugin = async (fastify, { services }) => {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const tags = ['users'];
  const security = API_KEY_SECURITY;

  /** The pool the caller may manage, its directory and the context every directory call takes. */
  async function scope(
    request: FastifyRequest,
  ): Promise<{ pool: Pool; directory: UserDirectory; ctx: DirectoryContext }> {
    const pool = await managedPool(services, request, (request.params as { pool: string }).pool);
    const directory = await services.directories.forPool(pool);
    return { pool, directory, ctx: { pool, request: requestInfo(request) } };
  }

  async function existing(directory: UserDirectory, ctx: DirectoryContext, id: string): Promise<User> {
    const user = await directory.findById(ctx, id);
    if (!user) throw notFound(`No user "${id}"`, 'user_not_found');
    return user;
  }

  function checkPolicy(pool: Pool, password: string): void {
    const problems = checkPasswordPolicy(password, pool.settings.passwordPolicy);
    if (problems.length > 0) {
      throw new AppError(400, 'weak_password', `The password must contain ${problems.join(', ')}`);
    }
  }

  async function setBlocked(request: FastifyRequest, blocked: boolean): Promise<User> {
    const { directory, ctx } = await scope(request);
    const { id } = request.params as { id: string };
    await existing(directory, ctx, id);
    return directory.update(ctx, id, { blocked });
  }

  app.get(
    '/pools/:pool/users',
    {
      schema: {
        tags,
        security,
        summary: 'List or search users',
        description:
          'Newest first. With `q`, a case-insensitive substring search over email, username, phone, nickname and name.',
        params: PoolParams,
        querystring: ListQuery,
        response: { 200: ListOf(UserSchema), ...errorResponses(400, 401, 404, 503) },
      },
    },
    async (request) => {
      const { directory, ctx } = await scope(request);
      const { page, limit } = paging(request.query);
      const q = request.query.q;
      const keyword = q?.trim();
      return directory.list(ctx, { page, limit, ...(keyword ? { keyword } : {}) });
    },
  );

  app.post(
    '/pools/:pool/users',
    {
      schema: {
        tags,
        security,
        summary: 'Create a user',
        description:
          "The password is optional (a user without one logs in after a password reset); when given, the pool's password policy applies. Email is unique case-insensitively, username case-sensitively, phone (stored in E.164) per pool.",
        params: PoolParams,
        body: CreateUserBody,
        response: { 201: UserSchema, ...errorResponses(400, 401, 404, 409, 413, 503) },
      },
    },
    async (request, reply) => {
      const { pool, directory, ctx } = await scope(request);
      const input = request.body as NewUser;
      if (!hasIdentifier(input)) {
        throw badRequest('Give at least one of email, username or phone', 'invalid_identifier');
      }
      if (input.password !== undefined) checkPolicy(pool, input.password);
      const user = await directory.create(ctx, input);
      return reply.status(201).send(user);
    },
  );

  app.get(
    '/pools/:pool/users/:id',
    {
      schema: {
        tags,
        security,
        summary: 'Get a user',
        params: UserParams,
        response: { 200: UserSchema, ...errorResponses(400, 401, 404, 503) },
      },
    },
    async (request) => {
      const { directory, ctx } = await scope(request);
      return existing(directory, ctx, request.params.id);
    },
  );

  app.patch(
    '/pools/:pool/users/:id',
    {
      schema: {
        tags,
        security,
        summary: 'Update a user',
        description:
          "Changes the given profile fields (`null` clears one), `blocked`, and with `password` sets a new password (the pool's password policy applies).",
        params: UserParams,
        body: UpdateUserBody,
        response: { 200: UserSchema, ...errorResponses(400, 401, 404, 409, 413, 503) },
      },
    },
    async (request) => {
      const { pool, directory, ctx } = await scope(request);
      const id = request.params.id;
      const { password, ...patch } = request.body as UserUpdate & { password?: string };
      const current = await existing(directory, ctx, id);
      if (!hasIdentifier({ ...current, ...patch })) {
        throw badRequest('A user keeps at least one of email, username or phone', 'invalid_identifier');
      }
      if (password !== undefined) checkPolicy(pool, password);
      let user = Object.keys(patch).length > 0 ? await directory.update(ctx, id, patch) : current;
      if (password !== undefined) {
        await directory.setPassword(ctx, id, password);
        user = await existing(directory, ctx, id);
      }
      return user;
    },
  );

  app.delete(
    '/pools/:pool/users/:id',
    {
      schema: {
        tags,
        security,
        summary: 'Delete a user',
        params: UserParams,
        response: { 204: NoContent, ...errorResponses(400, 401, 404, 503) },
      },
    },
    async (request, reply) => {
      const { directory, ctx } = await scope(request);
      await directory.delete(ctx, request.params.id);
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/pools/:pool/users/:id/block',
    {
      schema: {
        tags,
        security,
        summary: 'Block a user',
        description: 'A blocked user cannot log in (403 user_blocked). Same as PATCH `{ "blocked": true }`.',
        params: UserParams,
        response: { 200: UserSchema, ...errorResponses(400, 401, 404, 503) },
      },
    },
    async (request) => setBlocked(request, true),
  );

  app.post(
    '/pools/:pool/users/:id/unblock',
    {
      schema: {
        tags,
        security,
        summary: 'Unblock a user',
        description: 'Same as PATCH `{ "blocked": false }`.',
        params: UserParams,
        response: { 200: UserSchema, ...errorResponses(400, 401, 404, 503) },
      },
    },
    async (request) => setBlocked(request, false),
  );
};
