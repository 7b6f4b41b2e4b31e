/** Starts a whole Gatehouse node for a test: embedded in-memory store (or a given PostgreSQL), free port. */
import { pino } from 'pino';
import { loadConfig, type Config } from '../../src/config/index.js';
import { createGatehouse, type Gatehouse, type GatehouseOptions } from '../../src/app.js';

export const TEST_API_KEY = 'gh_test_bootstrap_key_0123456789abcdef';
export const TEST_ADMIN_PASSWORD = 'admin-password-for-tests';

export interface TestGatehouse extends Gatehouse {
  url: string;
  /** fetch against the node with the bootstrap key unless `headers.authorization` is given. */
  api(
    path: string,
    init?: { method?: string; body?: unknown; headers?: Record<string, string> },
  ): Promise<{
    status: number;
    body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
    headers: Headers;
  }>;
}

export async function startGatehouse(
  overrides: Partial<Config> = {},
  options: GatehouseOptions = {},
): Promise<TestGatehouse> {
  const config: Config = {
    ...loadConfig({}),
    port: 0,
    host: '127.0.0.1',
    dataDir: 'memory://',
    secretKey: Buffer.alloc(32, 7).toString('base64'),
    bootstrapApiKey: TEST_API_KEY,
    adminPassword: TEST_ADMIN_PASSWORD,
    logLevel: process.env.TEST_LOG_LEVEL || 'silent',
    ...overrides,
  };
  const gatehouse = await createGatehouse(config, { logger: pino({ level: config.logLevel }), ...options });
  const url = await gatehouse.listen();
  // OIDC issuers are derived from the base URL, which is only known once the port is.
  config.baseUrl = overrides.baseUrl ?? url;
  return {
    ...gatehouse,
    url,
    async api(path, init = {}) {
      const headers: Record<string, string> = { authorization: `Bearer ${TEST_API_KEY}`, ...init.headers };
      let body: string | undefined;
      if (init.body !== undefined) {
        headers['content-type'] ??= 'application/json';
        body = typeof init.body === 'string' ? init.body : JSON.stringify(init.body);
      }
      const response = await fetch(url + path, { method: init.method ?? 'GET', headers, body });
      const text = await response.text();
      let parsed: unknown = text;
      try {
        parsed = text ? JSON.parse(text) : null;
      } catch {
        // not JSON: keep the text
      }
      return { status: response.status, body: parsed, headers: response.headers };
    },
  };
}
