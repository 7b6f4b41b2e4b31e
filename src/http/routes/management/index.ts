/**
 * The management API under /api/v1. Every route here needs a management API key (see
 * plugins/management-auth.ts): a pool's key reaches only that pool, an instance-wide key every pool.
 */
import type { FastifyPluginAsync } from 'fastify';
import type { Services } from '../../../services.js';

export const managementRoutes: FastifyPluginAsync<{ services: Services }> = async () => {};
