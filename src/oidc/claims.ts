/**
 * Standard OpenID Connect claims (OIDC Core §5.1) from a Gatehouse user profile, and which scope
 * releases which claim.
 */
import type { User } from '../directory/profile.js';

export const SCOPES = ['openid', 'offline_access', 'profile', 'email', 'phone', 'address'] as const;

export const CLAIMS_BY_SCOPE: Record<string, string[]> = {
  openid: ['sub'],
  email: ['email', 'email_verified'],
  phone: ['phone_number', 'phone_number_verified'],
  address: ['address'],
  profile: [
    'name',
    'given_name',
    'family_name',
    'middle_name',
    'nickname',
    'preferred_username',
    'picture',
    'gender',
    'birthdate',
    'zoneinfo',
    'locale',
    'website',
    'profile',
    'updated_at',
  ],
};

const GENDER: Record<string, string> = { M: 'male', F: 'female' };

type Claims = Record<string, unknown>;

function address(user: User): Claims | undefined {
  const parts: Claims = {
    formatted: user.address,
    street_address: user.streetAddress,
    locality: user.locality ?? user.city,
    region: user.region ?? user.province,
    postal_code: user.postalCode,
    country: user.country,
  };
  const present = Object.entries(parts).filter(([, v]) => v !== null && v !== undefined && v !== '');
  return present.length > 0 ? Object.fromEntries(present) : undefined;
}

/** Every claim the profile can fill; the provider filters them by the granted scopes. */
export function userClaims(user: User): Claims {
  const claims: Claims = {
    sub: user.id,
    email: user.email,
    email_verified: user.email ? user.emailVerified : undefined,
    phone_number: user.phone,
    phone_number_verified: user.phone ? user.phoneVerified : undefined,
    name: user.name,
    given_name: user.givenName,
    family_name: user.familyName,
    middle_name: user.middleName,
    nickname: user.nickname,
    preferred_username: user.preferredUsername ?? user.username,
    picture: user.photo,
    gender: user.gender ? GENDER[user.gender] : undefined,
    birthdate: user.birthdate,
    zoneinfo: user.zoneinfo,
    locale: user.locale,
    website: user.website,
    profile: user.profile,
    address: address(user),
    updated_at: user.updatedAt ? Math.floor(Date.parse(user.updatedAt) / 1000) : undefined,
  };
  return Object.fromEntries(Object.entries(claims).filter(([, v]) => v !== null && v !== undefined));
}
