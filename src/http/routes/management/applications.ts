/**
 * Applications (OpenID Connect clients) of a pool: /api/v1/pools/{pool}/applications. A confidential
 * client's secret is returned once, in the answer that creates it; it is sealed at rest and never shown
 * again. Every pool has a first-party application, created automatically.
 */
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { AUTH_METHODS, GRANT_TYPES, ID_TOKEN_ALGS, RESPONSE_TYPES } from '../../../oidc/applications.js';
import { managedPool } from '../../plugins/management-auth.js';
import {
  API_KEY_SECURITY,
  errorResponses,
  ListOf,
  NoContent,
  PaginationQuery,
  paging,
  PoolParams,
} from '../../schemas.js';
import type { ManagementPlugin } from './index.js';

const Uri = Type.String({ format: 'uri', minLength: 1, maxLength: 2048 });
const literals = <T extends string>(values: readonly T[]) => Type.Union(values.map((v) => Type.Literal(v)));

const Fields = {
  name: Type.String({ minLength: 1, maxLength: 128 }),
  redirect_uris: Type.Array(Uri, {
    maxItems: 50,
    description: 'Where the authorization endpoint may send the browser back (exact match)',
  }),
  post_logout_redirect_uris: Type.Array(Uri, { maxItems: 50 }),
  grant_types: Type.Array(literals(GRANT_TYPES), {
    minItems: 1,
    uniqueItems: true,
    description: '`password` is for first-party applications only',
  }),
  response_types: Type.Array(literals(RESPONSE_TYPES), { uniqueItems: true }),
  token_endpoint_auth_method: Type.Union(
    AUTH_METHODS.map((v) => Type.Literal(v)),
    {
      description:
        '`none` for public clients (SPAs, native apps; PKCE S256 required), `client_secret_basic` or `client_secret_post` for confidential ones',
    },
  ),
  id_token_signed_response_alg: Type.Union(
    ID_TOKEN_ALGS.map((v) => Type.Literal(v)),
    { description: 'Signature algorithm of the ID tokens issued to this client (default RS256)' },
  ),
  firstParty: Type.Boolean({
    description: 'First-party applications skip the consent page and may use the password grant',
  }),
};

const ApplicationSchema = Type.Object(
  {
    id: Type.String(),
    clientId: Type.String({ description: 'The OAuth client_id (same as id)' }),
    name: Type.String(),
    firstParty: Type.Boolean(),
    redirect_uris: Type.Array(Type.String()),
    post_logout_redirect_uris: Type.Array(Type.String()),
    grant_types: Type.Array(Type.String()),
    response_types: Type.Array(Type.String()),
    token_endpoint_auth_method: Type.String(),
    id_token_signed_response_alg: Type.String(),
    hasSecret: Type.Boolean({ description: 'Whether the client has a secret (never returned again)' }),
    createdAt: Type.String({ format: 'date-time' }),
    updatedAt: Type.String({ format: 'date-time' }),
  },
  { additionalProperties: false },
);

const WithSecret = Type.Object(
  {
    ...ApplicationSchema.properties,
    client_secret: Type.Optional(Type.String({ description: 'Returned once, when created; store it now' })),
  },
  { additionalProperties: false },
);

const CreateBody = Type.Object(
  {
    name: Fields.name,
    redirect_uris: Type.Optional(Fields.redirect_uris),
    post_logout_redirect_uris: Type.Optional(Fields.post_logout_redirect_uris),
    grant_types: Type.Optional(Fields.grant_types),
    response_types: Type.Optional(Fields.response_types),
    token_endpoint_auth_method: Type.Optional(Fields.token_endpoint_auth_method),
    id_token_signed_response_alg: Type.Optional(Fields.id_token_signed_response_alg),
    firstParty: Type.Optional(Fields.firstParty),
  },
  {
    additionalProperties: false,
    description:
      'Defaults: grant_types [authorization_code, refresh_token], response_types [code], token_endpoint_auth_method client_secret_basic.',
  },
);

const UpdateBody = Type.Partial(CreateBody, { additionalProperties: false });

const AppParams = Type.Object({
  pool: PoolParams.properties.pool,
  id: Type.String({ minLength: 1, maxLength: 128, description: 'The application (client) id' }),
});

export const applicationRoutes: ManagementPlugin = async (fastify, { services }) => {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const tags = ['applications'];
  const security = API_KEY_SECURITY;
  const apps = () => services.oidc.applications;

  app.get(
    '/pools/:pool/applications',
    {
      schema: {
        tags,
        security,
        summary: 'List applications',
        params: PoolParams,
        querystring: PaginationQuery,
        response: { 200: ListOf(ApplicationSchema), ...errorResponses(400, 401, 404) },
      },
    },
    async (request) => {
      const pool = await managedPool(services, request, request.params.pool);
      const { page, limit } = paging(request.query);
      return apps().list(pool, page, limit);
    },
  );

  app.post(
    '/pools/:pool/applications',
    {
      schema: {
        tags,
        security,
        summary: 'Create an application (OIDC client)',
        description: 'Confidential clients get a `client_secret` in this answer only.',
        params: PoolParams,
        body: CreateBody,
        response: { 201: WithSecret, ...errorResponses(400, 401, 404, 413) },
      },
    },
    async (request, reply) => {
      const pool = await managedPool(services, request, request.params.pool);
      const { application, clientSecret } = await apps().create(pool, request.body);
      return reply
        .status(201)
        .header('cache-control', 'no-store')
        .send({ ...application, ...(clientSecret ? { client_secret: clientSecret } : {}) });
    },
  );

  app.get(
    '/pools/:pool/applications/:id',
    {
      schema: {
        tags,
        security,
        summary: 'Get an application',
        params: AppParams,
        response: { 200: ApplicationSchema, ...errorResponses(401, 404) },
      },
    },
    async (request) => {
      const pool = await managedPool(services, request, request.params.pool);
      return apps().get(pool, request.params.id);
    },
  );

  app.patch(
    '/pools/:pool/applications/:id',
    {
      schema: {
        tags,
        security,
        summary: 'Update an application',
        description:
          'Changes the fields given. A public client made confidential gets a new `client_secret`, returned in this answer only.',
        params: AppParams,
        body: UpdateBody,
        response: { 200: WithSecret, ...errorResponses(400, 401, 404, 413) },
      },
    },
    async (request, reply) => {
      const pool = await managedPool(services, request, request.params.pool);
      const { application, clientSecret } = await apps().update(pool, request.params.id, request.body);
      return reply
        .header('cache-control', 'no-store')
        .send({ ...application, ...(clientSecret ? { client_secret: clientSecret } : {}) });
    },
  );

  app.delete(
    '/pools/:pool/applications/:id',
    {
      schema: {
        tags,
        security,
        summary: 'Delete an application',
        description: 'Tokens already issued to it stop working at the next check of the client.',
        params: AppParams,
        response: { 204: NoContent, ...errorResponses(401, 404) },
      },
    },
    async (request, reply) => {
      const pool = await managedPool(services, request, request.params.pool);
      await apps().delete(pool, request.params.id);
      return reply.status(204).send(null);
    },
  );
};
