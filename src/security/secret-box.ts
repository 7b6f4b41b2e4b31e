/**
 * Encryption of secrets at rest (connection passwords, env values, signing keys, client secrets):
 * AES-256-GCM with a random 96-bit nonce per value. The stored form is `v1.<nonce>.<ciphertext+tag>`
 * in base64url, so a future key or algorithm change can be recognised by its prefix.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';

const PREFIX = 'v1';

export class SecretBox {
  readonly #key: Buffer;

  constructor(key: Buffer) {
    if (key.length !== 32) throw new Error('The secret key must be 32 bytes');
    this.#key = key;
  }

  encrypt(plain: string, associatedData = ''): string {
    const nonce = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.#key, nonce);
    cipher.setAAD(Buffer.from(associatedData));
    const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final(), cipher.getAuthTag()]);
    return `${PREFIX}.${nonce.toString('base64url')}.${body.toString('base64url')}`;
  }

  /** `associatedData` binds a ciphertext to its row (e.g. the pool id), so values cannot be swapped. */
  decrypt(sealed: string, associatedData = ''): string {
    const [prefix, nonceText, bodyText] = sealed.split('.');
    if (prefix !== PREFIX || !nonceText || !bodyText) throw new Error('Unrecognised sealed secret');
    const body = Buffer.from(bodyText, 'base64url');
    const decipher = createDecipheriv('aes-256-gcm', this.#key, Buffer.from(nonceText, 'base64url'));
    decipher.setAAD(Buffer.from(associatedData));
    decipher.setAuthTag(body.subarray(body.length - 16));
    return Buffer.concat([decipher.update(body.subarray(0, body.length - 16)), decipher.final()]).toString(
      'utf8',
    );
  }

  encryptJson(value: unknown, associatedData = ''): string {
    return this.encrypt(JSON.stringify(value), associatedData);
  }

  decryptJson<T>(sealed: string, associatedData = ''): T {
    return JSON.parse(this.decrypt(sealed, associatedData)) as T;
  }
}

function parseKey(text: string): Buffer {
  const trimmed = text.trim();
  const key = /^[0-9a-f]{64}$/i.test(trimmed) ? Buffer.from(trimmed, 'hex') : Buffer.from(trimmed, 'base64');
  if (key.length !== 32)
    throw new Error('GATEHOUSE_SECRET_KEY must be 32 bytes, as 64 hex characters or base64');
  return key;
}

/**
 * The key comes from GATEHOUSE_SECRET_KEY; without it (embedded default) a key is generated once into
 * `<dataDir>/secret.key` with owner-only permissions.
 */
export async function loadSecretBox(options: { secretKey?: string; dataDir: string }): Promise<SecretBox> {
  if (options.secretKey) return new SecretBox(parseKey(options.secretKey));
  // An in-memory store keeps nothing, so its key need not outlive the process either.
  if (options.dataDir === 'memory://') return new SecretBox(randomBytes(32));
  const file = path.join(options.dataDir, 'secret.key');
  try {
    return new SecretBox(parseKey(await readFile(file, 'utf8')));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  await mkdir(options.dataDir, { recursive: true });
  const key = randomBytes(32);
  await writeFile(file, key.toString('base64') + '\n', { mode: 0o600, flag: 'wx' }).catch(async (error) => {
    // Another process created it first: use theirs.
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  });
  return new SecretBox(parseKey(await readFile(file, 'utf8')));
}
