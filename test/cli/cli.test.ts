/**
 * The `gatehouse` command as an operator runs it: a real process on an on-disk embedded store.
 */
import { execFile, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const cli = path.resolve('src/cli/main.ts');
let dataDir: string;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'gh-cli-'));
  env = { ...process.env, GATEHOUSE_DATA_DIR: dataDir, LOG_LEVEL: 'warn' };
});
afterAll(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

const gatehouse = (...args: string[]) => run(process.execPath, ['--import', 'tsx', cli, ...args], { env });

// Each command boots the embedded store from disk, which takes seconds on a busy 2-core machine.
describe('gatehouse CLI', { timeout: 240_000 }, () => {
  it('migrates, creates a pool and a pool key', async () => {
    expect((await gatehouse('migrate')).stdout).toContain('001-core');
    const created = JSON.parse((await gatehouse('pools', 'create', 'acme', '--name', 'Acme Inc')).stdout);
    expect(created).toMatchObject({ slug: 'acme', name: 'Acme Inc' });
    const key = (await gatehouse('keys', 'create', '--pool', 'acme')).stdout;
    expect(key).toMatch(/pool acme\):\ngh_\S{20,}/);
    await expect(gatehouse('keys', 'create')).rejects.toMatchObject({
      stderr: expect.stringContaining('exactly one'),
    });
    await expect(gatehouse('pools', 'create', 'acme')).rejects.toMatchObject({
      stderr: expect.stringContaining('already exists'),
    });
  });

  it('starts, prints the one-time credentials, serves, and stops cleanly on SIGTERM', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', cli, 'start'], {
      env: { ...env, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    const url = await new Promise<string>((resolve, reject) => {
      child.once('exit', (code) => reject(new Error(`exited ${code}: ${out}`)));
      setTimeout(() => reject(new Error(`no start banner yet: ${out}`)), 200_000).unref();
      const timer = setInterval(() => {
        const match = /"url":"(http:\/\/127\.0\.0\.1:\d+)"/.exec(out);
        if (match && out.includes('Console login')) {
          clearInterval(timer);
          resolve(match[1]!);
        }
      }, 50);
    });
    expect(out).toMatch(/Instance admin API key: gh_\S+/);
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    child.removeAllListeners('exit');
    const exit = new Promise<number | null>((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    expect(await exit).toBe(0);
    expect(out).toContain('shutting down');
  });
});
