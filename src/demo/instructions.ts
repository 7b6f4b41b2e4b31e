/**
 * What `gatehouse demo` prints: where everything is, and commands to try, with the real URLs, ports and
 * key of this start filled in.
 */
import type { Demo } from './index.js';

/** The seed users of docs/custom-db/sample-schemas/postgres.sql (docs/custom-db/templates.md#seed-users). */
export const SEED_USERS = [
  { id: '1', email: 'ada.lovelace@example.com', username: 'ada', password: 'ada-analytical-1843' },
  { id: '2', email: 'alan.turing@example.com', username: 'alan_turing', password: 'alan-enigma-1912' },
  { id: '3', email: 'grace.hopper@example.com', username: 'grace', password: 'grace-cobol-1959' },
  { id: '4', email: 'Linus@Example.com', username: null, password: 'linus-kernel-1991' },
  {
    id: '5',
    email: 'margaret.hamilton@example.com',
    username: 'mhamilton',
    password: 'margaret-apollo-1969',
  },
  { id: '6', email: 'edsger@example.com', username: 'Edsger', password: 'edsger-goto-1968' },
] as const;

type DemoSummary = Pick<
  Demo,
  'baseUrl' | 'pool' | 'discoveryUrl' | 'docsUrl' | 'legacyDb' | 'configuration' | 'apiKey' | 'adminPassword'
> &
  Partial<Pick<Demo, 'dataDir' | 'ignoredEnv'>>;

export function demoInstructions(demo: DemoSummary): string {
  const base = demo.baseUrl;
  const api = `${base}/api/v1/pools/${demo.pool}`;
  const auth = `-H "authorization: Bearer $KEY"`;
  const json = `-H 'content-type: application/json'`;
  const [ada, alan, , , margaret] = SEED_USERS;
  const legacy = demo.legacyDb;
  const setup = demo.configuration.firstConfiguration
    ? ' (configured now)'
    : ' (configured at an earlier start)';
  const lines = [
    '',
    `Gatehouse demo is running on ${base}`,
    '',
    `  Sample legacy database  ${legacy.uri}`,
    `                          PGlite speaking the PostgreSQL protocol; ${legacy.userCount} users in table "users"` +
      (legacy.seeded ? ' (seeded now)' : ''),
    `  Pool "${demo.pool}"          custom database connection${setup}:`,
    `                          ${demo.configuration.enabled ? 'enabled' : 'DISABLED'}, ${demo.configuration.mode}, ` +
      'the "postgres" template scripts',
    `  Management API key      ${demo.apiKey}   (instance admin)`,
    `  Console                 admin / ${demo.adminPassword}`,
    ...(demo.dataDir ? [`  Data folder             ${demo.dataDir}   (delete it to start over)`] : []),
    ...(demo.ignoredEnv?.length
      ? [`  Ignored                 ${demo.ignoredEnv.join(', ')}: the demo runs on the embedded store only`]
      : []),
    '',
    'Legacy users (docs/custom-db/templates.md#seed-users):',
    ...SEED_USERS.map(
      (u) =>
        `  ${u.email.padEnd(31)} ${(u.username ?? '-').padEnd(12)} ${u.password}` +
        (u.id === '5' ? '   (disabled: logs in as blocked)' : ''),
    ),
    '',
    'Try (in another terminal):',
    '',
    `  KEY=${demo.apiKey}`,
    '',
    '  # 1. Log in as a legacy user with the legacy password: the login script checks it against the',
    '  #    legacy database, then Gatehouse imports the user (the password hashed with argon2id).',
    `  curl -s ${api}/auth/login ${json} \\`,
    `    -d '{"email":"${ada.email}","password":"${ada.password}"}'`,
    '',
    '  # 2. See the migrated user: externalId is the legacy id, migratedAt the moment of the import.',
    `  curl -s '${api}/users?q=${ada.email}' ${auth}`,
    "  #    And the pool's progress: migrated users, legacy users, how many remain.",
    `  curl -s ${api}/custom-db/migration ${auth}`,
    '',
    '  # 3. Log in again: verified locally now, the script is not called (compare the logs of step 5).',
    `  curl -s ${api}/auth/login ${json} \\`,
    `    -d '{"account":"${ada.username}","password":"${ada.password}"}'`,
    '',
    '  # 4. Other identifiers and outcomes: a username, a wrong password (401), a disabled user (403).',
    `  curl -s ${api}/auth/login ${json} -d '{"username":"${alan.username}","password":"${alan.password}"}'`,
    `  curl -s ${api}/auth/login ${json} -d '{"email":"${alan.email}","password":"wrong"}'`,
    `  curl -s ${api}/auth/login ${json} -d '{"email":"${margaret.email}","password":"${margaret.password}"}'`,
    '',
    '  # 5. Every script run, newest first; the connection and its scripts.',
    `  curl -s '${api}/custom-db/logs?limit=5' ${auth}`,
    `  curl -s ${api}/custom-db ${auth}`,
    `  curl -s ${api}/custom-db/scripts/login ${auth}`,
    '',
    '  # 6. Run a script by hand with the debugger, against the saved version or a draft.',
    `  curl -s ${api}/custom-db/debug ${auth} ${json} \\`,
    `    -d '{"script":"getUser","args":[{"email":"${SEED_USERS[2].email}"}]}'`,
    '',
    '  # 7. The legacy table itself (any PostgreSQL client).',
    `  psql ${legacy.uri} -c 'SELECT id, email, username FROM users'`,
    '',
    `  OpenID Connect discovery  ${demo.discoveryUrl}`,
    `  API documentation         ${demo.docsUrl}`,
    '  How it works              docs/custom-db/README.md',
    '',
    'Ctrl-C stops the demo; the next `npm run demo` continues where it left off.',
    '',
  ];
  return lines.join('\n');
}
