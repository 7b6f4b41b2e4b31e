/**
 * TypeBox schemas shared by the management API routes: the error shape, the `{ totalCount, list }` list
 * shape, paging, and the path parameters. They validate requests and generate the OpenAPI document.
 */
import { Type, type TProperties, type TSchema } from '@sinclair/typebox';

/** `{ "error": { "code", "message" } }`, the one error shape of the API. */
export const ErrorSchema = Type.Object(
  {
    error: Type.Object(
      {
        code: Type.String({ description: 'Stable snake_case error code' }),
        message: Type.String(),
        details: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
      },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false, description: 'Error' },
);

/** Response schemas for error statuses, to spread into a route's `response`. */
export const errorResponses = (...statuses: number[]): Record<number, TSchema> =>
  Object.fromEntries(statuses.map((status) => [status, ErrorSchema]));

/** A list as the API (and the database scripts) return it: `{ totalCount, list }`. */
export const ListOf = <T extends TSchema>(item: T) =>
  Type.Object(
    {
      totalCount: Type.Integer({ minimum: 0, description: 'Number of items matching, over all pages' }),
      list: Type.Array(item),
    },
    { additionalProperties: false },
  );

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

export const PaginationProperties = {
  page: Type.Optional(Type.Integer({ minimum: 1, default: 1, description: 'Page number, starting at 1' })),
  limit: Type.Optional(
    Type.Integer({
      minimum: 1,
      maximum: MAX_PAGE_SIZE,
      default: DEFAULT_PAGE_SIZE,
      description: `Items per page (1 to ${MAX_PAGE_SIZE}, default ${DEFAULT_PAGE_SIZE})`,
    }),
  ),
};

/** The page and page size of a validated query (the validator has filled the defaults in). */
export function paging(query: { page?: number; limit?: number }): { page: number; limit: number } {
  return { page: query.page ?? 1, limit: query.limit ?? DEFAULT_PAGE_SIZE };
}

/** `?page&limit` (query strings are coerced, so `?page=2` is the integer 2). */
export const PaginationQuery = Type.Object(PaginationProperties, { additionalProperties: false });

/** Paging plus extra query parameters. */
export const PagedQuery = <P extends TProperties>(extra: P) =>
  Type.Object({ ...PaginationProperties, ...extra }, { additionalProperties: false });

const poolParam = Type.String({ minLength: 1, maxLength: 63, description: 'The pool slug' });
const idParam = (what: string) =>
  Type.String({ minLength: 1, maxLength: 256, description: `The ${what} id` });

export const PoolParams = Type.Object({ pool: poolParam });
export const UserParams = Type.Object({ pool: poolParam, id: idParam('user') });
export const ApiKeyParams = Type.Object({ pool: poolParam, id: idParam('API key') });

/** Every management route is authenticated by an API key. */
export const API_KEY_SECURITY = [{ apiKey: [] as string[] }];

/** The empty body of a 204. */
export const NoContent = Type.Null({ description: 'No content' });
