/**
 * The authentication API of a pool: /api/v1/pools/{pool}/auth/… (DESIGN.md §5).
 */
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { Type, type TSchema } from '@sinclair/typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Services } from '../../services.js';
import type { Pool } from '../../pools/index.js';
import { NewUserSchema, UserSchema, type User } from '../../directory/profile.js';
import { AppError, unauthorized } from '../../shared/errors.js';
import { requestInfo } from '../request-info.js';

const ErrorSchema = Type.Object({
  error: Type.Object({ code: Type.String(), message: Type.String() }, { additionalProperties: true }),
});

const PoolParams = Type.Object({ pool: Type.String({ maxLength: 63 }) });

const Identifiers = {
  email: Type.Optional(Type.String({ minLength: 1, maxLength: 320 })),
  username: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
  phone: Type.Optional(Type.String({ minLength: 1, maxLength: 32 })),
  account: Type.Optional(Type.String({ minLength: 1, maxLength: 320 })),
};

const LoginBody = Type.Object(
  {
    ...Identifiers,
    password: Type.String({ minLength: 1, maxLength: 1024 }),
    client_id: Type.Optional(Type.String({ maxLength: 128 })),
    scope: Type.Optional(Type.String({ maxLength: 1024 })),
  },
  { additionalProperties: false },
);

const TokenResponse = Type.Object({
  access_token: Type.String(),
  id_token: Type.String(),
  refresh_token: Type.Optional(Type.String()),
  token_type: Type.Literal('Bearer'),
  expires_in: Type.Integer(),
  scope: Type.String(),
  user: UserSchema,
});

const RegisterBody = Type.Composite(
  [NewUserSchema, Type.Object({ password: Type.String({ minLength: 1, maxLength: 1024 }) })],
  {
    additionalProperties: false,
  },
);

const errors = (...codes: number[]): Record<number, TSchema> =>
  Object.fromEntries(codes.map((c) => [c, ErrorSchema]));

export const authRoutes: FastifyPluginAsync<{ services: Services }> = async (fastify, { services }) => {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const tags = ['authentication'];

  const poolOf = (request: FastifyRequest): Promise<Pool> =>
    services.pools.resolve((request.params as { pool: string }).pool);

  /** The user behind the request's bearer access token. */
  async function currentUser(request: FastifyRequest, pool: Pool): Promise<User> {
    const header = request.headers.authorization ?? '';
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match)
      throw unauthorized('Send the access token as "Authorization: Bearer <token>"', 'missing_token');
    const token = await services.oidc.verifyAccessToken(pool, match[1]!);
    const user = await services.auth.findAccount(pool, token.subject);
    if (!user) throw unauthorized('The user of this token no longer exists', 'invalid_token');
    if (user.blocked) throw new AppError(403, 'user_blocked', 'This account is blocked');
    return user;
  }

  app.post(
    '/register',
    {
      schema: {
        tags,
        summary: 'Register a user with a password',
        params: PoolParams,
        body: RegisterBody,
        response: { 201: Type.Object({ user: UserSchema }), ...errors(400, 403, 404, 409, 429, 503) },
      },
    },
    async (request, reply) => {
      const pool = await poolOf(request);
      const user = await services.auth.register(pool, request.body as never, requestInfo(request));
      return reply.status(201).send({ user });
    },
  );

  app.post(
    '/login',
    {
      schema: {
        tags,
        summary: 'Log in with email, username, phone or account, and password',
        description:
          "Runs the pool's first-party password grant: the tokens come from the pool's OpenID Connect authority.",
        params: PoolParams,
        body: LoginBody,
        response: { 200: TokenResponse, ...errors(400, 401, 403, 404, 429, 503) },
      },
    },
    async (request) => {
      const pool = await poolOf(request);
      const { client_id, scope, ...credentials } = request.body;
      const { tokens, user } = await services.oidc.passwordGrant(pool, credentials, requestInfo(request), {
        ...(client_id ? { clientId: client_id } : {}),
        ...(scope ? { scope } : {}),
      });
      return { ...tokens, user };
    },
  );

  app.get(
    '/me',
    {
      schema: {
        tags,
        summary: 'The profile of the user of the access token',
        security: [{ accessToken: [] }],
        params: PoolParams,
        response: { 200: UserSchema, ...errors(401, 403, 404) },
      },
    },
    async (request) => {
      const pool = await poolOf(request);
      return currentUser(request, pool);
    },
  );

  app.post(
    '/password/change',
    {
      schema: {
        tags,
        summary: 'Change the password of the user of the access token',
        security: [{ accessToken: [] }],
        params: PoolParams,
        body: Type.Object(
          {
            oldPassword: Type.String({ minLength: 1, maxLength: 1024 }),
            newPassword: Type.String({ minLength: 1, maxLength: 1024 }),
          },
          { additionalProperties: false },
        ),
        response: { 204: Type.Null(), ...errors(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      const pool = await poolOf(request);
      const user = await currentUser(request, pool);
      await services.auth.changePassword(
        pool,
        user.id,
        request.body.oldPassword,
        request.body.newPassword,
        requestInfo(request),
      );
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/password/reset-request',
    {
      schema: {
        tags,
        summary: 'Send a password reset mail',
        description: 'Answers 202 whether or not the address belongs to a user.',
        params: PoolParams,
        body: Type.Object(
          { email: Type.String({ minLength: 3, maxLength: 320 }) },
          { additionalProperties: false },
        ),
        response: {
          202: Type.Object({ status: Type.Literal('sent_if_registered') }),
          ...errors(400, 404, 429),
        },
      },
    },
    async (request, reply) => {
      const pool = await poolOf(request);
      await services.auth.requestPasswordReset(pool, request.body.email, requestInfo(request));
      return reply.status(202).send({ status: 'sent_if_registered' as const });
    },
  );

  app.post(
    '/password/reset',
    {
      schema: {
        tags,
        summary: 'Set a new password with a reset token',
        params: PoolParams,
        body: Type.Object(
          {
            token: Type.String({ minLength: 10, maxLength: 256 }),
            newPassword: Type.String({ minLength: 1, maxLength: 1024 }),
          },
          { additionalProperties: false },
        ),
        response: { 204: Type.Null(), ...errors(400, 404) },
      },
    },
    async (request, reply) => {
      const pool = await poolOf(request);
      await services.auth.resetPassword(
        pool,
        request.body.token,
        request.body.newPassword,
        requestInfo(request),
      );
      return reply.status(204).send(null);
    },
  );
};
