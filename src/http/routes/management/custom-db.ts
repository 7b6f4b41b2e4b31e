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
import { ScriptRunner } from '../../../connections/runner.js';
import { scriptNames } from '../../../connections/scripts.js';
import { listTemplates } from '../../../connections/templates/index.js';
import { migrationCounts, migrationsPerDay } from '../../../store/queries/migration.js';
import { notFound } from '../../../shared/errors.js';
import { requestInfo } from '../../request-info.js';
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
    unknownFields: Type.Union([Type.Literal('reject'), Type.Literal('customData')]),
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
    unknownFields: Type.Optional(Type.Union([Type.Literal('reject'), Type.Literal('customData')])),
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
  const principal = request.principal;
  if (principal?.kind === 'console') return `console:${principal.username}`;
  return principal ? `api-key:${principal.key.name} (${principal.key.id})` : 'unknown';
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
      unknownFields: config.unknownFields,
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

  app.post(
    '/pools/:pool/custom-db/debug',
    {
      schema: {
        tags,
        summary: 'Run a script with given arguments',
        description:
          'Runs the saved script, or `source` when given (a draft), with the connection\'s real env, in the sandbox. `args` are the script\'s arguments before `context`, e.g. for login `[{ "email": "a@b.c" }, "secret"]`. Works while the connection is disabled. The run is recorded in the log history as a debug run.',
        security: API_KEY_SECURITY,
        params: PoolParams,
        body: Type.Object(
          {
            script: Type.String({ minLength: 1, maxLength: 64 }),
            args: Type.Array(Type.Unknown(), { maxItems: 8 }),
            source: Type.Optional(Type.String({ minLength: 1, maxLength: MAX_SCRIPT_BYTES })),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({
            ok: Type.Boolean(),
            result: Type.Optional(Type.Unknown()),
            error: Type.Optional(
              Type.Object({
                kind: Type.String(),
                message: Type.String(),
                code: Type.Optional(Type.String()),
                line: Type.Optional(Type.Integer()),
                stack: Type.Optional(Type.String()),
              }),
            ),
            logs: Type.Array(Type.Object({ level: Type.String(), message: Type.String() })),
            durationMs: Type.Number(),
          }),
          ...errorResponses(400, 401, 404),
        },
      },
    },
    async (request) => {
      const pool = await managedPool(services, request, request.params.pool);
      const connection = await connections.runtimeForDebug(pool);
      const { script, args, source } = request.body;
      if (!scriptNames(connection.dialect).includes(script)) {
        throw notFound(`No script "${script}" in the ${connection.dialect} dialect`, 'script_not_found');
      }
      const context = ScriptRunner.context({ pool, request: requestInfo(request) });
      const result = await services.scriptRunner.run(pool, connection, script, args, context, {
        debug: true,
        ...(source ? { source } : {}),
      });
      return result.ok
        ? { ok: true, result: result.value, logs: result.logs, durationMs: result.durationMs }
        : { ok: false, error: result.error, logs: result.logs, durationMs: result.durationMs };
    },
  );

  app.get(
    '/pools/:pool/custom-db/templates',
    {
      schema: {
        tags,
        summary: 'Ready-made script sets (postgres, mysql, mongodb, http)',
        security: API_KEY_SECURITY,
        params: PoolParams,
        response: {
          200: ListOf(
            Type.Object({
              name: Type.String(),
              label: Type.String(),
              description: Type.String(),
              envVars: Type.Array(
                Type.Object({
                  name: Type.String(),
                  description: Type.String(),
                  required: Type.Boolean(),
                  custom: Type.Optional(Type.Boolean()),
                  example: Type.Optional(Type.String()),
                }),
              ),
              scripts: Type.Record(Type.String(), Type.String()),
            }),
          ),
          ...errorResponses(401, 404),
        },
      },
    },
    async (request) => {
      await managedPool(services, request, request.params.pool);
      const list = listTemplates().map((t) => ({
        name: t.name,
        label: t.label,
        description: t.description,
        envVars: t.envVars.map((v) => ({ ...v })),
        scripts: { ...t.scripts },
      }));
      return { totalCount: list.length, list };
    },
  );

  app.get(
    '/pools/:pool/custom-db/migration',
    {
      schema: {
        tags,
        summary: 'Lazy migration progress',
        description:
          'Local users, those migrated from the legacy database (with or without a local password yet), migrations per day over `days`, and the legacy total and remaining count when the listUsers script can tell it.',
        security: API_KEY_SECURITY,
        params: PoolParams,
        querystring: Type.Object(
          { days: Type.Optional(Type.Integer({ minimum: 1, maximum: 366, default: 30 })) },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({
            enabled: Type.Boolean(),
            mode: Type.String(),
            localUsers: Type.Integer(),
            migratedUsers: Type.Integer(),
            migratedWithPassword: Type.Integer(),
            legacyUsers: Type.Union([Type.Integer(), Type.Null()]),
            remaining: Type.Union([Type.Integer(), Type.Null()]),
            perDay: Type.Array(Type.Object({ day: Type.String(), count: Type.Integer() })),
          }),
          ...errorResponses(401, 404),
        },
      },
    },
    async (request) => {
      const pool = await managedPool(services, request, request.params.pool);
      const db = services.store.db;
      const [counts, perDay, connection] = await Promise.all([
        migrationCounts(db, pool.id),
        migrationsPerDay(db, pool.id, request.query.days ?? 30),
        connections.runtimeForDebug(pool),
      ]);
      // The legacy total, when the operator wrote listUsers: one call for one row. Whether the scripts
      // reach a database through the connection info or a web service through env variables.
      let legacyUsers: number | null = null;
      const canCount =
        scriptNames(connection.dialect).includes('listUsers') &&
        !(await connections.script(pool, 'listUsers')).isDefault;
      if (canCount) {
        const run = await services.scriptRunner.run(
          pool,
          connection,
          'listUsers',
          [1, 1],
          ScriptRunner.context({ pool }),
        );
        const total = run.ok ? (run.value as { totalCount?: unknown } | null)?.totalCount : undefined;
        if (typeof total === 'number' && Number.isInteger(total) && total >= 0) legacyUsers = total;
      }
      return {
        enabled: connection.enabled,
        mode: connection.mode,
        localUsers: counts.total,
        migratedUsers: counts.migrated,
        migratedWithPassword: counts.withPassword,
        legacyUsers,
        remaining: legacyUsers === null ? null : Math.max(0, legacyUsers - counts.migrated),
        perDay,
      };
    },
  );
};
