/**
 * Token signing keys of a pool: /api/v1/pools/{pool}/keys. Only public information is ever returned
 * (kid, algorithm, status, dates), never key material.
 */
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { managedPool } from '../../plugins/management-auth.js';
import { API_KEY_SECURITY, errorResponses, PoolParams } from '../../schemas.js';
import type { ManagementPlugin } from './index.js';

const SigningKeySchema = Type.Object(
  {
    kid: Type.String(),
    alg: Type.String(),
    status: Type.Union([Type.Literal('active'), Type.Literal('retired')], {
      description: '`active` keys sign new tokens; `retired` keys stay in the JWKS to verify older ones',
    }),
    createdAt: Type.String({ format: 'date-time' }),
    retiredAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  },
  { additionalProperties: false },
);

const KeyList = Type.Object(
  { totalCount: Type.Integer({ minimum: 0 }), list: Type.Array(SigningKeySchema) },
  { additionalProperties: false },
);

export const signingKeyRoutes: ManagementPlugin = async (fastify, { services }) => {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const tags = ['keys'];
  const security = API_KEY_SECURITY;

  app.get(
    '/pools/:pool/keys',
    {
      schema: {
        tags,
        security,
        summary: 'List the signing keys',
        description: 'Keys are created on first use: RS256 and ES256.',
        params: PoolParams,
        response: { 200: KeyList, ...errorResponses(401, 404) },
      },
    },
    async (request) => {
      const pool = await managedPool(services, request, request.params.pool);
      const list = await services.oidc.keys.list(pool);
      return { totalCount: list.length, list };
    },
  );

  app.post(
    '/pools/:pool/keys/rotate',
    {
      schema: {
        tags,
        security,
        summary: 'Rotate the signing keys',
        description:
          'Creates new active keys for every algorithm. The previous keys are retired: they no longer sign but stay in the JWKS, so tokens signed with them still verify.',
        params: PoolParams,
        response: { 200: KeyList, ...errorResponses(401, 404) },
      },
    },
    async (request) => {
      const pool = await managedPool(services, request, request.params.pool);
      const list = await services.oidc.keys.rotate(pool);
      return { totalCount: list.length, list };
    },
  );
};
