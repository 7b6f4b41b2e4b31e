/**
 * Server-rendered HTML of the hosted pages (login, registration, consent, logout, errors). No framework:
 * small functions returning strings, every interpolated value escaped with `esc`. No script at all; the
 * inline stylesheet is the only inline content (see PAGE_CSP).
 */

const ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
  '`': '&#96;',
};

export function esc(value: unknown): string {
  return String(value ?? '').replace(/[&<>"'`]/g, (c) => ENTITIES[c]!);
}

/** Headers for every hosted page: no scripts, no framing, no caching. */
export const PAGE_HEADERS: Record<string, string> = {
  'content-type': 'text/html; charset=utf-8',
  'cache-control': 'no-store',
  'content-security-policy':
    "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data: https:; frame-ancestors 'none'; base-uri 'none'",
  'x-frame-options': 'DENY',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};

const CSS = `
*,*::before,*::after{box-sizing:border-box}
body{margin:0;min-height:100vh;display:flex;align-items:center;justify-content:center;
  font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;background:#f3f4f6;color:#111827}
main{width:100%;max-width:400px;margin:24px;padding:32px;background:#fff;border-radius:12px;
  box-shadow:0 1px 3px rgba(0,0,0,.08),0 8px 24px rgba(0,0,0,.06)}
h1{font-size:1.4rem;margin:0 0 4px}
p.sub{margin:0 0 24px;color:#4b5563}
label{display:block;font-weight:600;font-size:.9rem;margin:16px 0 6px}
input{width:100%;padding:10px 12px;font:inherit;border:1px solid #d1d5db;border-radius:8px;background:#fff}
input:focus{outline:3px solid #bfdbfe;border-color:#2563eb}
button{width:100%;margin-top:24px;padding:11px;font:inherit;font-weight:600;border:0;border-radius:8px;
  background:#2563eb;color:#fff;cursor:pointer}
button:hover{background:#1d4ed8}
button:focus-visible{outline:3px solid #93c5fd;outline-offset:2px}
button.secondary{background:#fff;color:#374151;border:1px solid #d1d5db;margin-top:12px}
button.secondary:hover{background:#f9fafb}
.error{margin:0 0 16px;padding:10px 12px;border-radius:8px;background:#fef2f2;color:#991b1b;border:1px solid #fecaca}
.alt{margin:20px 0 0;text-align:center;font-size:.9rem;color:#4b5563}
a{color:#2563eb}
ul.scopes{padding-left:20px;margin:8px 0 0}
.hint{font-size:.8rem;color:#6b7280;margin-top:4px}
footer{margin-top:24px;font-size:.75rem;color:#9ca3af;text-align:center}
`;

export function layout(title: string, body: string, poolName?: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${esc(title)}${poolName ? ` · ${esc(poolName)}` : ''}</title>
<style>${CSS}</style>
</head>
<body>
<main>
${body}
${poolName ? `<footer>${esc(poolName)} · secured by Gatehouse</footer>` : ''}
</main>
</body>
</html>`;
}

function errorBox(error: string | undefined): string {
  return error ? `<p class="error" role="alert" id="form-error">${esc(error)}</p>` : '';
}

const described = (error: string | undefined) => (error ? ' aria-describedby="form-error"' : '');

export interface LoginView {
  poolName: string;
  clientName: string;
  action: string;
  registerHref?: string;
  account?: string;
  error?: string;
}

export function loginPage(v: LoginView): string {
  return layout(
    'Sign in',
    `<h1>Sign in</h1>
<p class="sub">to continue to <strong>${esc(v.clientName)}</strong></p>
${errorBox(v.error)}
<form method="post" action="${esc(v.action)}" novalidate>
<label for="account">Email, username or phone</label>
<input id="account" name="account" type="text" autocomplete="username" autocapitalize="none" spellcheck="false" required autofocus value="${esc(v.account)}"${described(v.error)}>
<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="current-password" required${described(v.error)}>
<button type="submit">Sign in</button>
</form>
${v.registerHref ? `<p class="alt">No account yet? <a href="${esc(v.registerHref)}">Create one</a></p>` : ''}`,
    v.poolName,
  );
}

export interface RegisterView {
  poolName: string;
  clientName: string;
  action: string;
  loginHref: string;
  email?: string;
  name?: string;
  error?: string;
}

export function registerPage(v: RegisterView): string {
  return layout(
    'Create account',
    `<h1>Create your account</h1>
<p class="sub">to continue to <strong>${esc(v.clientName)}</strong></p>
${errorBox(v.error)}
<form method="post" action="${esc(v.action)}" novalidate>
<label for="email">Email</label>
<input id="email" name="email" type="email" autocomplete="email" autocapitalize="none" spellcheck="false" required autofocus value="${esc(v.email)}"${described(v.error)}>
<label for="name">Name <span class="hint">(optional)</span></label>
<input id="name" name="name" type="text" autocomplete="name" value="${esc(v.name)}">
<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="new-password" required${described(v.error)}>
<button type="submit">Create account</button>
</form>
<p class="alt">Already have an account? <a href="${esc(v.loginHref)}">Sign in</a></p>`,
    v.poolName,
  );
}

const SCOPE_TEXT: Record<string, string> = {
  openid: 'Know who you are',
  profile: 'Your name and profile details',
  email: 'Your email address',
  phone: 'Your phone number',
  address: 'Your postal address',
  offline_access: 'Stay signed in (keep access when you are not using it)',
};

export interface ConsentView {
  poolName: string;
  clientName: string;
  action: string;
  abortAction: string;
  scopes: string[];
  claims: string[];
}

export function consentPage(v: ConsentView): string {
  const items = v.scopes.map((s) => `<li>${esc(SCOPE_TEXT[s] ?? s)}</li>`);
  for (const claim of v.claims) items.push(`<li>${esc(claim)}</li>`);
  return layout(
    'Authorize',
    `<h1>Authorize ${esc(v.clientName)}</h1>
<p class="sub"><strong>${esc(v.clientName)}</strong> asks to:</p>
<ul class="scopes">${items.join('')}</ul>
<form method="post" action="${esc(v.action)}"><button type="submit" autofocus>Allow</button></form>
<form method="post" action="${esc(v.abortAction)}"><button type="submit" class="secondary">Deny</button></form>`,
    v.poolName,
  );
}

export function messagePage(title: string, message: string, poolName?: string): string {
  return layout(title, `<h1>${esc(title)}</h1><p class="sub">${esc(message)}</p>`, poolName);
}

/** `form` is oidc-provider's own logout form (it carries the xsrf token); trusted provider HTML. */
export function logoutPage(form: string, clientName: string | undefined, poolName: string): string {
  return layout(
    'Sign out',
    `<h1>Sign out</h1>
<p class="sub">Do you want to sign out${clientName ? ` of <strong>${esc(clientName)}</strong> and` : ''} of ${esc(poolName)}?</p>
${form}
<button type="submit" form="op.logoutForm" name="logout" value="yes" autofocus>Yes, sign me out</button>
<button type="submit" form="op.logoutForm" class="secondary">No, stay signed in</button>`,
    poolName,
  );
}

export function loggedOutPage(clientName: string | undefined, poolName: string): string {
  return messagePage(
    'Signed out',
    clientName ? `You are signed out of ${clientName}.` : 'You are signed out.',
    poolName,
  );
}

export interface ResetPasswordView {
  poolName: string;
  action: string;
  token: string;
  error?: string;
}

export function resetPasswordPage(v: ResetPasswordView): string {
  return layout(
    'Choose a new password',
    `<h1>Choose a new password</h1>
${errorBox(v.error)}
<form method="post" action="${esc(v.action)}" novalidate>
<input type="hidden" name="token" value="${esc(v.token)}">
<label for="password">New password</label>
<input id="password" name="password" type="password" autocomplete="new-password" required autofocus${described(v.error)}>
<button type="submit">Set password</button>
</form>`,
    v.poolName,
  );
}
