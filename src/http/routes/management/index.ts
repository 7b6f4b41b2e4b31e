/**
 * The management API under /api/v1. Every route here needs a management API key or a console session
 * (see plugins/management-auth.ts): a pool's key reaches only that pool, an instance-wide key or the
 * console every pool.
 */
import type { FastifyPluginAsync } from 'fastify';
import type { Services } from '../../../services.js';
import type { ConsoleSessionService } from '../../../admin/sessions.js';
import { managementAuthHook } from '../../plugins/management-auth.js';
import { poolRoutes } from './pools.js';
import { userRoutes } from './users.js';
import { apiKeyRoutes } from './api-keys.js';
import { outboxRoutes } from './outbox.js';
import { applicationRoutes } from './applications.js';
import { signingKeyRoutes } from './signing-keys.js';
import { customDbRoutes } from './custom-db.js';

export type ManagementPlugin = FastifyPluginAsync<{ services: Services }>;

export const managementRoutes: FastifyPluginAsync<{
  services: Services;
  consoleSessions: ConsoleSessionService;
}> = async (app, { services, consoleSessions }) => {
  app.addHook('onRequest', managementAuthHook(services, consoleSessions));
  for (const routes of [
    poolRoutes,
    userRoutes,
    apiKeyRoutes,
    outboxRoutes,
    applicationRoutes,
    signingKeyRoutes,
    customDbRoutes,
  ]) {
    await app.register(routes, { services });
  }
};
