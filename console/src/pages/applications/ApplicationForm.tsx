import { useState, type FormEvent } from 'react';
import type { NewApplication } from '../../lib/api';

/** Parses one redirect URI per line; returns the list or the first line that is not an absolute URL. */
export function parseRedirectUris(text: string): string[] | { invalid: string } {
  const lines = text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  for (const line of lines) {
    try {
      new URL(line);
    } catch {
      return { invalid: line };
    }
  }
  return lines;
}

/** Create an application: name, public or confidential, redirect URIs. */
export function ApplicationForm({
  pending,
  error,
  onSubmit,
  onCancel,
}: {
  pending: boolean;
  error: string | undefined;
  onSubmit: (app: NewApplication) => void;
  onCancel: () => void;
}) {
  const [name, setName] = useState('');
  const [type, setType] = useState<'public' | 'confidential'>('confidential');
  const [uris, setUris] = useState('');
  const [formError, setFormError] = useState<string>();

  function submit(event: FormEvent) {
    event.preventDefault();
    const redirect = parseRedirectUris(uris);
    if (!Array.isArray(redirect)) {
      setFormError(`“${redirect.invalid}” is not an absolute URL`);
      return;
    }
    setFormError(undefined);
    onSubmit({
      name: name.trim(),
      redirect_uris: redirect,
      token_endpoint_auth_method: type === 'public' ? 'none' : 'client_secret_basic',
    });
  }

  const shown = formError ?? error;
  return (
    <form className="card" onSubmit={submit} aria-labelledby="new-app-title">
      <h2 id="new-app-title">New application</h2>
      <div className="field">
        <label htmlFor="app-name">Name</label>
        <input
          id="app-name"
          required
          maxLength={128}
          value={name}
          onChange={(e) => setName(e.target.value)}
        />
      </div>
      <fieldset>
        <legend>Type</legend>
        <label className="choice">
          <input
            type="radio"
            name="app-type"
            checked={type === 'confidential'}
            onChange={() => setType('confidential')}
          />
          <span>
            <strong>Confidential</strong>
            <span className="muted block">A server-side web app that can keep a client secret.</span>
          </span>
        </label>
        <label className="choice">
          <input
            type="radio"
            name="app-type"
            checked={type === 'public'}
            onChange={() => setType('public')}
          />
          <span>
            <strong>Public</strong>
            <span className="muted block">A single-page or native app: no secret, PKCE (S256) required.</span>
          </span>
        </label>
      </fieldset>
      <div className="field">
        <label htmlFor="app-redirects">Redirect URIs</label>
        <textarea
          id="app-redirects"
          rows={3}
          spellCheck={false}
          placeholder="https://app.example.com/callback"
          value={uris}
          onChange={(e) => setUris(e.target.value)}
          aria-describedby="app-redirects-help"
        />
        <p id="app-redirects-help" className="muted">
          One per line; the authorization endpoint only sends the browser back to an exact match.
        </p>
      </div>
      {shown && (
        <p className="error" role="alert">
          {shown}
        </p>
      )}
      <div className="actions">
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
        <button type="submit" className="primary" disabled={pending}>
          {pending ? 'Creating…' : 'Create application'}
        </button>
      </div>
    </form>
  );
}
