/**
 * The hosted pages of the authorization code flow: oidc-provider sends the browser to
 * `/oidc/{pool}/interaction/{uid}` when it needs a login or a consent, and these routes answer with
 * server-rendered forms. Logins go through the flows' `authenticate` and registrations through
 * `register`, so the hosted pages apply the same rules as the login API.
 *
 * CSRF: every form posts to a URL holding the interaction uid, and the provider only accepts it with
 * its signed, SameSite=Lax, path-scoped interaction cookie for that very uid (cross-site POSTs do not
 * carry it).
 */
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import formbody from '@fastify/formbody';
import { Type } from '@sinclair/typebox';
import type { Interaction, InteractionResults } from 'oidc-provider';
import type { PoolService, Pool } from '../pools/index.js';
import { requestInfo } from '../http/request-info.js';
import { AppError } from '../shared/errors.js';
import type { Authenticate, Register } from './types.js';
import type { PoolProvider, ProviderRegistry } from './provider.js';
import { PAGE_HEADERS, consentPage, loginPage, messagePage, registerPage } from './views.js';

export interface InteractionDeps {
  pools: PoolService;
  registry: ProviderRegistry;
  authenticate: Authenticate;
  register: Register;
}

const Params = Type.Object({
  pool: Type.String({ maxLength: 63 }),
  uid: Type.String({ minLength: 1, maxLength: 128 }),
});
const Text = (maxLength: number) => Type.Optional(Type.String({ maxLength }));
const LoginForm = Type.Object({ account: Text(320), password: Text(1024) }, { additionalProperties: false });
const RegisterForm = Type.Object(
  { email: Text(320), password: Text(1024), name: Text(256) },
  { additionalProperties: false },
);
const EmptyForm = Type.Object({}, { additionalProperties: false });
const ScreenQuery = Type.Object(
  { screen: Type.Optional(Type.Union([Type.Literal('login'), Type.Literal('register')])) },
  { additionalProperties: false },
);

interface Loaded {
  pool: Pool;
  entry: PoolProvider;
  interaction: Interaction;
  clientName: string;
  firstParty: boolean;
  base: string;
}

function page(reply: FastifyReply, status: number, body: string) {
  return reply.status(status).headers(PAGE_HEADERS).send(body);
}

/** The message a user sees for a flow error (the flows' messages are written for end users). */
const userMessage = (error: AppError): string => error.message;

