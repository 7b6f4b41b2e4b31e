import type { FastifyRequest } from 'fastify';
import type { RequestInfo } from '../directory/types.js';

const PASSWORD_FIELDS = /pass(word)?|secret|token/i;

/** What flows and scripts may know about the request; the body never carries a password. */
export function requestInfo(request: FastifyRequest): RequestInfo {
  const body =
    request.body && typeof request.body === 'object' && !Array.isArray(request.body)
      ? Object.fromEntries(Object.entries(request.body).filter(([key]) => !PASSWORD_FIELDS.test(key)))
      : undefined;
  const userAgent = request.headers['user-agent'];
  return { ip: request.ip ?? null, ...(userAgent ? { userAgent } : {}), ...(body ? { body } : {}) };
}
