/**
 * Profiles returned by database scripts: validated and normalised into Gatehouse's profile (DESIGN.md
 * §2). Legacy databases return what they hold: numeric ids, nulls, `t`/`f` or 0/1 booleans, Date
 * objects (which arrive from the sandbox as ISO strings). A missing id, a wrong type or an unknown field
 * is a clear error naming the field.
 */
import { parsePhoneNumberFromString } from 'libphonenumber-js';
import type { EditableProfile } from '../directory/profile.js';

export class ProfileError extends Error {
  override name = 'ProfileError';
}

/** A profile as a script described it, keyed by Gatehouse field names. */
export interface ScriptProfile extends EditableProfile {
  /** The script's `id`, as a string. */
  externalId: string;
  blocked?: boolean;
  loginsCount?: number;
  lastLogin?: string;
  lastIp?: string;
  signedUp?: string;
  createdAt?: string;
  updatedAt?: string;
}

type Kind = 'string' | 'boolean' | 'date' | 'datetime' | 'integer' | 'gender' | 'object' | 'phone';

const FIELD_KINDS: Record<string, Kind> = {
  username: 'string',
  email: 'string',
  emailVerified: 'boolean',
  phone: 'phone',
  phoneVerified: 'boolean',
  nickname: 'string',
  name: 'string',
  givenName: 'string',
  familyName: 'string',
  middleName: 'string',
  preferredUsername: 'string',
  photo: 'string',
  gender: 'gender',
  birthdate: 'date',
  address: 'string',
  streetAddress: 'string',
  locality: 'string',
  region: 'string',
  postalCode: 'string',
  city: 'string',
  province: 'string',
  country: 'string',
  company: 'string',
  website: 'string',
  profile: 'string',
  zoneinfo: 'string',
  locale: 'string',
  customData: 'object',
  blocked: 'boolean',
  loginsCount: 'integer',
  lastLogin: 'datetime',
  lastIp: 'string',
  signedUp: 'datetime',
  createdAt: 'datetime',
  updatedAt: 'datetime',
};

/** Fields Gatehouse fills itself; a script's value for them is ignored rather than an error. */
const IGNORED = new Set(['migratedAt', 'externalId']);

/** Profiles never carry credentials, whatever the operator allows. */
const CREDENTIAL_FIELD = /^(password|passwordhash|password_hash|hash|salt|secret)$/i;

const TRUE = new Set(['t', 'true', '1', 'y', 'yes']);
const FALSE = new Set(['f', 'false', '0', 'n', 'no']);

function toBoolean(field: string, value: unknown): boolean {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'number' && (value === 0 || value === 1)) return value === 1;
  if (typeof value === 'string' && TRUE.has(value.toLowerCase())) return true;
  if (typeof value === 'string' && FALSE.has(value.toLowerCase())) return false;
  throw new ProfileError(`Profile field "${field}" must be a boolean, got ${describe(value)}`);
}

function toDate(field: string, value: unknown): Date {
  const date =
    typeof value === 'number'
      ? new Date(value < 1e11 ? value * 1000 : value) // seconds or milliseconds since the epoch
      : typeof value === 'string'
        ? new Date(value)
        : value instanceof Date
          ? value
          : undefined;
  if (!date || Number.isNaN(date.getTime())) {
    throw new ProfileError(`Profile field "${field}" must be a date, got ${describe(value)}`);
  }
  return date;
}

function describe(value: unknown): string {
  if (Array.isArray(value)) return 'an array';
  if (value === null) return 'null';
  const text = typeof value === 'string' ? JSON.stringify(value.slice(0, 40)) : String(value);
  return `${typeof value} ${text}`;
}

function convert(field: string, kind: Kind, value: unknown): unknown {
  switch (kind) {
    case 'string':
      if (typeof value === 'string') return value;
      // Legacy columns such as postal codes are often numeric.
      if (typeof value === 'number' && Number.isFinite(value)) return String(value);
      throw new ProfileError(`Profile field "${field}" must be a string, got ${describe(value)}`);
    case 'phone': {
      const text = convert(field, 'string', value) as string;
      // E.164 when it can be read as one; otherwise kept as the legacy database holds it.
      return parsePhoneNumberFromString(text.trim())?.number ?? text.trim();
    }
    case 'boolean':
      return toBoolean(field, value);
    case 'integer': {
      const n = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;
      if (typeof n !== 'number' || !Number.isInteger(n) || n < 0) {
        throw new ProfileError(
          `Profile field "${field}" must be a non-negative integer, got ${describe(value)}`,
        );
      }
      return n;
    }
    case 'datetime':
      return toDate(field, value).toISOString();
    case 'date':
      return toDate(field, value).toISOString().slice(0, 10);
    case 'gender': {
      const g = typeof value === 'string' ? value.trim().toUpperCase() : '';
      if (g === 'M' || g === 'MALE') return 'M';
      if (g === 'F' || g === 'FEMALE') return 'F';
      if (g === 'U' || g === 'UNKNOWN' || g === '') return 'U';
      throw new ProfileError(`Profile field "gender" must be M, F or U, got ${describe(value)}`);
    }
    case 'object':
      if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value;
      throw new ProfileError(`Profile field "${field}" must be an object, got ${describe(value)}`);
  }
}

