import { mkdtemp, readFile, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SecretBox, loadSecretBox } from './secret-box.js';

describe('SecretBox', () => {
  const box = new SecretBox(Buffer.alloc(32, 1));

  it('round-trips and never stores the clear text', () => {
    const sealed = box.encrypt('postgres://app:s3cret@db/users', 'pool-1');
    expect(sealed).not.toContain('s3cret');
    expect(box.decrypt(sealed, 'pool-1')).toBe('postgres://app:s3cret@db/users');
    expect(box.encrypt('same', 'x')).not.toBe(box.encrypt('same', 'x'));
  });

  it('refuses a value moved to another row or tampered with', () => {
    const sealed = box.encrypt('secret', 'pool-1');
    expect(() => box.decrypt(sealed, 'pool-2')).toThrow();
    const tampered = sealed.slice(0, -2) + (sealed.endsWith('A') ? 'B' : 'A') + sealed.slice(-1);
    expect(() => box.decrypt(tampered, 'pool-1')).toThrow();
    expect(() => new SecretBox(Buffer.alloc(32, 2)).decrypt(sealed, 'pool-1')).toThrow();
  });

  it('generates a key file once, readable by the owner only', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'gh-key-'));
    const first = await loadSecretBox({ dataDir: dir });
    const second = await loadSecretBox({ dataDir: dir });
    expect(second.decrypt(first.encrypt('x'))).toBe('x');
    expect((await stat(path.join(dir, 'secret.key'))).mode & 0o777).toBe(0o600);
    expect((await readFile(path.join(dir, 'secret.key'), 'utf8')).trim()).toHaveLength(44);
  });

  it('accepts GATEHOUSE_SECRET_KEY as hex or base64 and rejects a short key', async () => {
    const hex = 'ab'.repeat(32);
    const fromHex = await loadSecretBox({ dataDir: '/nonexistent', secretKey: hex });
    const fromB64 = await loadSecretBox({
      dataDir: '/nonexistent',
      secretKey: Buffer.from(hex, 'hex').toString('base64'),
    });
    expect(fromB64.decrypt(fromHex.encrypt('x'))).toBe('x');
    await expect(loadSecretBox({ dataDir: '/nonexistent', secretKey: 'too-short' })).rejects.toThrow(
      /32 bytes/,
    );
  });
});
