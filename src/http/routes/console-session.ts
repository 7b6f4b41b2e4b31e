/**
 * Sign-in of the admin console: /api/v1/console/session. `POST` checks the `admin` account's password
 * (rate-limited like logins) and sets the `gh_console` cookie; `GET` says who is signed in; `DELETE`
 * signs out. The cookie then authenticates the management API (plugins/management-auth.ts).
 */
import type { FastifyPluginAsync } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { Services } from '../../services.js';
import { CONSOLE_SESSION_TTL_SECONDS, type ConsoleSessionService } from '../../admin/sessions.js';
import { enforce, rateLimitRules } from '../../flows/rate-limit.js';
import { unauthorized } from '../../shared/errors.js';
import {
  checkCsrf,
  clearedConsoleCookie,
  CONSOLE_COOKIE,
  consoleCookie,
  isSecureBaseUrl,
  readCookie,
} from '../console-cookie.js';
import { errorResponses, NoContent } from '../schemas.js';

const SessionSchema = Type.Object(
  {
    username: Type.String(),
    expiresAt: Type.String({ format: 'date-time' }),
  },
  { additionalProperties: false },
);

const CurrentSessionSchema = Type.Object(
  {
    username: Type.Union([Type.String(), Type.Null()], { description: 'null when not signed in' }),
    expiresAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  },
  { additionalProperties: false },
);

const SignInBody = Type.Object(
  {
    username: Type.String({ minLength: 1, maxLength: 128 }),
    password: Type.String({ minLength: 1, maxLength: 1024 }),
  },
  { additionalProperties: false },
);

export const consoleSessionRoutes: FastifyPluginAsync<{
  services: Services;
  consoleSessions: ConsoleSessionService;
}> = async (fastify, { services, consoleSessions }) => {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const tags = ['console'];
  const rules = rateLimitRules(services.config.rateLimits);
  const secure = () => isSecureBaseUrl(services.config.baseUrl);

  app.post(
    '/session',
    {
      schema: {
        tags,
        summary: 'Sign in to the admin console',
        description: `Checks an admin account's password and sets the \`${CONSOLE_COOKIE}\` session cookie (HttpOnly, SameSite=Strict, ${CONSOLE_SESSION_TTL_SECONDS / 3600} hours). Rate-limited per client address and per username like logins (429 rate_limited).`,
        body: SignInBody,
        response: { 200: SessionSchema, ...errorResponses(400, 401, 429) },
      },
    },
    async (request, reply) => {
      const { username, password } = request.body;
      await enforce(services.rateLimiter, `console:ip:${request.ip ?? 'unknown'}`, rules.loginPerIp);
      await enforce(services.rateLimiter, `console:id:${username}`, rules.loginPerIdentifier);
      const session = await consoleSessions.signIn(username, password);
      if (!session) throw unauthorized('Wrong username or password', 'invalid_credentials');
      reply.header('set-cookie', consoleCookie(session.token, CONSOLE_SESSION_TTL_SECONDS, secure()));
      reply.header('cache-control', 'no-store');
      return { username: session.username, expiresAt: session.expiresAt.toISOString() };
    },
  );

  app.get(
    '/session',
    {
      schema: {
        tags,
        summary: 'The signed-in console user',
        description:
          'Answers 200 either way, with `username: null` when there is no live session: the console asks this on every start, and a 401 would be an error in the browser console.',
        response: { 200: CurrentSessionSchema },
      },
    },
    async (request, reply) => {
      const session = await consoleSessions.find(readCookie(request, CONSOLE_COOKIE) ?? '');
      reply.header('cache-control', 'no-store');
      return session
        ? { username: session.username, expiresAt: session.expiresAt.toISOString() }
        : { username: null, expiresAt: null };
    },
  );

  app.delete(
    '/session',
    {
      schema: {
        tags,
        summary: 'Sign out of the admin console',
        description: 'Ends the session and clears the cookie. Needs the `x-gatehouse-csrf: 1` header.',
        response: { 204: NoContent, ...errorResponses(403) },
      },
    },
    async (request, reply) => {
      checkCsrf(request);
      await consoleSessions.signOut(readCookie(request, CONSOLE_COOKIE) ?? '');
      reply.header('set-cookie', clearedConsoleCookie(secure()));
      return reply.status(204).send(null);
    },
  );
};
