/**
 * The script contract (DESIGN.md §2) as one suite, run against each template set through the real
 * sandbox: every script of the set, the seed users of the sample schema, and hostile strings through
 * every identifier field. Tests in a suite run in order and share the store they change.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  createSandbox,
  type RunError,
  type RunRequest,
  type RunResult,
  type Sandbox,
} from '../../src/sandbox/index.js';
import { getTemplate, type ScriptName, type TemplateName } from '../../src/connections/templates/index.js';
import { HOSTILE_STRINGS, SEED_USERS, context, seedUser } from './fixtures.js';

export interface TemplateStore {
  /** The env of the connection (URI form, or the template's own variables). */
  env: Record<string, string>;
  /** The same connection in the programmatic form (DB_HOST, …), when the template has one. */
  programmaticEnv?: Record<string, string>;
  /** A well-formed id that names no user. */
  missingId: string;
  /** Users in the store, counted directly (not through the scripts). */
  countUsers(): Promise<number>;
  /** Whether the users table (collection) still exists. */
  usersTableExists(): Promise<boolean>;
  close(): Promise<void>;
  /** Runs the scripts some other way than through the sandbox (the fake MongoDB driver only). */
  run?: (request: RunRequest) => Promise<RunResult>;
}

interface Profile {
  id: string;
  email?: string | null;
  username?: string | null;
  phone?: string | null;
  nickname?: string | null;
  name?: string | null;
  photo?: string | null;
  blocked?: boolean;
  emailVerified?: boolean;
  createdAt?: string;
  updatedAt?: string;
  [field: string]: unknown;
}
interface Page {
  totalCount: number;
  list: Profile[];
}

