import { describe, expect, it } from 'vitest';
import { buildLaunch, childEnv, moduleRoots, permissionFlag, CHILD_ENTRY } from './launch.js';
import { UidAllocator } from './uids.js';

describe('child launch', () => {
  it('picks the permission flag of the running Node', () => {
    expect(permissionFlag('20.20.2')).toBe('--experimental-permission');
    expect(permissionFlag('22.12.0')).toBe('--experimental-permission');
    expect(permissionFlag('23.4.0')).toBe('--experimental-permission');
    expect(permissionFlag('23.5.0')).toBe('--permission');
    expect(permissionFlag('24.1.0')).toBe('--permission');
  });

  it('grants reads only to the child code and its packages, and runs under prlimit and a uid', () => {
    const plan = buildLaunch({ heapLimitMb: 96, addressSpaceLimitMb: 1024, maxProcesses: 64 }, 201234);
    expect(plan.uid).toBe(201234);
    expect(plan.gid).toBe(201234);
    expect(plan.args.at(-1)).toBe(CHILD_ENTRY);
    const reads = plan.args.filter((a) => a.startsWith('--allow-fs-read='));
    expect(reads).toEqual(
      expect.arrayContaining([
        `--allow-fs-read=${CHILD_ENTRY.replace(/main\.js$/, '')}`,
        ...moduleRoots().map((r) => `--allow-fs-read=${r}`),
      ]),
    );
    expect(plan.args).toEqual(
      expect.arrayContaining(['--max-old-space-size=96', '--disallow-code-generation-from-strings']),
    );
    if (plan.command.endsWith('prlimit')) {
      expect(plan.args).toEqual(
        expect.arrayContaining(['--as=1073741824', '--nproc=64', '--core=0', '--', process.execPath]),
      );
    }
    expect(
      buildLaunch({ heapLimitMb: 96, addressSpaceLimitMb: 1024, maxProcesses: null }, null).uid,
    ).toBeUndefined();
  });

  it('gives the child none of the host environment', () => {
    process.env.GATEHOUSE_SECRET_KEY = 'secret';
    try {
      expect(Object.keys(childEnv()).sort()).toEqual(
        ['HOME', 'LANG', 'NODE_ENV', ...(process.env.TZ ? ['TZ'] : [])].sort(),
      );
    } finally {
      delete process.env.GATEHOUSE_SECRET_KEY;
    }
  });

  it('gives each pool its own stable uid in the configured range', () => {
    const uids = new UidAllocator(200_000, 3);
    const a = uids.uidFor('a');
    expect(uids.uidFor('a')).toBe(a);
    const all = new Set([a, uids.uidFor('b'), uids.uidFor('c')]);
    expect(all.size).toBe(3);
    for (const uid of all) expect(uid).toBeGreaterThanOrEqual(200_000);
    expect(() => uids.uidFor('d')).toThrow(/exhausted/);
  });
});
