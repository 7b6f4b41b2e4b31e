import { describe, expect, it } from 'vitest';
import { consentPage, esc, loginPage, registerPage } from './views.js';

const evil = `"><script>alert(1)</script>'\``;

describe('hosted page templates', () => {
  it('escapes every interpolated value', () => {
    expect(esc(evil)).toBe('&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;&#39;&#96;');
    const pages = [
      loginPage({
        poolName: evil,
        clientName: evil,
        action: evil,
        registerHref: evil,
        account: evil,
        error: evil,
      }),
      registerPage({
        poolName: evil,
        clientName: evil,
        action: evil,
        loginHref: evil,
        email: evil,
        name: evil,
        error: evil,
      }),
      consentPage({
        poolName: evil,
        clientName: evil,
        action: evil,
        abortAction: evil,
        scopes: [evil],
        claims: [evil],
      }),
    ];
    for (const html of pages) {
      expect(html).not.toContain('<script>');
      expect(html).not.toContain(evil);
    }
  });

  it('labels the fields and announces errors', () => {
    const html = loginPage({ poolName: 'P', clientName: 'C', action: '/x', error: 'Wrong password' });
    expect(html).toContain('<label for="account">');
    expect(html).toContain('<label for="password">');
    expect(html).toContain('role="alert"');
    expect(html).toContain('autocomplete="current-password"');
    expect(html).not.toContain('Create one');
  });
});
