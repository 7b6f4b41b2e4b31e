/**
 * Builds the Fastify server: error shape, body limit, schemas and OpenAPI, metrics, and the route
 * plugins. Routes are thin: they validate, call a flow or service, and shape the answer.
 */
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Services } from '../services.js';
import { installErrorHandling } from './errors.js';
import { validatorCompiler } from './validation.js';
import { healthRoutes } from './routes/health.js';
import { authRoutes } from './routes/auth.js';
import { managementRoutes } from './routes/management/index.js';
import { consoleSessionRoutes } from './routes/console-session.js';
import { consoleStatic } from './console-static.js';
import { ConsoleSessionService } from '../admin/sessions.js';

export const BODY_LIMIT = 1024 * 1024;

export async function buildHttpServer(services: Services): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: services.logger as FastifyBaseLogger,
    bodyLimit: BODY_LIMIT,
    trustProxy: services.config.trustProxy,
  }).withTypeProvider<TypeBoxTypeProvider>();

  app.setValidatorCompiler(validatorCompiler());
  // The JSON API takes JSON only; a text body is a 415, not a string to validate.
  app.removeContentTypeParser('text/plain');
  installErrorHandling(app);

  app.addHook('onResponse', async (request, reply) => {
    services.metrics.httpDuration.observe(
      {
        method: request.method,
        route: request.routeOptions.url ?? 'unmatched',
        status: String(reply.statusCode),
      },
      reply.elapsedTime / 1000,
    );
  });

  await app.register(swagger, {
    // Shared schemas appear under their $id (User, Pool) instead of def-0, def-1 in the document.
    refResolver: {
      buildLocalReference: (json, _baseUri, _fragment, i) =>
        typeof json.$id === 'string' ? json.$id : `def-${i}`,
    },
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'Gatehouse API',
        version: '1',
        description:
          'Authentication API and management API of Gatehouse. Management routes take `Authorization: Bearer <api key>`, or the admin console session cookie (state-changing requests then need the header `x-gatehouse-csrf: 1`).',
      },
      servers: [{ url: services.config.baseUrl }],
      components: {
        securitySchemes: {
          apiKey: { type: 'http', scheme: 'bearer', description: 'A management API key' },
          accessToken: { type: 'http', scheme: 'bearer', description: "A user's access token" },
        },
      },
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });

  await app.register(healthRoutes, { services });
  await app.register(authRoutes, { services, prefix: '/api/v1/pools/:pool/auth' });
  const consoleSessions = new ConsoleSessionService(services.store.db, services.hasher);
  await app.register(consoleSessionRoutes, { services, consoleSessions, prefix: '/api/v1/console' });
  await app.register(managementRoutes, { services, consoleSessions, prefix: '/api/v1' });
  await app.register(consoleStatic);
  await services.oidc.register(app);

  return app;
}
