/**
 * A pool's custom database connection: /api/v1/pools/{pool}/custom-db (configuration, scripts with
 * history, log history). Secrets are write-only: responses show the connection without its password and
 * the names of env variables, never their values.
 */
import type { FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import {
  ENV_NAME_PATTERN,
  FieldsConnectionSchema,
  PublicConnectionSchema,
  UriConnectionSchema,
} from '../../../connections/config.js';
import { MAX_SCRIPT_BYTES } from '../../../connections/service.js';
import { managedPool } from '../../plugins/management-auth.js';
import { API_KEY_SECURITY, errorResponses, ListOf, PagedQuery, paging, PoolParams } from '../../schemas.js';
import type { ManagementPlugin } from './index.js';

const Mode = Type.Union([Type.Literal('LAZY_MIGRATION'), Type.Literal('CUSTOM_USER_STORE')]);
const Dialect = Type.Union([Type.Literal('genauth'), Type.Literal('auth0')]);
const HostPort = Type.String({
  pattern: '^(\\[[0-9a-fA-F:.]+\\]|[A-Za-z0-9.-]+):(\\d{1,5}|\\*)$',
  maxLength: 300,
});

const ConfigSchema = Type.Object(
  {
    enabled: Type.Boolean(),
    mode: Mode,
    dialect: Dialect,
    connection: Type.Union([PublicConnectionSchema, Type.Null()]),
    env: Type.Record(Type.String(), Type.Literal('****'), {
      description: 'The custom variables by name; values are write-only and shown masked',
    }),
    timeoutMs: Type.Integer(),
    egressAllow: Type.Array(Type.String()),
    scripts: Type.Record(
      Type.String(),
      Type.Object({
        version: Type.Integer(),
        isDefault: Type.Boolean(),
        updatedAt: Type.Union([Type.String(), Type.Null()]),
      }),
    ),
    updatedAt: Type.String({ format: 'date-time' }),
  },
  { $id: 'CustomDbConfig' },
);

const UpdateBody = Type.Object(
  {
    enabled: Type.Optional(Type.Boolean()),
    mode: Type.Optional(Mode),
    dialect: Type.Optional(Dialect),
    connection: Type.Optional(Type.Union([UriConnectionSchema, FieldsConnectionSchema, Type.Null()])),
    env: Type.Optional(
      Type.Record(Type.String(), Type.Union([Type.String({ maxLength: 8192 }), Type.Null()]), {
        description: "Replaces the set of custom variables; a null value keeps that variable's stored value",
        maxProperties: 100,
        propertyNames: { pattern: ENV_NAME_PATTERN },
      }),
    ),
    timeoutMs: Type.Optional(Type.Integer({ minimum: 100, maximum: 60_000 })),
    egressAllow: Type.Optional(Type.Array(HostPort, { maxItems: 50 })),
  },
  { additionalProperties: false },
);

const ScriptParams = Type.Object({
  pool: Type.String({ maxLength: 63 }),
  name: Type.String({ maxLength: 64 }),
});
const VersionParams = Type.Object({
  pool: Type.String({ maxLength: 63 }),
  name: Type.String({ maxLength: 64 }),
  version: Type.Integer({ minimum: 1 }),
});

const ScriptSchema = Type.Object({
  name: Type.String(),
  version: Type.Integer({ description: '0 for the default script (not written yet)' }),
  source: Type.String(),
  isDefault: Type.Boolean(),
  updatedBy: Type.Union([Type.String(), Type.Null()]),
  updatedAt: Type.Union([Type.String(), Type.Null()]),
});

const VersionSchema = Type.Object({
  name: Type.String(),
  version: Type.Integer(),
  createdBy: Type.String(),
  createdAt: Type.String(),
  source: Type.Optional(Type.String()),
});

const LogSchema = Type.Object({
  id: Type.String(),
  script: Type.String(),
  outcome: Type.String(),
  debug: Type.Boolean(),
  durationMs: Type.Number(),
  message: Type.Union([Type.String(), Type.Null()]),
  console: Type.Union([Type.String(), Type.Null()]),
  createdAt: Type.String(),
});

function actor(request: FastifyRequest): string {
  const key = request.principal?.key;
  return key ? `api-key:${key.name} (${key.id})` : 'unknown';
}

export const customDbRoutes: ManagementPlugin = async (fastify, { services }) => {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const tags = ['custom database'];
  const connections = services.connections;

  async function view(pool: Awaited<ReturnType<typeof managedPool>>) {
    const config = await connections.get(pool);
    const scripts = await connections.scripts(pool);
    return {
      enabled: config.enabled,
      mode: config.mode,
      dialect: config.dialect,
      connection: config.connection,
      env: Object.fromEntries(config.envNames.map((name) => [name, '****' as const])),
      timeoutMs: config.timeoutMs,
      egressAllow: config.egressAllow,
      scripts: Object.fromEntries(
        scripts.map((s) => [s.name, { version: s.version, isDefault: s.isDefault, updatedAt: s.updatedAt }]),
      ),
      updatedAt: config.updatedAt,
    };
  }

  app.get(
    '/pools/:pool/custom-db',
    {
      schema: {
        tags,
        summary: "The pool's custom database connection",
        security: API_KEY_SECURITY,
        params: PoolParams,
        response: { 200: ConfigSchema, ...errorResponses(401, 404) },
      },
    },
    async (request) => view(await managedPool(services, request, request.params.pool)),
  );

  app.put(
    '/pools/:pool/custom-db',
    {
      schema: {
        tags,
        summary: 'Configure the custom database connection',
        description:
          'Fields present are changed, others kept. Enabling takes effect on the next request. `connection` is `{ uri }` or `{ host, port, username, password, database }`; an absent password keeps the stored one. Secrets are encrypted at rest and never returned.',
        security: API_KEY_SECURITY,
        params: PoolParams,
        body: UpdateBody,
        response: { 200: ConfigSchema, ...errorResponses(400, 401, 404, 409) },
      },
    },
    async (request) => {
      const pool = await managedPool(services, request, request.params.pool);
      await connections.update(pool, request.body);
      return view(pool);
    },
  );

  app.get(
    '/pools/:pool/custom-db/scripts',
    {
      schema: {
        tags,
        summary: 'Every script of the connection (unwritten ones show the default script)',
        security: API_KEY_SECURITY,
        params: PoolParams,
        response: {
          200: Type.Object({ totalCount: Type.Integer(), list: Type.Array(ScriptSchema) }),
          ...errorResponses(401, 404),
        },
      },
    },
    async (request) => {
      const list = await connections.scripts(await managedPool(services, request, request.params.pool));
      return { totalCount: list.length, list };
    },
  );

  app.get(
    '/pools/:pool/custom-db/scripts/:name',
    {
      schema: {
        tags,
        summary: 'The current version of a script',
        security: API_KEY_SECURITY,
        params: ScriptParams,
        response: { 200: ScriptSchema, ...errorResponses(401, 404) },
      },
    },
    async (request) =>
      connections.script(await managedPool(services, request, request.params.pool), request.params.name),
  );

  app.put(
    '/pools/:pool/custom-db/scripts/:name',
    {
      schema: {
        tags,
        summary: 'Save a new version of a script',
        description: 'The source must parse and define a top-level function named like the script.',
        security: API_KEY_SECURITY,
        params: ScriptParams,
        body: Type.Object(
          { source: Type.String({ minLength: 1, maxLength: MAX_SCRIPT_BYTES }) },
          { additionalProperties: false },
        ),
        response: { 200: ScriptSchema, ...errorResponses(400, 401, 404, 409, 413) },
      },
    },
    async (request) => {
      const pool = await managedPool(services, request, request.params.pool);
      return connections.saveScript(pool, request.params.name, request.body.source, actor(request));
    },
  );

  app.get(
    '/pools/:pool/custom-db/scripts/:name/versions',
    {
      schema: {
        tags,
        summary: 'The version history of a script, newest first',
        security: API_KEY_SECURITY,
        params: ScriptParams,
        response: { 200: ListOf(VersionSchema), ...errorResponses(401, 404) },
      },
    },
    async (request) => {
      const pool = await managedPool(services, request, request.params.pool);
      const list = await connections.versions(pool, request.params.name);
      return { totalCount: list.length, list };
    },
  );

  app.get(
    '/pools/:pool/custom-db/scripts/:name/versions/:version',
    {
      schema: {
        tags,
        summary: 'One earlier version of a script, with its source',
        security: API_KEY_SECURITY,
        params: VersionParams,
        response: { 200: VersionSchema, ...errorResponses(401, 404) },
      },
    },
    async (request) => {
      const pool = await managedPool(services, request, request.params.pool);
      return connections.version(pool, request.params.name, request.params.version);
    },
  );

  app.post(
    '/pools/:pool/custom-db/scripts/:name/versions/:version/restore',
    {
      schema: {
        tags,
        summary: 'Restore an earlier version (saved as the newest version)',
        security: API_KEY_SECURITY,
        params: VersionParams,
        response: { 200: ScriptSchema, ...errorResponses(401, 404) },
      },
    },
    async (request) => {
      const pool = await managedPool(services, request, request.params.pool);
      return connections.restore(pool, request.params.name, request.params.version, actor(request));
    },
  );

  app.get(
    '/pools/:pool/custom-db/logs',
    {
      schema: {
        tags,
        summary: 'Log history of script runs, newest first',
        security: API_KEY_SECURITY,
        params: PoolParams,
        querystring: PagedQuery({
          script: Type.Optional(Type.String({ maxLength: 64 })),
          outcome: Type.Optional(Type.String({ maxLength: 64 })),
          debug: Type.Optional(Type.Boolean()),
          since: Type.Optional(Type.String({ format: 'date-time' })),
          until: Type.Optional(Type.String({ format: 'date-time' })),
        }),
        response: { 200: ListOf(LogSchema), ...errorResponses(400, 401, 404) },
      },
    },
    async (request) => {
      const pool = await managedPool(services, request, request.params.pool);
      const { script, outcome, debug, since, until } = request.query;
      return connections.logs(pool, {
        ...paging(request.query),
        ...(script ? { script } : {}),
        ...(outcome ? { outcome } : {}),
        ...(debug !== undefined ? { debug } : {}),
        ...(since ? { since: new Date(since) } : {}),
        ...(until ? { until: new Date(until) } : {}),
      });
    },
  );
};
