/**
 * The development outbox of a pool: /api/v1/pools/{pool}/outbox. Without SMTP_URL, mails (password
 * resets) are kept in the store instead of sent; outside production mode they can be read here. In
 * production mode the route answers 404, as mails may hold reset tokens.
 */
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { notFound } from '../../../shared/errors.js';
import { managedPool } from '../../plugins/management-auth.js';
import {
  API_KEY_SECURITY,
  DEFAULT_PAGE_SIZE,
  errorResponses,
  ListOf,
  MAX_PAGE_SIZE,
  PoolParams,
} from '../../schemas.js';
import type { ManagementPlugin } from './index.js';

const OutboxMessageSchema = Type.Object(
  {
    id: Type.String(),
    to: Type.String(),
    subject: Type.String(),
    text: Type.String(),
    createdAt: Type.String({ format: 'date-time' }),
  },
  { additionalProperties: false },
);

const OutboxQuery = Type.Object(
  {
    limit: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: MAX_PAGE_SIZE,
        default: DEFAULT_PAGE_SIZE,
        description: 'How many of the latest mails to return',
      }),
    ),
  },
  { additionalProperties: false },
);

export const outboxRoutes: ManagementPlugin = async (fastify, { services }) => {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

  app.get(
    '/pools/:pool/outbox',
    {
      schema: {
        tags: ['outbox'],
        security: API_KEY_SECURITY,
        summary: "Read the pool's development outbox",
        description:
          'Mails written instead of sent when SMTP_URL is unset, newest first. `totalCount` counts every mail of the pool, `list` holds the latest `limit`. Answers 404 outbox_unavailable in production mode (NODE_ENV=production).',
        params: PoolParams,
        querystring: OutboxQuery,
        response: { 200: ListOf(OutboxMessageSchema), ...errorResponses(400, 401, 404) },
      },
    },
    async (request) => {
      const pool = await managedPool(services, request, request.params.pool);
      if (services.config.production) {
        throw notFound('The development outbox is not available in production mode', 'outbox_unavailable');
      }
      const [count, list] = await Promise.all([
        services.store.db
          .selectFrom('outbox')
          .select((eb) => eb.fn.countAll<string>().as('n'))
          .where('pool_id', '=', pool.id)
          .executeTakeFirstOrThrow(),
        services.mailer.outbox(pool.id, request.query.limit ?? DEFAULT_PAGE_SIZE),
      ]);
      return { totalCount: Number(count.n), list };
    },
  );
};