export function defineTemplateContract(name: TemplateName, open: () => Promise<TemplateStore>): void {
  const template = getTemplate(name);
  if (!template) throw new Error(`no template ${name}`);
  let sandbox: Sandbox | undefined;
  let store: TemplateStore;

  beforeAll(async () => {
    store = await open();
    if (!store.run) sandbox = createSandbox();
  });
  afterAll(async () => {
    await sandbox?.close();
    await store?.close();
  });

  async function run(fn: ScriptName, args: unknown[], env = store.env) {
    const runner = store.run ?? ((request: RunRequest) => sandbox!.run(request));
    return runner({
      poolId: `templates-${name}`,
      source: template!.scripts[fn],
      dialect: 'genauth',
      env,
      fn,
      args,
      context,
      timeoutMs: 30_000,
    });
  }
  /** Runs a script that must succeed, and returns its value. */
  async function ok<T = unknown>(fn: ScriptName, ...args: unknown[]): Promise<T> {
    const result = await run(fn, args);
    if (!result.ok) {
      throw new Error(
        `${name}.${fn}(${JSON.stringify(args)}) failed: ${result.error.kind}: ${result.error.message}`,
      );
    }
    return result.value as T;
  }
  /** Runs a script that must fail, and returns its error. */
  async function fails(fn: ScriptName, ...args: unknown[]): Promise<RunError> {
    const result = await run(fn, args);
    if (result.ok)
      throw new Error(`${name}.${fn}(${JSON.stringify(args)}) succeeded: ${JSON.stringify(result.value)}`);
    return result.error;
  }
  const allUsers = async () => (await ok<Page>('listUsers', 1, 100)).list;
  const idOf = async (email: string) => (await ok<Profile>('getUser', { email })).id;

  it('login: the right password, by email (any case), username or phone, gives the mapped profile', async () => {
    const ada = seedUser(0);
    const byEmail = await ok<Profile>('login', { email: 'ADA.Lovelace@Example.COM' }, ada.password);
    expect(byEmail).toMatchObject({ ...ada.profile });
    expect(typeof byEmail.id).toBe('string');
    // Within a day: a MySQL TIMESTAMP is read in the session's time zone.
    const skew = Math.abs(Date.parse(String(byEmail.createdAt)) - Date.parse(ada.createdAt));
    expect(skew).toBeLessThanOrEqual(24 * 3600 * 1000);
    expect(byEmail).not.toHaveProperty('password_hash');
    expect(byEmail).not.toHaveProperty('passwordHash');

    const alan = seedUser(1);
    expect(await ok('login', { username: 'alan_turing' }, alan.password)).toMatchObject(alan.profile);
    const linus = seedUser(3);
    expect(await ok('login', { phone: '+358401234567' }, linus.password)).toMatchObject(linus.profile);
  });

  it('login: a wrong password, an unknown user, a username in the wrong case, no identifier', async () => {
    expect((await fails('login', { email: 'ada.lovelace@example.com' }, 'not-her-password')).kind).toBe(
      'wrong_credentials',
    );
    expect((await fails('login', { email: 'ada.lovelace@example.com' }, '')).kind).toBe('wrong_credentials');
    expect((await fails('login', { email: 'nobody@example.com' }, 'whatever')).kind).toBe('user_not_found');
    expect((await fails('login', { phone: '+10000000000' }, 'whatever')).kind).toBe('user_not_found');
    expect((await fails('login', { username: 'edsger' }, seedUser(5).password)).kind).toBe('user_not_found');
    expect((await fails('login', {}, 'whatever')).kind).toBe('user_not_found');
  });

  it('login: a disabled account logs in as blocked', async () => {
    const margaret = seedUser(4);
    const profile = await ok<Profile>('login', { username: 'mhamilton' }, margaret.password);
    expect(profile).toMatchObject({ email: margaret.profile.email, blocked: true });
  });

  it('getUser: by email, username, phone and id; null when absent', async () => {
    const grace = seedUser(2);
    const byEmail = await ok<Profile>('getUser', { email: 'GRACE.HOPPER@example.com' });
    expect(byEmail).toMatchObject(grace.profile);
    expect(await ok('getUser', { username: 'grace' })).toEqual(byEmail);
    expect(await ok('getUser', { id: byEmail.id })).toEqual(byEmail);
    expect(await ok('getUser', { phone: '+447700900123' })).toMatchObject(seedUser(1).profile);
    expect(await ok('getUser', { username: 'Edsger' })).toMatchObject(seedUser(5).profile);

    expect(await ok('getUser', { email: 'nobody@example.com' })).toBeNull();
    expect(await ok('getUser', { username: 'edsger' })).toBeNull();
    expect(await ok('getUser', { phone: '+10000000000' })).toBeNull();
    expect(await ok('getUser', { id: store.missingId })).toBeNull();
    expect(await ok('getUser', { id: 'not-an-id' })).toBeNull();
    expect(await ok('getUser', {})).toBeNull();
  });

  it('listUsers: pages from 1 with the total count', async () => {
    const first = await ok<Page>('listUsers', 1, 4);
    const second = await ok<Page>('listUsers', 2, 4);
    const third = await ok<Page>('listUsers', 3, 4);
    expect(first.totalCount).toBe(6);
    expect(second.totalCount).toBe(6);
    expect(first.list).toHaveLength(4);
    expect(second.list).toHaveLength(2);
    expect(third).toEqual({ totalCount: 6, list: [] });
    const emails = [...first.list, ...second.list].map((user) => user.email);
    expect(emails).toEqual(SEED_USERS.map((user) => user.profile.email));
    expect(new Set([...first.list, ...second.list].map((user) => user.id)).size).toBe(6);
    for (const [index, user] of [...first.list, ...second.list].entries()) {
      expect(user).toMatchObject(seedUser(index).profile);
    }
    // Out-of-range arguments are clamped rather than trusted.
    expect((await ok<Page>('listUsers', 0, 1000)).list).toHaveLength(6);
    expect((await ok<Page>('listUsers', 1, 0)).list.length).toBeGreaterThan(0);
  });

  it('searchUser: fuzzy and case-insensitive; %, _ and \\ match literally', async () => {
    const hopper = await ok<Page>('searchUser', 'HOPPER');
    expect(hopper.totalCount).toBe(1);
    expect(hopper.list[0]).toMatchObject(seedUser(2).profile);
    expect((await ok<Page>('searchUser', 'example.COM')).totalCount).toBe(6);
    expect((await ok<Page>('searchUser', '+1415')).list.map((user) => user.email)).toEqual([
      'ada.lovelace@example.com',
    ]);
    expect((await ok<Page>('searchUser', '')).totalCount).toBe(6);
    const underscore = await ok<Page>('searchUser', '_');
    expect(underscore.list.map((user) => user.username)).toEqual(['alan_turing']);
    expect(underscore.totalCount).toBe(1);
    expect(await ok('searchUser', '%')).toEqual({ totalCount: 0, list: [] });
    expect(await ok('searchUser', '\\')).toEqual({ totalCount: 0, list: [] });
    expect(await ok('searchUser', 'nobody-at-all')).toEqual({ totalCount: 0, list: [] });
  });

  let created: Profile;
  it('createUser: creates the user, who can then log in; duplicates are UserExistsError', async () => {
    created = await ok<Profile>('createUser', {
      email: 'New.User@example.com',
      username: 'newbie',
      phone: '+15555550100',
      password: 'first-pass-1',
      nickname: 'Newbie',
      name: 'New User',
      givenName: 'New',
      familyName: 'User',
      photo: 'https://avatars.example.com/new.png',
      gender: 'U',
      birthdate: '2000-02-29',
      emailVerified: true,
    });
    expect(created).toMatchObject({
      email: 'New.User@example.com',
      username: 'newbie',
      phone: '+15555550100',
      nickname: 'Newbie',
      name: 'New User',
      givenName: 'New',
      familyName: 'User',
      photo: 'https://avatars.example.com/new.png',
      gender: 'U',
      birthdate: '2000-02-29',
      emailVerified: true,
      blocked: false,
    });
    expect(typeof created.id).toBe('string');
    expect(created.createdAt).toBeTruthy();
    expect(created).not.toHaveProperty('password');
    expect(await ok('login', { email: 'new.user@example.com' }, 'first-pass-1')).toMatchObject({
      id: created.id,
    });
    expect(await ok('getUser', { id: created.id })).toMatchObject({ username: 'newbie' });
    expect(await store.countUsers()).toBe(7);

    for (const duplicate of [
      { email: 'NEW.USER@EXAMPLE.COM', password: 'x' },
      { username: 'newbie', password: 'x' },
      { phone: '+15555550100', password: 'x' },
      { email: 'other@example.com', username: 'ada', password: 'x' },
    ]) {
      expect((await fails('createUser', duplicate)).kind, JSON.stringify(duplicate)).toBe('user_exists');
    }
    expect((await fails('createUser', { nickname: 'No identifier', password: 'x' })).kind).toBe('validation');
    expect(await store.countUsers()).toBe(7);

    // A user created without a password exists but cannot log in with one.
    const noPassword = await ok<Profile>('createUser', { username: 'no-password' });
    expect((await fails('login', { username: 'no-password' }, '')).kind).toBe('wrong_credentials');
    expect(await ok('validatePassword', noPassword.id, '')).toBe(false);
    expect(await ok('deleteUser', noPassword.id)).toBe(true);
  });

  it('updateUser: changes the given fields, hashes a new password; the new password logs in', async () => {
    const updated = await ok<Profile>('updateUser', created.id, {
      nickname: 'Renamed',
      photo: null,
      password: 'second-pass-2',
    });
    expect(updated).toMatchObject({
      id: created.id,
      nickname: 'Renamed',
      username: 'newbie',
      name: 'New User',
    });
    expect(updated.photo ?? null).toBeNull();
    expect(await ok('login', { username: 'newbie' }, 'second-pass-2')).toMatchObject({ nickname: 'Renamed' });
    expect((await fails('login', { username: 'newbie' }, 'first-pass-1')).kind).toBe('wrong_credentials');

    const blocked = await ok<Profile>('updateUser', created.id, { blocked: true, emailVerified: false });
    expect(blocked).toMatchObject({ blocked: true, emailVerified: false, nickname: 'Renamed' });
    expect(await ok('updateUser', created.id, { blocked: false })).toMatchObject({ blocked: false });
    // Nothing to change is not an error.
    expect(await ok('updateUser', created.id, {})).toMatchObject({ id: created.id });

    expect((await fails('updateUser', created.id, { email: 'ada.lovelace@example.com' })).kind).toBe(
      'user_exists',
    );
    expect((await fails('updateUser', store.missingId, { nickname: 'Ghost' })).kind).toBe('user_not_found');
    expect((await fails('updateUser', 'not-an-id', { nickname: 'Ghost' })).kind).toBe('user_not_found');
  });

  it('validatePassword: true for the right password, false otherwise', async () => {
    expect(await ok('validatePassword', created.id, 'second-pass-2')).toBe(true);
    expect(await ok('validatePassword', created.id, 'first-pass-1')).toBe(false);
    expect(await ok('validatePassword', created.id, '')).toBe(false);
    expect(await ok('validatePassword', await idOf('ada.lovelace@example.com'), seedUser(0).password)).toBe(
      true,
    );
    expect(await ok('validatePassword', store.missingId, 'second-pass-2')).toBe(false);
  });

  it('deleteUser: true, then the user is gone', async () => {
    expect(await ok('deleteUser', created.id)).toBe(true);
    expect(await ok('getUser', { id: created.id })).toBeNull();
    expect(await ok('getUser', { email: 'new.user@example.com' })).toBeNull();
    expect((await fails('login', { username: 'newbie' }, 'second-pass-2')).kind).toBe('user_not_found');
    expect((await fails('deleteUser', created.id)).kind).toBe('user_not_found');
    expect((await fails('deleteUser', 'not-an-id')).kind).toBe('user_not_found');
    expect((await ok<Page>('listUsers', 1, 20)).totalCount).toBe(6);
    expect(await store.countUsers()).toBe(6);
  });

  if (template.envVars.some((v) => v.name === 'DB_HOST')) {
    it('reaches the database through the programmatic form (DB_HOST, DB_PORT, …) too', async () => {
      const env = store.programmaticEnv;
      expect(env, 'the store gives the programmatic form').toBeDefined();
      const result = await run('login', [{ username: 'ada' }, seedUser(0).password], env);
      expect(result.ok && result.value).toMatchObject({ email: 'ada.lovelace@example.com' });
      const list = await run('listUsers', [1, 2], env);
      expect(list.ok && list.value).toMatchObject({ totalCount: 6 });
    });
  }

  it('hostile strings in every identifier field match nothing, change nothing, and are stored literally', async () => {
    const before = await store.countUsers();
    const users = await allUsers();
    const ada = users.find((user) => user.email === 'ada.lovelace@example.com')!;
    const searched = (user: Profile) => [user.email, user.username, user.phone, user.nickname, user.name];

    for (const hostile of HOSTILE_STRINGS) {
      const label = JSON.stringify(hostile);
      for (const field of ['email', 'username', 'phone'] as const) {
        for (const password of ['whatever', hostile]) {
          const error = await fails('login', { [field]: hostile }, password);
          expect(error.kind, `login ${field}=${label}`).toBe('user_not_found');
        }
        expect(await ok('getUser', { [field]: hostile }), `getUser ${field}=${label}`).toBeNull();
      }
      expect(await ok('getUser', { id: hostile }), `getUser id=${label}`).toBeNull();
      expect((await fails('login', { email: ada.email }, hostile)).kind).toBe('wrong_credentials');

      const search = await ok<Page>('searchUser', hostile);
      const literal = users.filter((user) =>
        searched(user).some((value) => value?.toLowerCase().includes(hostile.toLowerCase())),
      );
      expect(search.totalCount, `searchUser ${label}`).toBe(literal.length);
      expect(search.list.map((user) => user.id).sort()).toEqual(literal.map((user) => user.id).sort());

      expect((await fails('updateUser', hostile, { nickname: 'pwned' })).kind, `updateUser ${label}`).toBe(
        'user_not_found',
      );
      expect((await fails('deleteUser', hostile)).kind, `deleteUser ${label}`).toBe('user_not_found');
      expect(await ok('validatePassword', hostile, 'whatever'), `validatePassword id=${label}`).toBe(false);
      expect(await ok('validatePassword', ada.id, hostile)).toBe(false);

      // Written as a value, a hostile string is stored and found as exactly itself.
      const phone = hostile.slice(0, 32);
      const stored = await ok<Profile>('createUser', {
        email: `${hostile}@hostile.example`,
        username: hostile,
        phone,
        nickname: hostile,
        password: hostile,
      });
      expect(stored, `createUser ${label}`).toMatchObject({ username: hostile, phone, nickname: hostile });
      expect(await ok('getUser', { username: hostile })).toMatchObject({ id: stored.id });
      expect(await ok('getUser', { phone })).toMatchObject({ id: stored.id });
      expect(await ok('getUser', { email: `${hostile}@hostile.example` })).toMatchObject({ id: stored.id });
      expect(await ok('login', { username: hostile }, hostile)).toMatchObject({ id: stored.id });
      expect(await ok('validatePassword', stored.id, hostile)).toBe(true);
      expect(await ok('updateUser', stored.id, { name: hostile })).toMatchObject({ name: hostile });
      expect(await ok('deleteUser', stored.id)).toBe(true);

      expect(await store.countUsers(), `user count after ${label}`).toBe(before);
    }

    // A hostile string written through updateUser into an existing row changes that row only.
    expect(await ok('updateUser', ada.id, { nickname: "x', disabled = true, nickname = 'y" })).toMatchObject({
      nickname: "x', disabled = true, nickname = 'y",
      blocked: false,
    });
    expect(await ok('updateUser', ada.id, { nickname: 'Ada' })).toMatchObject({ nickname: 'Ada' });
    const after = await allUsers();
    expect(after.map((user) => ({ ...user, updatedAt: null }))).toEqual(
      users.map((user) => ({ ...user, updatedAt: null })),
    );
    expect(await store.usersTableExists()).toBe(true);
    expect(await store.countUsers()).toBe(before);
  });
}
