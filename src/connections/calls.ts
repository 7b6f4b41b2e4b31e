/**
 * The eight operations of the script contract, in Gatehouse terms, for either dialect. The directories
 * call these; this module knows how each dialect spells them and normalises what comes back.
 */
import { AppError } from '../shared/errors.js';
import type { RuntimeConnection } from './config.js';
import {
  fromAuth0Profile,
  normalizeScriptList,
  normalizeScriptProfile,
  ProfileError,
  type ScriptProfile,
} from './profile.js';
import type { CallContext, ScriptRunner } from './runner.js';

export type UserQuery = Partial<Record<'email' | 'username' | 'phone' | 'id', string>>;

export interface ScriptList {
  totalCount: number;
  list: ScriptProfile[];
}

export interface ScriptCalls {
  login(query: UserQuery, password: string): Promise<ScriptProfile>;
  getUser(query: UserQuery): Promise<ScriptProfile | null>;
  searchUser(keyword: string): Promise<ScriptList>;
  createUser(userinfo: Record<string, unknown>): Promise<ScriptProfile>;
  updateUser(id: string, updates: Record<string, unknown>): Promise<ScriptProfile>;
  deleteUser(id: string): Promise<void>;
  listUsers(page: number, limit: number): Promise<ScriptList>;
  validatePassword(id: string, password: string): Promise<boolean>;
}

/** A profile error is the script's fault: a 500 that names the script and the field. */
function profileFailure(script: string, error: unknown): never {
  if (error instanceof ProfileError) {
    throw new AppError(
      500,
      'custom_db_invalid_profile',
      `The ${script} script returned an invalid profile: ${error.message}`,
    );
  }
  throw error;
}

export function scriptCalls(
  runner: ScriptRunner,
  ctx: CallContext,
  connection: RuntimeConnection,
): ScriptCalls {
  const options = { unknownFields: connection.unknownFields };
  const call = (script: string, args: unknown[], purpose: 'login' | 'other' = 'other') =>
    runner.call(ctx, connection, script, args, { purpose });
  const profile = (script: string, value: unknown, map: (v: unknown) => unknown = (v) => v) => {
    try {
      return normalizeScriptProfile(map(value), options);
    } catch (error) {
      profileFailure(script, error);
    }
  };
  const list = (script: string, value: unknown) => {
    try {
      return normalizeScriptList(value, options);
    } catch (error) {
      profileFailure(script, error);
    }
  };

  if (connection.dialect === 'auth0') {
    const identifierValue = (q: UserQuery) => q.email ?? q.username ?? q.phone ?? q.id ?? '';
    const unsupported = (what: string) => {
      throw new AppError(
        501,
        'not_supported_by_dialect',
        `The auth0 dialect has no script to ${what}; use the genauth dialect`,
      );
    };
    return {
      login: async (q, password) =>
        profile('login', await call('login', [identifierValue(q), password], 'login'), fromAuth0Profile),
      getUser: async (q) => {
        const value = await call('getUser', [identifierValue(q)]);
        return value === null || value === undefined ? null : profile('getUser', value, fromAuth0Profile);
      },
      createUser: async (userinfo) => {
        await call('create', [userinfo]);
        // Auth0's create answers without a profile: read the new user back.
        const email = typeof userinfo.email === 'string' ? userinfo.email : undefined;
        const created = email ? await call('getUser', [email]) : undefined;
        if (!created)
          throw new AppError(
            500,
            'custom_db_script_error',
            'The create script succeeded but getUser cannot find the new user',
          );
        return profile('getUser', created, fromAuth0Profile);
      },
      deleteUser: async (id) => void (await call('remove', [id])),
      searchUser: async () => unsupported('search users'),
      listUsers: async () => unsupported('list users'),
      updateUser: async () => unsupported('update profiles'),
      validatePassword: async () => unsupported('validate a password by user id'),
    };
  }

  return {
    login: async (q, password) => profile('login', await call('login', [q, password], 'login')),
    getUser: async (q) => {
      let value: unknown;
      try {
        value = await call('getUser', [q]);
      } catch (error) {
        // The contract says "null, do not throw", but scripts often throw UserNotFoundError: same answer.
        if (error instanceof AppError && error.code === 'user_not_found') return null;
        throw error;
      }
      return value === null || value === undefined ? null : profile('getUser', value);
    },
    searchUser: async (keyword) => list('searchUser', await call('searchUser', [keyword])),
    createUser: async (userinfo) => profile('createUser', await call('createUser', [userinfo])),
    updateUser: async (id, updates) => profile('updateUser', await call('updateUser', [id, updates])),
    deleteUser: async (id) => {
      const value = await call('deleteUser', [id]);
      if (value !== true) {
        throw new AppError(
          500,
          'custom_db_script_error',
          `The deleteUser script must return true, got ${JSON.stringify(value) ?? 'undefined'}`,
        );
      }
    },
    listUsers: async (page, limit) => list('listUsers', await call('listUsers', [page, limit])),
    validatePassword: async (id, password) => {
      const value = await call('validatePassword', [id, password]);
      if (typeof value !== 'boolean') {
        throw new AppError(
          500,
          'custom_db_script_error',
          `The validatePassword script must return true or false, got ${JSON.stringify(value) ?? 'undefined'}`,
        );
      }
      return value;
    },
  };
}
