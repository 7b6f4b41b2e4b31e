/**
 * A reference server for `bench/login.bench.ts`: not Gatehouse, but the least a password login over HTTP
 * can do on this machine, to show how much of the gap between the login API and raw hashing is the
 * machine's and how much is ours. Two levels, chosen by argv[2]:
 *
 *  - `hash`: node:http, parse the JSON body, one argon2id verification (Gatehouse's PasswordHasher),
 *    answer a JSON body of the size of a real login answer. Nothing is looked up or stored.
 *  - `store`: `hash` plus the store work a login cannot do without, done with Gatehouse's own code on
 *    the same kind of store: the user is read and checked by the LocalDirectory (one lookup, login
 *    statistics written behind), and the three opaque artifacts a login issues (grant, access token,
 *    refresh token) are written with the store's own INSERT, as the OIDC adapter does.
 *
 * What the login API does on top of `store` is Fastify (routing, validation, serialisation, hooks),
 * oidc-provider (token models, claims), the signed ID token, rate limiting, metrics and logging.
 *
 * Environment: PORT, GATEHOUSE_DATA_DIR (a fresh folder; the embedded store lives there), USERS (how many
 * users `bench<i>@example.com` to create), PASSWORD. Prints `listening` once it serves.
 */
import http from 'node:http';
import { randomBytes } from 'node:crypto';
import { OWASP_ARGON2 } from '../../src/config/index.js';
import { LocalDirectory } from '../../src/directory/local.js';
import { PoolService } from '../../src/pools/index.js';
import { PasswordHasher } from '../../src/security/passwords.js';
import { migrate, openStore } from '../../src/store/index.js';
import { upsertOidcPayloads } from '../../src/store/queries/oidc-payloads.js';

const level = process.argv[2];
if (level !== 'hash' && level !== 'store') throw new Error('usage: login-floor-server.ts hash|store');
const port = Number(process.env.PORT);
const users = Number(process.env.USERS ?? 32);
const password = process.env.PASSWORD ?? 'correct horse battery staple';

const hasher = new PasswordHasher(OWASP_ARGON2);
const token = (bytes: number) => randomBytes(bytes).toString('base64url');
/** About the size of a real login answer: three tokens, an ES256 ID token, a small profile. */
const answer = (userId: string, email: string) =>
  JSON.stringify({
    access_token: token(32),
    id_token: token(560),
    refresh_token: token(32),
    token_type: 'Bearer',
    expires_in: 3600,
    user: { id: userId, email, emailVerified: false, blocked: false, loginsCount: 1 },
  });

type Login = (email: string, password: string) => Promise<string | null>;

async function hashOnly(): Promise<Login> {
  const encoded = await hasher.hash(password);
  return async (email, given) => ((await hasher.verify(encoded, given)) ? answer('u1', email) : null);
}

async function withStore(): Promise<Login> {
  const store = await openStore({ dataDir: process.env.GATEHOUSE_DATA_DIR! });
  await migrate(store.db);
  const pool = await new PoolService(store.db).ensureDefault();
  const directory = new LocalDirectory(store.db, hasher);
  for (let i = 0; i < users; i++) {
    await directory.create({ pool }, { email: `bench${i}@example.com`, password });
  }
  return async (email, given) => {
    const result = await directory.authenticate({ pool }, { kind: 'email', value: email }, given);
    if (!result.ok) return null;
    const grantId = token(16);
    const expiresAt = new Date(Date.now() + 3600_000);
    const payload = { accountId: result.user.id, clientId: 'first-party', grantId, scope: 'openid' };
    await upsertOidcPayloads(
      store.db,
      ['Grant', 'AccessToken', 'RefreshToken'].map((model) => ({
        key: { poolId: pool.id, model },
        id: model === 'Grant' ? grantId : token(32),
        payload: { ...payload, kind: model, jti: token(16), iat: Math.floor(Date.now() / 1000) },
        expiresAt,
      })),
    );
    return answer(result.user.id, email);
  };
}

const login = level === 'hash' ? await hashOnly() : await withStore();

http
  .createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString()) as { email: string; password: string };
      login(body.email, body.password).then(
        (text) => {
          res.writeHead(text ? 200 : 401, { 'content-type': 'application/json' });
          res.end(text ?? '{"error":{"code":"invalid_credentials"}}');
        },
        (error: Error) => {
          res.writeHead(500, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ error: { code: 'internal', message: error.message } }));
        },
      );
    });
  })
  .listen(port, '127.0.0.1', () => console.log('listening'));
// An orderly exit, so that `node --cpu-prof` can write its profile when the bench stops this server.
process.once('SIGTERM', () => process.exit(0));