export function interactionRoutes(deps: InteractionDeps): FastifyPluginAsync {
  return async (app) => {
    await app.register(formbody, { bodyLimit: 64 * 1024 });

    /** The interaction of the URL, if this browser's interaction cookie belongs to it; else a page. */
    async function load(request: FastifyRequest, reply: FastifyReply): Promise<Loaded | undefined> {
      const { pool: slug, uid } = request.params as { pool: string; uid: string };
      const pool = await deps.pools.lookup(slug);
      if (!pool) {
        await page(reply, 404, messagePage('Not found', `There is no user pool "${slug}".`));
        return undefined;
      }
      const entry = await deps.registry.get(pool);
      let interaction: Interaction | undefined;
      try {
        interaction = await entry.provider.interactionDetails(request.raw, reply.raw);
      } catch {
        interaction = undefined;
      }
      if (!interaction || interaction.uid !== uid) {
        await page(
          reply,
          400,
          messagePage(
            'Sign-in expired',
            'This sign-in page has expired or was opened in another browser. Go back to the application and start again.',
            pool.name,
          ),
        );
        return undefined;
      }
      const client = await entry.provider.Client.find(String(interaction.params.client_id));
      return {
        pool,
        entry,
        interaction,
        clientName: client?.clientName ?? String(interaction.params.client_id),
        firstParty: client?.first_party === true,
        base: `/oidc/${encodeURIComponent(pool.slug)}/interaction/${encodeURIComponent(uid)}`,
      };
    }

    async function finish(
      request: FastifyRequest,
      reply: FastifyReply,
      loaded: Loaded,
      result: InteractionResults,
    ) {
      const returnTo = await loaded.entry.provider.interactionResult(request.raw, reply.raw, result, {
        mergeWithLastSubmission: false,
      });
      return reply.status(303).header('cache-control', 'no-store').redirect(returnTo, 303);
    }

    function renderLogin(reply: FastifyReply, l: Loaded, status = 200, error?: string, account?: string) {
      return page(
        reply,
        status,
        loginPage({
          poolName: l.pool.name,
          clientName: l.clientName,
          action: `${l.base}/login`,
          ...(l.pool.settings.registrationEnabled ? { registerHref: `${l.base}?screen=register` } : {}),
          ...(error ? { error } : {}),
          ...(account ? { account } : {}),
        }),
      );
    }

    function renderRegister(
      reply: FastifyReply,
      l: Loaded,
      status = 200,
      error?: string,
      values: { email?: string; name?: string } = {},
    ) {
      return page(
        reply,
        status,
        registerPage({
          poolName: l.pool.name,
          clientName: l.clientName,
          action: `${l.base}/register`,
          loginHref: l.base,
          ...values,
          ...(error ? { error } : {}),
        }),
      );
    }

    function renderConsent(reply: FastifyReply, l: Loaded) {
      const details = l.interaction.prompt.details as {
        missingOIDCScope?: string[];
        missingOIDCClaims?: string[];
      };
      return page(
        reply,
        200,
        consentPage({
          poolName: l.pool.name,
          clientName: l.clientName,
          action: `${l.base}/consent`,
          abortAction: `${l.base}/abort`,
          scopes: details.missingOIDCScope ?? [],
          claims: details.missingOIDCClaims ?? [],
        }),
      );
    }

    app.get(
      '/oidc/:pool/interaction/:uid',
      { schema: { hide: true, params: Params, querystring: ScreenQuery } },
      async (request, reply) => {
        const loaded = await load(request, reply);
        if (!loaded) return reply;
        const { screen } = request.query as { screen?: string };
        if (loaded.interaction.prompt.name === 'login') {
          if (screen === 'register' && loaded.pool.settings.registrationEnabled)
            return renderRegister(reply, loaded);
          return renderLogin(reply, loaded);
        }
        if (loaded.interaction.prompt.name === 'consent') return renderConsent(reply, loaded);
        return page(
          reply,
          400,
          messagePage('Unsupported', 'This sign-in step is not supported.', loaded.pool.name),
        );
      },
    );

    app.post(
      '/oidc/:pool/interaction/:uid/login',
      { schema: { hide: true, params: Params, body: LoginForm } },
      async (request, reply) => {
        const loaded = await load(request, reply);
        if (!loaded) return reply;
        if (loaded.interaction.prompt.name !== 'login') return renderConsent(reply, loaded);
        const { account = '', password = '' } = request.body as { account?: string; password?: string };
        if (!account.trim() || !password) {
          return renderLogin(
            reply,
            loaded,
            400,
            'Enter your email, username or phone, and your password.',
            account,
          );
        }
        try {
          const user = await deps.authenticate(loaded.pool, { account, password }, requestInfo(request));
          return await finish(request, reply, loaded, { login: { accountId: user.id, amr: ['pwd'] } });
        } catch (error) {
          if (!(error instanceof AppError)) throw error;
          return renderLogin(reply, loaded, error.status, userMessage(error), account);
        }
      },
    );

    app.post(
      '/oidc/:pool/interaction/:uid/register',
      { schema: { hide: true, params: Params, body: RegisterForm } },
      async (request, reply) => {
        const loaded = await load(request, reply);
        if (!loaded) return reply;
        if (loaded.interaction.prompt.name !== 'login') return renderConsent(reply, loaded);
        const { email = '', password = '', name = '' } = request.body as Record<string, string | undefined>;
        const values = { email, name };
        if (!email.trim() || !password) {
          return renderRegister(reply, loaded, 400, 'Enter your email and a password.', values);
        }
        try {
          const user = await deps.register(
            loaded.pool,
            { email: email.trim(), password, ...(name.trim() ? { name: name.trim() } : {}) },
            requestInfo(request),
          );
          return await finish(request, reply, loaded, { login: { accountId: user.id, amr: ['pwd'] } });
        } catch (error) {
          if (!(error instanceof AppError)) throw error;
          return renderRegister(reply, loaded, error.status, userMessage(error), values);
        }
      },
    );

    app.post(
      '/oidc/:pool/interaction/:uid/consent',
      { schema: { hide: true, params: Params, body: Type.Optional(EmptyForm) } },
      async (request, reply) => {
        const loaded = await load(request, reply);
        if (!loaded) return reply;
        const { interaction, entry } = loaded;
        if (interaction.prompt.name !== 'consent' || !interaction.session?.accountId) {
          return renderLogin(reply, loaded);
        }
        const details = interaction.prompt.details as {
          missingOIDCScope?: string[];
          missingOIDCClaims?: string[];
          missingResourceScopes?: Record<string, string[]>;
        };
        const { Grant } = entry.provider;
        const grant = interaction.grantId
          ? await Grant.find(interaction.grantId)
          : new Grant({
              accountId: interaction.session.accountId,
              clientId: String(interaction.params.client_id),
            });
        if (!grant) return renderLogin(reply, loaded);
        if (details.missingOIDCScope) grant.addOIDCScope(details.missingOIDCScope.join(' '));
        if (details.missingOIDCClaims) grant.addOIDCClaims(details.missingOIDCClaims);
        for (const [indicator, scopes] of Object.entries(details.missingResourceScopes ?? {})) {
          grant.addResourceScope(indicator, scopes.join(' '));
        }
        const grantId = await grant.save();
        return finish(request, reply, loaded, { consent: interaction.grantId ? {} : { grantId } });
      },
    );

    app.post(
      '/oidc/:pool/interaction/:uid/abort',
      { schema: { hide: true, params: Params, body: Type.Optional(EmptyForm) } },
      async (request, reply) => {
        const loaded = await load(request, reply);
        if (!loaded) return reply;
        return finish(request, reply, loaded, {
          error: 'access_denied',
          error_description: 'The user denied the request',
        });
      },
    );
  };
}
