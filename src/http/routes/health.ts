import type { FastifyPluginAsync } from 'fastify';
import { sql } from 'kysely';
import type { Services } from '../../services.js';

export const healthRoutes: FastifyPluginAsync<{ services: Services }> = async (app, { services }) => {
  const hidden = { schema: { hide: true } };

  /** Liveness: the process answers. */
  app.get('/healthz', hidden, async () => ({ status: 'ok' }));

  /** Readiness: the store answers a query. */
  app.get('/readyz', hidden, async (_request, reply) => {
    try {
      await sql`select 1`.execute(services.store.db);
      return { status: 'ready' };
    } catch (error) {
      services.logger.warn({ err: error }, 'readiness check failed');
      return reply.status(503).send({ error: { code: 'not_ready', message: 'The store is not reachable' } });
    }
  });

  app.get('/metrics', hidden, async (_request, reply) => {
    reply.header('content-type', services.metrics.registry.contentType);
    return services.metrics.registry.metrics();
  });
};
