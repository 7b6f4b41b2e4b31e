/**
 * The hosted page behind the reset mail's link: the link from the development outbox opens a form,
 * a weak password is refused on the page, a good one is set and works for logging in.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGatehouse, type TestGatehouse } from '../helpers/gatehouse.js';

let gh: TestGatehouse;
beforeAll(async () => {
  gh = await startGatehouse();
});
afterAll(async () => {
  await gh?.close();
});

const form = (url: string, fields: Record<string, string>) =>
  fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields),
  });

describe('hosted password reset page', () => {
  it('sets a new password through the link of the reset mail', async () => {
    const auth = '/api/v1/pools/default/auth';
    await gh.api(`${auth}/register`, {
      method: 'POST',
      body: { email: 'page@example.com', password: 'the old passphrase' },
    });
    await gh.api(`${auth}/password/reset-request`, { method: 'POST', body: { email: 'page@example.com' } });
    const mail = (await gh.api('/api/v1/pools/default/outbox')).body.list[0];
    const link = /Link: (\S+)/.exec(mail.text)![1]!;
    expect(link.startsWith(`${gh.url}/oidc/default/password/reset?token=`)).toBe(true);
    const token = new URL(link).searchParams.get('token')!;

    const shown = await fetch(link);
    expect(shown.status).toBe(200);
    const html = await shown.text();
    expect(html).toContain('Choose a new password');
    expect(html).toContain(`value="${token}"`);
    expect(shown.headers.get('content-security-policy')).toBeTruthy();

    const weak = await form(link.split('?')[0]!, { token, password: 'short' });
    expect(weak.status).toBe(400);
    expect(await weak.text()).toContain('at least 8 characters');

    const done = await form(link.split('?')[0]!, { token, password: 'the new passphrase' });
    expect(done.status).toBe(200);
    expect(await done.text()).toContain('Password changed');

    const reused = await form(link.split('?')[0]!, { token, password: 'another passphrase' });
    expect(reused.status).toBe(400);
    expect(await reused.text()).toContain('invalid, used or expired');

    const login = await gh.api(`${auth}/login`, {
      method: 'POST',
      body: { email: 'page@example.com', password: 'the new passphrase' },
    });
    expect(login.status).toBe(200);
  });

  it('answers an unknown pool with a 404 page', async () => {
    const res = await fetch(`${gh.url}/oidc/nope/password/reset?token=x`);
    expect(res.status).toBe(404);
  });
});
