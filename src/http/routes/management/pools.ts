/**
 * User pools: /api/v1/pools and /api/v1/pools/{pool}. Creating, deleting and listing every pool need an
 * instance-wide key; a pool's key sees and edits only its own pool.
 */
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type, type TObject, type TPartial, type TSchema } from '@sinclair/typebox';
import {
  normalizeSettings,
  PasswordPolicySchema,
  PoolSchema,
  PoolSettingsSchema,
  SLUG_PATTERN,
  type Pool,
  type PoolSettings,
} from '../../../pools/index.js';
import { findPoolById } from '../../../store/queries/pools.js';
import { AppError, badRequest } from '../../../shared/errors.js';
import { managedPool, requireInstanceWide } from '../../plugins/management-auth.js';
import {
  API_KEY_SECURITY,
  errorResponses,
  ListOf,
  NoContent,
  PaginationQuery,
  paging,
  PoolParams,
} from '../../schemas.js';
import type { ManagementPlugin } from './index.js';

/** The pool that `POST`/`DELETE` refuse to remove: it is recreated on every start. */
export const DEFAULT_POOL_SLUG = 'default';

/**
 * Every property optional and without its `default`: a partial update must not reset the settings it
 * leaves out (the validator fills defaults in).
 */
function partialWithoutDefaults<T extends TObject>(schema: T): TPartial<T> {
  const partial = Type.Partial(schema, { additionalProperties: false });
  for (const [key, property] of Object.entries(partial.properties as Record<string, TSchema>)) {
    const { default: _default, ...rest } = property;
    (partial.properties as Record<string, TSchema>)[key] = rest as TSchema;
  }
  return partial;
}

const SettingsInput = partialWithoutDefaults(
  Type.Object(
    { ...PoolSettingsSchema.properties, passwordPolicy: partialWithoutDefaults(PasswordPolicySchema) },
    { additionalProperties: false },
  ),
);

const PoolName = Type.String({ minLength: 1, maxLength: 128 });
const Metadata = Type.Record(Type.String(), Type.Unknown(), {
  description: 'Free-form JSON object, handed to database scripts as context.userPoolMetadata',
});

const CreatePoolBody = Type.Object(
  {
    slug: Type.String({
      pattern: SLUG_PATTERN,
      description: 'Lowercase letters, digits and inner dashes, at most 63 characters',
    }),
    name: Type.Optional(PoolName),
    metadata: Type.Optional(Metadata),
    settings: Type.Optional(SettingsInput),
  },
  { additionalProperties: false },
);

const UpdatePoolBody = Type.Object(
  {
    name: Type.Optional(PoolName),
    metadata: Type.Optional(Metadata),
    settings: Type.Optional(SettingsInput),
  },
  { additionalProperties: false },
);

type SettingsPatch = Omit<Partial<PoolSettings>, 'passwordPolicy'> & {
  passwordPolicy?: Partial<PoolSettings['passwordPolicy']>;
};

/** Rules between settings that a schema cannot say. */
function checkSettings(settings: PoolSettings): void {
  const { minLength, maxLength } = settings.passwordPolicy;
  if (minLength > maxLength) {
    throw badRequest(
      `passwordPolicy.minLength (${minLength}) must not exceed passwordPolicy.maxLength (${maxLength})`,
      'invalid_settings',
    );
  }
}

function mergeSettings(current: PoolSettings, patch: SettingsPatch): PoolSettings {
  return normalizeSettings({
    ...current,
    ...patch,
    passwordPolicy: { ...current.passwordPolicy, ...patch.passwordPolicy },
  });
}

export const poolRoutes: ManagementPlugin = async (fastify, { services }) => {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const tags = ['pools'];
  const security = API_KEY_SECURITY;

  app.get(
    '/pools',
    {
      schema: {
        tags,
        security,
        summary: 'List user pools',
        description:
          'An instance-wide key lists every pool, oldest first; a pool key gets a list holding its own pool.',
        querystring: PaginationQuery,
        response: { 200: ListOf(PoolSchema), ...errorResponses(400, 401) },
      },
    },
    async (request) => {
      const { page, limit } = paging(request.query);
      const principal = request.principal!;
      if (principal.kind === 'console' || principal.instanceWide) return services.pools.list(page, limit);
      const row = await findPoolById(services.store.db, principal.key.poolId!);
      const own = row ? await services.pools.find(row.slug) : undefined;
      const list: Pool[] = own && page === 1 ? [own] : [];
      return { totalCount: own ? 1 : 0, list };
    },
  );

  app.post(
    '/pools',
    {
      schema: {
        tags,
        security,
        summary: 'Create a user pool',
        description: 'Needs an instance-wide key. Settings left out take their defaults.',
        body: CreatePoolBody,
        response: { 201: PoolSchema, ...errorResponses(400, 401, 403, 409, 413) },
      },
    },
    async (request, reply) => {
      requireInstanceWide(request);
      const { slug, name, metadata, settings } = request.body;
      if (settings) checkSettings(mergeSettings(normalizeSettings({}), settings));
      const pool = await services.pools.create({
        slug,
        ...(name !== undefined ? { name } : {}),
        ...(metadata !== undefined ? { metadata } : {}),
        ...(settings !== undefined ? { settings: settings as Partial<PoolSettings> } : {}),
      });
      return reply.status(201).send(pool);
    },
  );

  app.get(
    '/pools/:pool',
    {
      schema: {
        tags,
        security,
        summary: 'Get a user pool',
        params: PoolParams,
        response: { 200: PoolSchema, ...errorResponses(400, 401, 404) },
      },
    },
    async (request) => managedPool(services, request, request.params.pool),
  );

  app.patch(
    '/pools/:pool',
    {
      schema: {
        tags,
        security,
        summary: 'Update a user pool',
        description:
          'Changes the name, replaces the metadata, and merges the given settings (and password policy rules) into the current ones.',
        params: PoolParams,
        body: UpdatePoolBody,
        response: { 200: PoolSchema, ...errorResponses(400, 401, 404, 413) },
      },
    },
    async (request) => {
      const pool = await managedPool(services, request, request.params.pool);
      const { name, metadata, settings } = request.body;
      if (settings) checkSettings(mergeSettings(pool.settings, settings));
      return services.pools.update(pool.slug, {
        ...(name !== undefined ? { name } : {}),
        ...(metadata !== undefined ? { metadata } : {}),
        ...(settings !== undefined ? { settings: settings as Partial<PoolSettings> } : {}),
      });
    },
  );

  app.delete(
    '/pools/:pool',
    {
      schema: {
        tags,
        security,
        summary: 'Delete a user pool and everything in it',
        description:
          'Needs an instance-wide key. Deletes the pool with its users, applications, keys and mails. The `default` pool cannot be deleted (409 default_pool_protected).',
        params: PoolParams,
        response: { 204: NoContent, ...errorResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request, reply) => {
      requireInstanceWide(request);
      const pool = await managedPool(services, request, request.params.pool);
      if (pool.slug === DEFAULT_POOL_SLUG) {
        throw new AppError(
          409,
          'default_pool_protected',
          'The default pool cannot be deleted; it is recreated on every start',
        );
      }
      await services.pools.delete(pool.slug);
      return reply.status(204).send(null);
    },
  );
};
