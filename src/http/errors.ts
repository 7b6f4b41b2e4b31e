/**
 * One error shape for the whole API: `{ "error": { "code", "message" } }`. Fastify's own errors
 * (validation, body too large, bad JSON, unknown route) are mapped to stable codes here.
 */
import type { FastifyError, FastifyInstance } from 'fastify';
import { AppError } from '../shared/errors.js';

export interface ErrorBody {
  error: { code: string; message: string; details?: Record<string, unknown> };
}

function fromFastify(error: FastifyError): { status: number; body: ErrorBody } {
  if (error.validation) {
    return {
      status: 400,
      body: { error: { code: 'validation_failed', message: `Invalid request: ${error.message}` } },
    };
  }
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return {
        status: 413,
        body: { error: { code: 'payload_too_large', message: 'Request body exceeds 1 MiB' } },
      };
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return {
        status: 400,
        body: { error: { code: 'malformed_json', message: 'Request body is not valid JSON' } },
      };
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return {
        status: 415,
        body: { error: { code: 'unsupported_media_type', message: 'Send the body as application/json' } },
      };
  }
  if (error instanceof SyntaxError || (error as { type?: string }).type === 'entity.parse.failed') {
    return {
      status: 400,
      body: { error: { code: 'malformed_json', message: 'Request body is not valid JSON' } },
    };
  }
  const status = error.statusCode && error.statusCode >= 400 ? error.statusCode : 500;
  if (status === 429) {
    return { status, body: { error: { code: 'rate_limited', message: error.message } } };
  }
  if (status < 500) {
    return { status, body: { error: { code: 'bad_request', message: error.message } } };
  }
  return { status: 500, body: { error: { code: 'internal_error', message: 'Internal server error' } } };
}

export function errorBody(code: string, message: string): ErrorBody {
  return { error: { code, message } };
}

export function installErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error instanceof AppError) {
      if (error.status >= 500) request.log.error({ err: error }, 'request failed');
      const body: ErrorBody = { error: { code: error.code, message: error.message } };
      if (error.details) body.error.details = error.details;
      const retryAfter = error.details?.retryAfterSeconds;
      if (error.status === 429 && typeof retryAfter === 'number')
        reply.header('retry-after', String(retryAfter));
      return reply.status(error.status).send(body);
    }
    const { status, body } = fromFastify(error);
    if (status >= 500) request.log.error({ err: error }, 'request failed');
    return reply.status(status).send(body);
  });
  app.setNotFoundHandler((request, reply) =>
    reply
      .status(404)
      .send(errorBody('route_not_found', `No route ${request.method} ${request.url.split('?')[0]}`)),
  );
}
