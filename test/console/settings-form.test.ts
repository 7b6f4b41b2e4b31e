/** The Settings page's form logic: the PATCH body holds only what changed, and errors find their field. */
import { describe, expect, it } from 'vitest';
import {
  buildUpdate,
  changedFields,
  describeSeconds,
  fieldOfError,
  toDraft,
} from '../../console/src/pages/settings/settingsForm.js';

const pool = {
  name: 'Acme',
  metadata: { region: 'eu' },
  settings: {
    passwordPolicy: {
      minLength: 8,
      maxLength: 256,
      requireUppercase: false,
      requireLowercase: false,
      requireDigit: false,
      requireSymbol: false,
    },
    maskScriptErrors: false,
    accessTokenTtlSeconds: 3600,
    idTokenTtlSeconds: 3600,
    refreshTokenTtlSeconds: 2_592_000,
    registrationEnabled: true,
  },
};

describe('settings form', () => {
  it('sends nothing when nothing changed', () => {
    const saved = toDraft(pool);
    expect(changedFields({ ...saved }, saved)).toEqual([]);
    expect(buildUpdate({ ...saved }, saved)).toEqual({ update: {} });
  });

  it('sends only the changed fields, password policy rules nested', () => {
    const saved = toDraft(pool);
    const draft = {
      ...saved,
      name: '  Acme Corp ',
      minLength: '12',
      requireDigit: true,
      registrationEnabled: false,
      refreshTokenTtlSeconds: '86400',
    };
    expect(changedFields(draft, saved)).toHaveLength(5);
    expect(buildUpdate(draft, saved)).toEqual({
      update: {
        name: 'Acme Corp',
        settings: {
          passwordPolicy: { minLength: 12, requireDigit: true },
          refreshTokenTtlSeconds: 86_400,
          registrationEnabled: false,
        },
      },
    });
  });

  it('parses metadata as a JSON object', () => {
    const saved = toDraft(pool);
    expect(buildUpdate({ ...saved, metadata: '{"region": "us", "tier": 2}' }, saved)).toEqual({
      update: { metadata: { region: 'us', tier: 2 } },
    });
    expect(buildUpdate({ ...saved, metadata: '' }, saved)).toEqual({ update: { metadata: {} } });
    const notJson = buildUpdate({ ...saved, metadata: '{region' }, saved);
    expect(notJson).toMatchObject({ error: { field: 'metadata', message: /not valid JSON/ } });
    const array = buildUpdate({ ...saved, metadata: '[1]' }, saved);
    expect(array).toMatchObject({ error: { field: 'metadata', message: /must be a JSON object/ } });
  });

  it('refuses numbers that are not whole', () => {
    const saved = toDraft(pool);
    expect(buildUpdate({ ...saved, minLength: '8.5' }, saved)).toMatchObject({
      error: { field: 'minLength', message: 'Minimum length must be a whole number' },
    });
    expect(buildUpdate({ ...saved, idTokenTtlSeconds: ' ' }, saved)).toMatchObject({
      error: { field: 'idTokenTtlSeconds' },
    });
  });

  it('finds the field a server message is about', () => {
    expect(fieldOfError('Invalid request: body/settings/passwordPolicy/minLength must be <= 256')).toBe(
      'minLength',
    );
    expect(fieldOfError('passwordPolicy.minLength (40) must not exceed passwordPolicy.maxLength (30)')).toBe(
      'minLength',
    );
    expect(fieldOfError('Invalid request: body/name must NOT have fewer than 1 characters')).toBe('name');
    expect(fieldOfError('Invalid request: body/settings/accessTokenTtlSeconds must be >= 60')).toBe(
      'accessTokenTtlSeconds',
    );
    expect(fieldOfError('The server could not be reached')).toBeUndefined();
  });

  it('describes durations in words', () => {
    expect(describeSeconds('3600')).toBe('1 hour');
    expect(describeSeconds('5400')).toBe('1 hour 30 minutes');
    expect(describeSeconds('2592000')).toBe('30 days');
    expect(describeSeconds('59')).toBe('59 seconds');
    expect(describeSeconds('abc')).toBeUndefined();
  });
});
