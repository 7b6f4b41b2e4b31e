import { describe, expect, it } from 'vitest';
import { fromAuth0Profile, normalizeScriptList, normalizeScriptProfile, ProfileError } from './profile.js';

const reject = { unknownFields: 'reject' } as const;
const keep = { unknownFields: 'customData' } as const;

describe('normalizeScriptProfile', () => {
  it('keeps the id as a string externalId, numeric or not', () => {
    expect(normalizeScriptProfile({ id: 42 }, reject)).toEqual({ externalId: '42' });
    expect(normalizeScriptProfile({ id: 'u-7' }, reject)).toEqual({ externalId: 'u-7' });
    expect(normalizeScriptProfile({ id: 0 }, reject)).toEqual({ externalId: '0' });
  });

  it('requires an id of a usable type', () => {
    for (const value of [{}, { id: null }, { id: '' }, { email: 'a@b.c' }]) {
      expect(() => normalizeScriptProfile(value, reject)).toThrow('The returned profile has no "id"');
    }
    for (const id of [{ a: 1 }, [1], true, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => normalizeScriptProfile({ id }, reject)).toThrow(
        /Profile field "id" must be a string or a number/,
      );
    }
  });

  it('refuses what is not a profile object', () => {
    for (const value of [null, undefined, 'x', 3, [{ id: 1 }]]) {
      expect(() => normalizeScriptProfile(value, reject)).toThrow(ProfileError);
    }
    expect(() => normalizeScriptProfile([], reject)).toThrow('got an array');
  });

  it('treats null and undefined as absent', () => {
    expect(normalizeScriptProfile({ id: 1, email: null, nickname: undefined }, reject)).toEqual({
      externalId: '1',
    });
  });

  it('normalises booleans given as t/f, 0/1, yes/no', () => {
    const p = normalizeScriptProfile(
      { id: 1, emailVerified: 't', phoneVerified: 0, blocked: 'FALSE' },
      reject,
    );
    expect(p).toMatchObject({ emailVerified: true, phoneVerified: false, blocked: false });
    expect(normalizeScriptProfile({ id: 1, blocked: 1 }, reject).blocked).toBe(true);
    expect(normalizeScriptProfile({ id: 1, blocked: 'yes' }, reject).blocked).toBe(true);
    expect(() => normalizeScriptProfile({ id: 1, blocked: 2 }, reject)).toThrow(
      'Profile field "blocked" must be a boolean, got number 2',
    );
    expect(() => normalizeScriptProfile({ id: 1, emailVerified: 'maybe' }, reject)).toThrow(
      'Profile field "emailVerified" must be a boolean, got string "maybe"',
    );
  });

  it('normalises dates: Date objects, ISO strings, epoch seconds and milliseconds', () => {
    const p = normalizeScriptProfile(
      {
        id: 1,
        birthdate: new Date('1990-05-17T00:00:00Z'),
        createdAt: '2015-01-02T03:04:05Z',
        lastLogin: 1_700_000_000,
        updatedAt: 1_700_000_000_000,
        signedUp: new Date('2014-12-31T23:59:59.500Z'),
      },
      reject,
    );
    expect(p).toMatchObject({
      birthdate: '1990-05-17',
      createdAt: '2015-01-02T03:04:05.000Z',
      lastLogin: '2023-11-14T22:13:20.000Z',
      updatedAt: '2023-11-14T22:13:20.000Z',
      signedUp: '2014-12-31T23:59:59.500Z',
    });
    expect(() => normalizeScriptProfile({ id: 1, createdAt: 'yesterday' }, reject)).toThrow(
      'Profile field "createdAt" must be a date, got string "yesterday"',
    );
    expect(() => normalizeScriptProfile({ id: 1, birthdate: true }, reject)).toThrow(
      'Profile field "birthdate" must be a date',
    );
  });

  it('accepts numbers for string fields and refuses other types', () => {
    expect(normalizeScriptProfile({ id: 1, postalCode: 94107 }, reject).postalCode).toBe('94107');
    expect(() => normalizeScriptProfile({ id: 1, name: { first: 'A' } }, reject)).toThrow(
      'Profile field "name" must be a string, got object',
    );
    expect(() => normalizeScriptProfile({ id: 1, email: ['a@b.c'] }, reject)).toThrow(
      'Profile field "email" must be a string, got an array',
    );
  });

  it('normalises phones to E.164 when possible and keeps other values as written', () => {
    expect(normalizeScriptProfile({ id: 1, phone: '+1 (415) 555-0101' }, reject).phone).toBe('+14155550101');
    expect(normalizeScriptProfile({ id: 1, phone: ' 0401234567 ' }, reject).phone).toBe('0401234567');
  });

  it('normalises gender, integers and objects', () => {
    expect(normalizeScriptProfile({ id: 1, gender: 'female' }, reject).gender).toBe('F');
    expect(normalizeScriptProfile({ id: 1, gender: 'm' }, reject).gender).toBe('M');
    expect(normalizeScriptProfile({ id: 1, gender: '' }, reject).gender).toBe('U');
    expect(() => normalizeScriptProfile({ id: 1, gender: 'X' }, reject)).toThrow(
      'Profile field "gender" must be M, F or U',
    );
    expect(normalizeScriptProfile({ id: 1, loginsCount: '17' }, reject).loginsCount).toBe(17);
    expect(() => normalizeScriptProfile({ id: 1, loginsCount: 1.5 }, reject)).toThrow(
      'Profile field "loginsCount" must be a non-negative integer',
    );
    expect(normalizeScriptProfile({ id: 1, customData: { a: 1 } }, reject).customData).toEqual({ a: 1 });
    expect(() => normalizeScriptProfile({ id: 1, customData: 'x' }, reject)).toThrow(
      'Profile field "customData" must be an object',
    );
  });

  it('refuses unknown fields unless the connection keeps them in customData', () => {
    expect(() => normalizeScriptProfile({ id: 1, email_verified: true }, reject)).toThrow(
      'Unknown profile field "email_verified"',
    );
    expect(
      normalizeScriptProfile({ id: 1, plan: 'gold', customData: { tier: 2, plan: 'kept' } }, keep),
    ).toEqual({ externalId: '1', customData: { plan: 'kept', tier: 2 } });
  });

  it('never carries credentials, whatever the operator allows', () => {
    for (const field of ['password', 'passwordHash', 'password_hash', 'salt', 'HASH', 'secret']) {
      expect(() => normalizeScriptProfile({ id: 1, [field]: 'x' }, keep)).toThrow(
        `must not carry "${field}"`,
      );
    }
  });

  it('ignores the fields Gatehouse fills itself', () => {
    expect(normalizeScriptProfile({ id: 5, externalId: 'other', migratedAt: 'x' }, reject)).toEqual({
      externalId: '5',
    });
  });
});

