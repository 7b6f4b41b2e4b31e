/**
 * The hosted page behind the link of the password reset mail: /oidc/{pool}/password/reset?token=…
 * shows a form for the new password and sets it through the flows (the same rules as the reset API).
 * The one-time token in the form is the capability, so a cross-site post without it achieves nothing.
 */
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import formbody from '@fastify/formbody';
import { Type } from '@sinclair/typebox';
import type { PoolService } from '../pools/index.js';
import { requestInfo } from '../http/request-info.js';
import { AppError } from '../shared/errors.js';
import type { ResetPassword } from './types.js';
import { PAGE_HEADERS, messagePage, resetPasswordPage } from './views.js';

const Params = Type.Object({ pool: Type.String({ maxLength: 63 }) });
const Query = Type.Object({ token: Type.Optional(Type.String({ maxLength: 256 })) });
const Form = Type.Object({
  token: Type.Optional(Type.String({ maxLength: 256 })),
  password: Type.Optional(Type.String({ maxLength: 1024 })),
});

function page(reply: FastifyReply, status: number, body: string) {
  return reply.status(status).headers(PAGE_HEADERS).send(body);
}

export function passwordResetRoutes(deps: {
  pools: PoolService;
  resetPassword: ResetPassword;
}): FastifyPluginAsync {
  return async (app) => {
    await app.register(formbody, { bodyLimit: 64 * 1024 });

    app.get(
      '/oidc/:pool/password/reset',
      { schema: { hide: true, params: Params, querystring: Query } },
      async (request, reply) => {
        const { pool: slug } = request.params as { pool: string };
        const pool = await deps.pools.lookup(slug);
        if (!pool) return page(reply, 404, messagePage('Not found', `There is no user pool "${slug}".`));
        const { token = '' } = request.query as { token?: string };
        return page(
          reply,
          200,
          resetPasswordPage({ poolName: pool.name, action: request.url.split('?')[0]!, token }),
        );
      },
    );

    app.post(
      '/oidc/:pool/password/reset',
      { schema: { hide: true, params: Params, body: Form } },
      async (request, reply) => {
        const { pool: slug } = request.params as { pool: string };
        const pool = await deps.pools.lookup(slug);
        if (!pool) return page(reply, 404, messagePage('Not found', `There is no user pool "${slug}".`));
        const { token = '', password = '' } = request.body as { token?: string; password?: string };
        const view = { poolName: pool.name, action: request.url, token };
        if (!token || !password) {
          return page(reply, 400, resetPasswordPage({ ...view, error: 'Enter a new password.' }));
        }
        try {
          await deps.resetPassword(pool, token, password, requestInfo(request));
        } catch (error) {
          if (!(error instanceof AppError) || error.status >= 500) throw error;
          return page(reply, error.status, resetPasswordPage({ ...view, error: error.message }));
        }
        return page(
          reply,
          200,
          messagePage(
            'Password changed',
            'Your new password is set. You can sign in with it now.',
            pool.name,
          ),
        );
      },
    );
  };
}
