/**
 * The demo's management API key and console password. The normal first start prints generated ones once;
 * the demo prints them at every start (it is a local sandbox), so it keeps them in its data folder,
 * readable by the owner only. Values given in the environment win and are not written anywhere.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { randomToken } from '../security/tokens.js';

export const CREDENTIALS_FILE = 'demo-credentials.json';

export interface DemoCredentials {
  apiKey: string;
  adminPassword: string;
}

/**
 * The credentials for a data folder: from `given` where set, else from the folder's credentials file,
 * else generated (and saved there, unless the folder is `memory://`).
 */
export async function demoCredentials(
  dataDir: string,
  given: Partial<DemoCredentials> = {},
): Promise<DemoCredentials> {
  const inMemory = dataDir.startsWith('memory://');
  const file = path.join(dataDir, CREDENTIALS_FILE);
  let stored: Partial<DemoCredentials> = {};
  if (!inMemory) {
    try {
      stored = JSON.parse(await readFile(file, 'utf8')) as Partial<DemoCredentials>;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
  const generated: DemoCredentials = {
    apiKey: typeof stored.apiKey === 'string' ? stored.apiKey : `gh_${randomToken(32)}`,
    adminPassword: typeof stored.adminPassword === 'string' ? stored.adminPassword : randomToken(12),
  };
  if (!inMemory && (generated.apiKey !== stored.apiKey || generated.adminPassword !== stored.adminPassword)) {
    await mkdir(dataDir, { recursive: true, mode: 0o700 });
    await writeFile(file, JSON.stringify(generated, null, 2) + '\n', { mode: 0o600 });
  }
  return {
    apiKey: given.apiKey || generated.apiKey,
    adminPassword: given.adminPassword || generated.adminPassword,
  };
}
