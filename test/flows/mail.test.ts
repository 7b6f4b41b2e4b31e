/**
 * Password reset mail through a real SMTP conversation (smtp-server on a loopback port), and the
 * development outbox when SMTP_URL is unset.
 */
import { SMTPServer } from 'smtp-server';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGatehouse, type TestGatehouse } from '../helpers/gatehouse.js';

interface Received {
  from: string;
  to: string[];
  data: string;
}

let smtp: SMTPServer;
let gh: TestGatehouse;
const received: Received[] = [];

beforeAll(async () => {
  smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    onData(stream, session, callback) {
      let data = '';
      stream.on('data', (chunk: Buffer) => (data += chunk.toString()));
      stream.on('end', () => {
        received.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          data,
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
  const { port } = smtp.server.address() as AddressInfo;
  gh = await startGatehouse({
    smtpUrl: `smtp://127.0.0.1:${port}`,
    mailFrom: 'Gatehouse <auth@example.org>',
  });
});
afterAll(async () => {
  await gh?.close();
  await new Promise<void>((resolve) => smtp?.close(() => resolve()));
});

describe('mail', () => {
  it('sends the reset mail through SMTP when SMTP_URL is set, and nothing to the outbox', async () => {
    const register = await gh.api('/api/v1/pools/default/auth/register', {
      method: 'POST',
      body: { email: 'mail@example.com', password: 'a fine passphrase' },
    });
    expect(register.status).toBe(201);
    const request = await gh.api('/api/v1/pools/default/auth/password/reset-request', {
      method: 'POST',
      body: { email: 'mail@example.com' },
    });
    expect(request.status).toBe(202);
    expect(received).toHaveLength(1);
    expect(received[0]!.to).toEqual(['mail@example.com']);
    expect(received[0]!.from).toBe('auth@example.org');
    const token = /Reset token: (\S+)/.exec(received[0]!.data.replace(/=\r?\n/g, ''))![1]!;
    const reset = await gh.api('/api/v1/pools/default/auth/password/reset', {
      method: 'POST',
      body: { token, newPassword: 'a new fine passphrase' },
    });
    expect(reset.status).toBe(204);
    const outbox = await gh.api('/api/v1/pools/default/outbox');
    expect(outbox.body.totalCount).toBe(0);
  });
});