describe('normalizeScriptList', () => {
  it('normalises every profile and a string totalCount', () => {
    expect(normalizeScriptList({ totalCount: '2', list: [{ id: 1 }, { id: 'b' }] }, reject)).toEqual({
      totalCount: 2,
      list: [{ externalId: '1' }, { externalId: 'b' }],
    });
    expect(normalizeScriptList({ totalCount: 0, list: [] }, reject)).toEqual({ totalCount: 0, list: [] });
  });

  it('names the broken item and refuses a wrong shape', () => {
    expect(() => normalizeScriptList({ totalCount: 2, list: [{ id: 1 }, {}] }, reject)).toThrow(
      'list[1]: The returned profile has no "id"',
    );
    expect(() => normalizeScriptList([{ id: 1 }], reject)).toThrow('{ totalCount, list }');
    expect(() => normalizeScriptList(null, reject)).toThrow(ProfileError);
    expect(() => normalizeScriptList({ totalCount: -1, list: [] }, reject)).toThrow(
      '"totalCount" must be a non-negative integer',
    );
    expect(() => normalizeScriptList({ list: [] }, reject)).toThrow('"totalCount"');
  });
});

describe('fromAuth0Profile', () => {
  it('maps Auth0 names to Gatehouse fields', () => {
    const mapped = fromAuth0Profile({
      user_id: 'auth0|123',
      email: 'a@b.c',
      email_verified: true,
      phone_number: '+14155550101',
      phone_verified: false,
      picture: 'https://x/p.png',
      given_name: 'Ada',
      family_name: 'Lovelace',
      nickname: 'ada',
      user_metadata: { theme: 'dark' },
      app_metadata: { plan: 'gold' },
    });
    expect(mapped).toEqual({
      id: 'auth0|123',
      email: 'a@b.c',
      emailVerified: true,
      phone: '+14155550101',
      phoneVerified: false,
      photo: 'https://x/p.png',
      givenName: 'Ada',
      familyName: 'Lovelace',
      nickname: 'ada',
      customData: { user_metadata: { theme: 'dark' }, app_metadata: { plan: 'gold' } },
    });
    expect(normalizeScriptProfile(mapped, reject)).toMatchObject({
      externalId: 'auth0|123',
      emailVerified: true,
    });
  });

  it('falls back to id and passes non-objects through for the validator to refuse', () => {
    expect(fromAuth0Profile({ id: 7, email: 'x@y.z' })).toEqual({ id: 7, email: 'x@y.z' });
    expect(fromAuth0Profile(null)).toBeNull();
    expect(() => normalizeScriptProfile(fromAuth0Profile('nope'), reject)).toThrow(ProfileError);
  });
});
