import { describe, expect, it } from 'vitest';
import bcryptjs from 'bcryptjs';
import { bcrypt } from './child/bcrypt-compat.js';

describe('bcrypt API on @node-rs/bcrypt', () => {
  it('hashes with rounds or a salt string, interoperating with bcryptjs', async () => {
    const hash = (await bcrypt.hash('secret', 4)) as string;
    expect(hash).toMatch(/^\$2b\$04\$/);
    expect(bcryptjs.compareSync('secret', hash)).toBe(true);
    const salt = bcrypt.genSaltSync(5, 'a');
    expect(salt).toMatch(/^\$2a\$05\$/);
    expect(bcrypt.hashSync('secret', salt)).toBe(bcryptjs.hashSync('secret', salt));
    expect(await bcrypt.compare('secret', bcryptjs.hashSync('secret', 4))).toBe(true);
    expect(bcrypt.compareSync('wrong', hash)).toBe(false);
    expect(bcrypt.compareSync('secret', 'not a hash')).toBe(false);
    expect(bcrypt.getRounds(hash)).toBe(4);
  });

  it('supports callbacks like the bcrypt package', async () => {
    const hash = await new Promise<string>((resolve, reject) =>
      bcrypt.hash('pw', 4, (err: unknown, value: string) => (err ? reject(err) : resolve(value))),
    );
    const same = await new Promise<boolean>((resolve) =>
      bcrypt.compare('pw', hash, (_e: unknown, ok: boolean) => resolve(ok)),
    );
    expect(same).toBe(true);
    const salt = await new Promise<string>((resolve) =>
      bcrypt.genSalt(4, (_e: unknown, s: string) => resolve(s)),
    );
    expect(salt).toMatch(/^\$2b\$04\$/);
    const error = await new Promise((resolve) => bcrypt.hash('pw', undefined, (e: unknown) => resolve(e)));
    expect(String(error)).toMatch(/data and salt arguments required/);
  });
});
