import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import os from 'node:os';
import { afterAll, describe, expect, it } from 'vitest';
import { pinEventLoop, pinThread } from './affinity.js';

const cpus = os.availableParallelism();
const allowed = (tid: string) =>
  /^Cpus_allowed_list:\s+(\S+)/m.exec(readFileSync(`/proc/self/task/${tid}/status`, 'utf8'))![1];

describe.runIf(cpus >= 2)('event loop placement', () => {
  // This test file's process is a fork of its own: give its main thread every CPU back.
  afterAll(() => void execFileSync('taskset', ['-p', '-c', `0-${cpus - 1}`, String(process.pid)]));

  it('pins the main thread only; the thread pool started before it keeps every CPU', async () => {
    await pinEventLoop(1);
    expect(allowed(String(process.pid))).toBe('1');
    const others = readdirSync('/proc/self/task').filter((tid) => tid !== String(process.pid));
    expect(others.length).toBeGreaterThan(0);
    expect(others.every((tid) => allowed(tid) === `0-${cpus - 1}`)).toBe(true);
  });

  it('reports a thread it cannot pin', async () => {
    await expect(pinThread(process.pid, cpus + 7)).rejects.toThrow(/could not pin thread/);
  });
});
