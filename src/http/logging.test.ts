import { Writable } from 'node:stream';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { loggerOptions, safeUrl } from './logging.js';

describe('log hygiene', () => {
  it('keeps query keys but drops their values', () => {
    expect(safeUrl('/oidc/default/cb?code=abc123&state=xyz')).toBe('/oidc/default/cb?code=…&state=…');
    expect(safeUrl('/healthz')).toBe('/healthz');
  });

  it('redacts secret fields wherever they are logged', () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _enc, done) {
        lines.push(String(chunk));
        done();
      },
    });
    const logger = pino(loggerOptions('info'), sink);
    logger.info(
      { password: 'hunter2', body: { password: 'hunter3', refresh_token: 'rt-1' }, user: { id: 'u1' } },
      'x',
    );
    const text = lines.join('');
    expect(text).not.toMatch(/hunter2|hunter3|rt-1/);
    expect(text).toContain('u1');
  });
});
