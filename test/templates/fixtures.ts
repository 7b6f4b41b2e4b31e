/**
 * The seed users of the sample legacy schema (docs/custom-db/sample-schemas/*) with their passwords and
 * the profiles the templates must return for them, plus the hostile strings of the injection tests.
 */
import { readFile } from 'node:fs/promises';

export interface SeedUser {
  password: string;
  profile: {
    email: string;
    username: string | null;
    phone: string | null;
    nickname: string | null;
    name: string;
    givenName: string;
    familyName: string;
    photo: string | null;
    gender: 'M' | 'F' | 'U';
    birthdate: string | null;
    emailVerified: boolean;
    blocked: boolean;
  };
  passwordHash: string;
  createdAt: string;
  updatedAt: string;
}

/** In id order (ids 1–6 in the SQL dialects). */
export const SEED_USERS: SeedUser[] = [
  {
    password: 'ada-analytical-1843',
    passwordHash: '$2b$10$9wmddsU8B2j7YtbJ06PqxOBdqDVGeTkVp7d07CkFAwczIQwvHXLj6',
    profile: {
      email: 'ada.lovelace@example.com',
      username: 'ada',
      phone: '+14155550101',
      nickname: 'Ada',
      name: 'Ada Lovelace',
      givenName: 'Ada',
      familyName: 'Lovelace',
      photo: 'https://avatars.example.com/ada.png',
      gender: 'F',
      birthdate: '1815-12-10',
      emailVerified: true,
      blocked: false,
    },
    createdAt: '2016-03-01T09:00:00Z',
    updatedAt: '2021-07-14T18:30:00Z',
  },
  {
    password: 'alan-enigma-1912',
    passwordHash: '$2b$10$An88pSyn0Zd4oCW8j6WW1eiZ3Yn8yKjOET2MSS56OaaLmh8yseq/O',
    profile: {
      email: 'alan.turing@example.com',
      username: 'alan_turing',
      phone: '+447700900123',
      nickname: 'Alan',
      name: 'Alan Turing',
      givenName: 'Alan',
      familyName: 'Turing',
      photo: null,
      gender: 'M',
      birthdate: '1912-06-23',
      emailVerified: true,
      blocked: false,
    },
    createdAt: '2016-03-02T10:15:00Z',
    updatedAt: '2016-03-02T10:15:00Z',
  },
  {
    password: 'grace-cobol-1959',
    passwordHash: '$2b$10$F6HCX2l5KRiyT4HuIICLluEspG7n/OyUf8DpH4PBNKKWe3OA1rzPy',
    profile: {
      email: 'grace.hopper@example.com',
      username: 'grace',
      phone: null,
      nickname: 'Amazing Grace',
      name: 'Grace Hopper',
      givenName: 'Grace',
      familyName: 'Hopper',
      photo: 'https://avatars.example.com/grace.png',
      gender: 'F',
      birthdate: '1906-12-09',
      emailVerified: false,
      blocked: false,
    },
    createdAt: '2017-11-20T08:45:00Z',
    updatedAt: '2019-01-05T12:00:00Z',
  },
  {
    password: 'linus-kernel-1991',
    passwordHash: '$2b$10$UHW.2wIMKZ/qGBBIO7u/0uqCjobFOPG8fc9FwfEZgU0BKFaJLknX2',
    profile: {
      email: 'Linus@Example.com',
      username: null,
      phone: '+358401234567',
      nickname: null,
      name: 'Linus Torvalds',
      givenName: 'Linus',
      familyName: 'Torvalds',
      photo: null,
      gender: 'M',
      birthdate: null,
      emailVerified: false,
      blocked: false,
    },
    createdAt: '2018-05-30T16:20:00Z',
    updatedAt: '2018-05-30T16:20:00Z',
  },
  {
    password: 'margaret-apollo-1969',
    passwordHash: '$2b$10$t4.rrEvX0b6FajTIg7HR9OJ9S63gKLy10oHzZnky0jJz3oJe4whuu',
    profile: {
      email: 'margaret.hamilton@example.com',
      username: 'mhamilton',
      phone: '+16175550199',
      nickname: 'Margaret',
      name: 'Margaret Hamilton',
      givenName: 'Margaret',
      familyName: 'Hamilton',
      photo: null,
      gender: 'F',
      birthdate: '1936-08-17',
      emailVerified: true,
      blocked: true,
    },
    createdAt: '2019-07-16T13:32:00Z',
    updatedAt: '2023-02-01T07:00:00Z',
  },
  {
    password: 'edsger-goto-1968',
    passwordHash: '$2b$10$WaGxn4pfFxeptwfd6SfNDOMDay51G4dDbCGfIZl1O0uFZKl.f1Z8.',
    profile: {
      email: 'edsger@example.com',
      username: 'Edsger',
      phone: null,
      nickname: null,
      name: 'Edsger W. Dijkstra',
      givenName: 'Edsger',
      familyName: 'Dijkstra',
      photo: null,
      gender: 'U',
      birthdate: '1930-05-11',
      emailVerified: true,
      blocked: false,
    },
    createdAt: '2020-01-01T00:00:00Z',
    updatedAt: '2020-01-01T00:00:00Z',
  },
];

export const seedUser = (index: number): SeedUser => {
  const user = SEED_USERS[index];
  if (!user) throw new Error(`no seed user ${index}`);
  return user;
};

/**
 * Strings that would widen, break or destroy a query built by concatenation, and LIKE / regex
 * metacharacters that would widen a search if not escaped.
 */
export const HOSTILE_STRINGS = [
  "' OR '1'='1",
  "' OR 1=1 --",
  "admin'--",
  '"; DROP TABLE users; --',
  "'); DROP TABLE users; --",
  '1 OR 1=1',
  '1; DELETE FROM users',
  '%',
  '_',
  '\\',
  '\\%',
  '.*',
  '{"$ne": null}',
  '../1',
];

export const context = {
  userPoolId: 'pool-templates',
  userPoolName: 'Templates',
  userPoolMetadata: {},
  appId: 'app-templates',
  appName: 'Templates test',
  appMetadata: {},
  application: {},
  request: { ip: '127.0.0.1', geo: null, body: {} },
};

export const SAMPLE_SCHEMA_DIR = new URL('../../docs/custom-db/sample-schemas/', import.meta.url);

export const readSampleSchema = (file: string) => readFile(new URL(file, SAMPLE_SCHEMA_DIR), 'utf8');
