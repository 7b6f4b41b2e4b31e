/**
 * Management API keys of a pool: /api/v1/pools/{pool}/api-keys. Keys are stored as SHA-256 digests; the
 * key itself is shown once, in the answer to its creation. A pool's key manages its own pool's keys;
 * instance-wide keys (the bootstrap key) are not listed here and are managed with the CLI.
 */
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { managedPool } from '../../plugins/management-auth.js';
import {
  API_KEY_SECURITY,
  ApiKeyParams,
  errorResponses,
  ListOf,
  NoContent,
  PaginationQuery,
  paging,
  PoolParams,
} from '../../schemas.js';
import type { ManagementPlugin } from './index.js';

const ApiKeyProperties = {
  id: Type.String(),
  name: Type.String(),
  poolId: Type.Union([Type.String(), Type.Null()], { description: 'null for instance-wide keys' }),
  prefix: Type.String({ description: 'The first characters of the key, to recognise it' }),
  createdAt: Type.String({ format: 'date-time' }),
  lastUsedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()], {
    description: 'Updated at most once a minute',
  }),
};

const ApiKeySchema = Type.Object(ApiKeyProperties, {
  additionalProperties: false,
  description: 'An API key, without the key itself',
});

const CreatedApiKeySchema = Type.Object(
  {
    ...ApiKeyProperties,
    key: Type.String({ description: 'The key in clear: shown this once, store it now' }),
  },
  { additionalProperties: false },
);

const CreateApiKeyBody = Type.Object(
  { name: Type.String({ minLength: 1, maxLength: 128, description: 'What the key is for' }) },
  { additionalProperties: false },
);

export const apiKeyRoutes: ManagementPlugin = async (fastify, { services }) => {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const tags = ['api-keys'];
  const security = API_KEY_SECURITY;

  app.get(
    '/pools/:pool/api-keys',
    {
      schema: {
        tags,
        security,
        summary: "List a pool's API keys",
        description: 'Oldest first. Neither the keys nor their digests are ever returned.',
        params: PoolParams,
        querystring: PaginationQuery,
        response: { 200: ListOf(ApiKeySchema), ...errorResponses(400, 401, 404) },
      },
    },
    async (request) => {
      const pool = await managedPool(services, request, request.params.pool);
      const { page, limit } = paging(request.query);
      return services.apiKeys.listPage(pool.id, page, limit);
    },
  );

  app.post(
    '/pools/:pool/api-keys',
    {
      schema: {
        tags,
        security,
        summary: 'Create an API key for a pool',
        description: 'The answer holds the key in clear, once; only its digest is stored.',
        params: PoolParams,
        body: CreateApiKeyBody,
        response: { 201: CreatedApiKeySchema, ...errorResponses(400, 401, 404, 413) },
      },
    },
    async (request, reply) => {
      const pool = await managedPool(services, request, request.params.pool);
      const { key, info } = await services.apiKeys.create(pool.id, request.body.name);
      return reply.status(201).send({ ...info, key });
    },
  );

  app.delete(
    '/pools/:pool/api-keys/:id',
    {
      schema: {
        tags,
        security,
        summary: 'Revoke an API key',
        description: 'The key stops working at once. A key may revoke itself.',
        params: ApiKeyParams,
        response: { 204: NoContent, ...errorResponses(400, 401, 404) },
      },
    },
    async (request, reply) => {
      const pool = await managedPool(services, request, request.params.pool);
      await services.apiKeys.delete(pool.id, request.params.id);
      return reply.status(204).send(null);
    },
  );
};
