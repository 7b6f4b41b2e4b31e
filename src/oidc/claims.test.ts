import { describe, expect, it } from 'vitest';
import type { User } from '../directory/profile.js';
import { userClaims } from './claims.js';

const base: User = {
  id: 'u1',
  username: 'ada',
  email: 'ada@example.com',
  emailVerified: true,
  phone: '+14155552671',
  phoneVerified: false,
  nickname: 'Countess',
  name: 'Ada Lovelace',
  givenName: 'Ada',
  familyName: 'Lovelace',
  middleName: null,
  preferredUsername: null,
  photo: 'https://img.example/ada.png',
  gender: 'F',
  birthdate: '1815-12-10',
  address: null,
  streetAddress: '12 St James Square',
  locality: null,
  region: null,
  postalCode: 'SW1Y 4JH',
  city: 'London',
  province: null,
  country: 'GB',
  company: null,
  website: 'https://ada.example',
  profile: null,
  zoneinfo: 'Europe/London',
  locale: 'en-GB',
  customData: {},
  blocked: false,
  loginsCount: 0,
  lastLogin: null,
  lastIp: null,
  signedUp: '2024-01-01T00:00:00.000Z',
  createdAt: '2024-01-01T00:00:00.000Z',
  updatedAt: '2024-01-02T00:00:00.000Z',
  externalId: null,
  migratedAt: null,
};

describe('userClaims', () => {
  it('maps the profile to standard claims and leaves out empty ones', () => {
    expect(userClaims(base)).toEqual({
      sub: 'u1',
      email: 'ada@example.com',
      email_verified: true,
      phone_number: '+14155552671',
      phone_number_verified: false,
      name: 'Ada Lovelace',
      given_name: 'Ada',
      family_name: 'Lovelace',
      nickname: 'Countess',
      preferred_username: 'ada',
      picture: 'https://img.example/ada.png',
      gender: 'female',
      birthdate: '1815-12-10',
      zoneinfo: 'Europe/London',
      locale: 'en-GB',
      website: 'https://ada.example',
      address: {
        street_address: '12 St James Square',
        locality: 'London',
        postal_code: 'SW1Y 4JH',
        country: 'GB',
      },
      updated_at: Date.parse('2024-01-02T00:00:00.000Z') / 1000,
    });
  });

  it('omits verification flags without the identifier, and unknown gender', () => {
    const claims = userClaims({
      ...base,
      email: null,
      phone: null,
      gender: 'U',
      streetAddress: null,
      postalCode: null,
      city: null,
      country: null,
    });
    expect(claims).not.toHaveProperty('email_verified');
    expect(claims).not.toHaveProperty('phone_number_verified');
    expect(claims).not.toHaveProperty('gender');
    expect(claims).not.toHaveProperty('address');
  });
});
