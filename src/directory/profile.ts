/**
 * The user profile of DESIGN.md §2, as one TypeBox schema shared by the directory, the HTTP routes
 * (validation and OpenAPI) and, later, the validation of profiles returned by database scripts.
 */
import { Type, type Static } from '@sinclair/typebox';
import { parsePhoneNumberFromString } from 'libphonenumber-js';
import { badRequest } from '../shared/errors.js';

const Str = (maxLength = 1024) => Type.Union([Type.String({ maxLength }), Type.Null()]);

/** Profile fields an operator or user may set (identifiers included). */
export const EditableProfileFields = {
  username: Str(128),
  email: Str(320),
  emailVerified: Type.Boolean(),
  phone: Str(32),
  phoneVerified: Type.Boolean(),
  nickname: Str(),
  name: Str(),
  givenName: Str(),
  familyName: Str(),
  middleName: Str(),
  preferredUsername: Str(),
  photo: Str(2048),
  gender: Type.Union([Type.Literal('M'), Type.Literal('F'), Type.Literal('U'), Type.Null()]),
  birthdate: Str(32),
  address: Str(),
  streetAddress: Str(),
  locality: Str(),
  region: Str(),
  postalCode: Str(64),
  city: Str(),
  province: Str(),
  country: Str(),
  company: Str(),
  website: Str(2048),
  profile: Str(2048),
  zoneinfo: Str(64),
  locale: Str(64),
  customData: Type.Record(Type.String(), Type.Unknown()),
};

/** Fields kept in the `profile` JSON column rather than in their own columns. */
export const JSON_PROFILE_KEYS = [
  'nickname',
  'name',
  'givenName',
  'familyName',
  'middleName',
  'preferredUsername',
  'photo',
  'gender',
  'birthdate',
  'address',
  'streetAddress',
  'locality',
  'region',
  'postalCode',
  'city',
  'province',
  'country',
  'company',
  'website',
  'profile',
  'zoneinfo',
  'locale',
  'customData',
] as const;

export const UserSchema = Type.Object(
  {
    id: Type.String(),
    ...EditableProfileFields,
    blocked: Type.Boolean(),
    loginsCount: Type.Integer(),
    lastLogin: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
    lastIp: Str(),
    // Null only for users of a custom user store whose scripts do not say.
    signedUp: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
    createdAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
    updatedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
    externalId: Str(),
    migratedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  },
  { $id: 'User', additionalProperties: false },
);
export type User = Static<typeof UserSchema>;

export const NewUserSchema = Type.Object(
  {
    ...Object.fromEntries(Object.entries(EditableProfileFields).map(([k, v]) => [k, Type.Optional(v)])),
    password: Type.Optional(Type.String({ minLength: 1, maxLength: 1024 })),
    blocked: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type EditableProfile = Partial<Static<ReturnType<typeof Type.Object<typeof EditableProfileFields>>>>;
export type NewUser = EditableProfile & { password?: string; blocked?: boolean };
export type UserUpdate = EditableProfile & { blocked?: boolean };

/** Phone numbers are stored in E.164; input without a country code must start with `+`. */
export function normalizePhone(input: string): string {
  const parsed = parsePhoneNumberFromString(input.trim());
  if (!parsed || !parsed.isPossible()) {
    throw badRequest(`"${input}" is not a phone number in international format (e.g. +14155552671)`);
  }
  return parsed.number;
}

const EMAIL = /^[^\s@]+@[^\s@]+$/;

export function normalizeEmail(input: string): string {
  const email = input.trim();
  if (!EMAIL.test(email)) throw badRequest(`"${input}" is not an email address`);
  return email;
}

/** The kinds of identifier a user may log in with. */
export type Identifier =
  { kind: 'email'; value: string } | { kind: 'username'; value: string } | { kind: 'phone'; value: string };

/** DESIGN.md §3: `account` is one field; `@` means email, a phone pattern means phone, else username. */
export function identifierFromAccount(account: string): Identifier {
  const value = account.trim();
  if (value.includes('@')) return { kind: 'email', value: normalizeEmail(value) };
  if (/^\+?[\d\s().-]{6,}$/.test(value) && /\d{6,}/.test(value.replace(/\D/g, ''))) {
    const phone = parsePhoneNumberFromString(value.startsWith('+') ? value : `+${value}`);
    if (phone?.isPossible()) return { kind: 'phone', value: phone.number };
  }
  return { kind: 'username', value };
}
