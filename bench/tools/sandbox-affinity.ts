/**
 * What a host↔child hand-off costs when the two processes share a CPU and when they do not: a diagnostic
 * beside `npm run bench sandbox`, not a benchmark entry. It pins the bench process and its sandbox child
 * with `taskset` (util-linux) and times warm no-op calls in three layouts, twice:
 *  - free: the scheduler places both (what the benchmark measures);
 *  - same CPU: both on CPU 0;
 *  - other CPU: the host on CPU 0, the child on CPU 1.
 *
 *   npx tsx bench/tools/sandbox-affinity.ts
 */
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import { createSandbox, type RunRequest } from '../../src/sandbox/index.js';

if (os.availableParallelism() < 2) throw new Error('needs at least two CPUs');

const request: RunRequest = {
  poolId: 'affinity',
  source: 'async function login() { return null }',
  dialect: 'genauth',
  env: {},
  fn: 'login',
  args: [{ email: 'a@example.com' }, 'pw'],
  context: { userPoolId: 'affinity' },
};
const CALLS = 10_000;

/** Pins every thread of a process. */
const pin = (pid: number, cpus: string) => execFileSync('taskset', ['-a', '-p', '-c', cpus, String(pid)]);

const sandbox = createSandbox({ maxChildrenPerPool: 1 });
try {
  for (let i = 0; i < 3000; i++) await sandbox.run(request);
  const child = sandbox.stats().children[0]!.pid;
  const layouts: Array<[string, string, string]> = [
    ['free', '0,1', '0,1'],
    ['same CPU', '0', '0'],
    ['other CPU', '0', '1'],
  ];
  for (let round = 1; round <= 2; round++) {
    for (const [name, hostCpus, childCpus] of layouts) {
      pin(process.pid, hostCpus);
      pin(child, childCpus);
      const times: number[] = [];
      for (let i = 0; i < CALLS; i++) {
        const started = performance.now();
        await sandbox.run(request);
        times.push(performance.now() - started);
      }
      times.sort((a, b) => a - b);
      const mean = times.reduce((a, b) => a + b, 0) / CALLS;
      console.log(
        `round ${round}, ${name.padEnd(9)}: p50 ${(times[CALLS / 2]! * 1000).toFixed(1)} µs, mean ${(mean * 1000).toFixed(1)} µs`,
      );
    }
  }
  pin(process.pid, `0-${os.availableParallelism() - 1}`);
} finally {
  await sandbox.close();
}