export interface NormalizeOptions {
  /** What to do with fields Gatehouse does not know: an error (default) or keep them in customData. */
  unknownFields: 'reject' | 'customData';
}

export function normalizeScriptProfile(value: unknown, options: NormalizeOptions): ScriptProfile {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ProfileError(`The script must return a profile object, got ${describe(value)}`);
  }
  const source = value as Record<string, unknown>;
  const id = source.id;
  if (id === undefined || id === null || id === '')
    throw new ProfileError('The returned profile has no "id"');
  if (typeof id !== 'string' && !(typeof id === 'number' && Number.isFinite(id))) {
    throw new ProfileError(`Profile field "id" must be a string or a number, got ${describe(id)}`);
  }
  const profile: Record<string, unknown> = { externalId: String(id) };
  const extra: Record<string, unknown> = {};
  for (const [field, raw] of Object.entries(source)) {
    if (field === 'id' || IGNORED.has(field) || raw === null || raw === undefined) continue;
    if (CREDENTIAL_FIELD.test(field)) {
      throw new ProfileError(
        `The returned profile must not carry "${field}": profiles never hold credentials`,
      );
    }
    const kind = FIELD_KINDS[field];
    if (kind) profile[field] = convert(field, kind, raw);
    else if (options.unknownFields === 'customData') extra[field] = raw;
    else {
      throw new ProfileError(
        `Unknown profile field "${field}" (rename it to a Gatehouse profile field, or let the connection keep unknown fields in customData)`,
      );
    }
  }
  if (Object.keys(extra).length > 0) {
    profile.customData = { ...extra, ...((profile.customData as Record<string, unknown>) ?? {}) };
  }
  return profile as unknown as ScriptProfile;
}

/** The contract's list shape `{ totalCount, list }`. */
export function normalizeScriptList(
  value: unknown,
  options: NormalizeOptions,
): { totalCount: number; list: ScriptProfile[] } {
  const v = value as { totalCount?: unknown; list?: unknown } | null;
  if (!v || typeof v !== 'object' || !Array.isArray(v.list)) {
    throw new ProfileError('The script must return { totalCount, list } with list an array of profiles');
  }
  const total = typeof v.totalCount === 'string' ? Number(v.totalCount) : v.totalCount;
  if (typeof total !== 'number' || !Number.isInteger(total) || total < 0) {
    throw new ProfileError(`"totalCount" must be a non-negative integer, got ${describe(v.totalCount)}`);
  }
  return {
    totalCount: total,
    list: v.list.map((item, i) => {
      try {
        return normalizeScriptProfile(item, options);
      } catch (error) {
        throw new ProfileError(`list[${i}]: ${(error as Error).message}`);
      }
    }),
  };
}

/** Auth0-style profiles (user_id, email_verified, picture, user_metadata, app_metadata) in Gatehouse terms. */
export function fromAuth0Profile(value: unknown): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return value as Record<string, unknown>;
  const {
    user_id,
    id,
    email_verified,
    phone_number,
    phone_verified,
    picture,
    given_name,
    family_name,
    user_metadata,
    app_metadata,
    ...rest
  } = value as Record<string, unknown>;
  const mapped: Record<string, unknown> = { ...rest, id: user_id ?? id };
  if (email_verified !== undefined) mapped.emailVerified = email_verified;
  if (phone_number !== undefined) mapped.phone = phone_number;
  if (phone_verified !== undefined) mapped.phoneVerified = phone_verified;
  if (picture !== undefined) mapped.photo = picture;
  if (given_name !== undefined) mapped.givenName = given_name;
  if (family_name !== undefined) mapped.familyName = family_name;
  if (user_metadata !== undefined || app_metadata !== undefined) {
    mapped.customData = {
      ...(user_metadata ? { user_metadata } : {}),
      ...(app_metadata ? { app_metadata } : {}),
    };
  }
  return mapped;
}
