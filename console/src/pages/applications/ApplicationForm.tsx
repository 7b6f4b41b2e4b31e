import { useState, type FormEvent } from 'react';
import type { Application, ApplicationUpdate, AuthMethod, NewApplication } from '../../lib/api';

/** Parses one URI per line; returns the list or the first line that is not an absolute URL. */
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

type ClientType = 'public' | 'confidential';

const typeOf = (method: string): ClientType => (method === 'none' ? 'public' : 'confidential');
const sameList = (a: string[], b: string[]) => a.length === b.length && a.every((v, i) => v === b[i]);

/**
 * What an edit changes, for PATCH: only the fields that differ. A confidential client keeps its own
 * method (basic or post) unless it is made public.
 */
export function applicationChanges(app: Application, next: NewApplication): ApplicationUpdate {
  const changes: ApplicationUpdate = {};
  if (next.name !== app.name) changes.name = next.name;
  if (!sameList(next.redirect_uris, app.redirect_uris)) changes.redirect_uris = next.redirect_uris;
  if (!sameList(next.post_logout_redirect_uris, app.post_logout_redirect_uris))
    changes.post_logout_redirect_uris = next.post_logout_redirect_uris;
  if (typeOf(next.token_endpoint_auth_method) !== typeOf(app.token_endpoint_auth_method))
    changes.token_endpoint_auth_method = next.token_endpoint_auth_method;
  return changes;
}

/**
 * Create an application, or edit one (`application` given): name, public or confidential, redirect
 * URIs. The first-party application keeps its type: the authentication API signs users in through it
 * as a public client.
 */
export function ApplicationForm({
  application,
  pending,
  error,
  onSubmit,
  onCancel,
}: {
  application?: Application | undefined;
  pending: boolean;
  error: string | undefined;
  onSubmit: (app: NewApplication) => void;
  onCancel: () => void;
}) {
  const [name, setName] = useState(application?.name ?? '');
  const [type, setType] = useState<ClientType>(
    application ? typeOf(application.token_endpoint_auth_method) : 'confidential',
  );
  const [uris, setUris] = useState(application?.redirect_uris.join('\n') ?? '');
  const [logoutUris, setLogoutUris] = useState(application?.post_logout_redirect_uris.join('\n') ?? '');
  const [formError, setFormError] = useState<string>();
  const editing = application !== undefined;
  const initialType = application && typeOf(application.token_endpoint_auth_method);

  function submit(event: FormEvent) {
    event.preventDefault();
    const redirect = parseRedirectUris(uris);
    const logout = parseRedirectUris(logoutUris);
    for (const parsed of [redirect, logout]) {
      if (!Array.isArray(parsed)) {
        setFormError(`“${parsed.invalid}” is not an absolute URL`);
        return;
      }
    }
    setFormError(undefined);
    const method: AuthMethod =
      type === 'public'
        ? 'none'
        : application && initialType === 'confidential'
          ? (application.token_endpoint_auth_method as AuthMethod)
          : 'client_secret_basic';
    onSubmit({
      name: name.trim(),
      redirect_uris: redirect as string[],
      post_logout_redirect_uris: logout as string[],
      token_endpoint_auth_method: method,
    });
  }

  const prefix = editing ? 'edit-app' : 'new-app';
  const shown = formError ?? error;
  return (
    <form className="card" onSubmit={submit} aria-labelledby={`${prefix}-title`}>
      <h2 id={`${prefix}-title`}>{editing ? `Edit “${application.name}”` : 'New application'}</h2>
      {editing && (
        <p className="muted">
          Client id <code>{application.clientId}</code>
        </p>
      )}
      <div className="field">
        <label htmlFor={`${prefix}-name`}>Name</label>
        <input
          id={`${prefix}-name`}
          required
          maxLength={128}
          autoFocus
          value={name}
          onChange={(e) => setName(e.target.value)}
        />
      </div>
      <fieldset disabled={application?.firstParty}>
        <legend>Type</legend>
        {application?.firstParty && (
          <p className="muted">
            The pool’s first-party application stays public: the authentication API signs users in through it.
          </p>
        )}
        <label className="choice">
          <input
            type="radio"
            name={`${prefix}-type`}
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
            name={`${prefix}-type`}
            checked={type === 'public'}
            onChange={() => setType('public')}
          />
          <span>
            <strong>Public</strong>
            <span className="muted block">A single-page or native app: no secret, PKCE (S256) required.</span>
          </span>
        </label>
        {editing && initialType !== type && (
          <p className="warning" role="status">
            {type === 'confidential'
              ? 'Saving creates a client secret, shown once.'
              : 'Saving deletes the client secret: the app must use PKCE instead.'}
          </p>
        )}
      </fieldset>
      <div className="field">
        <label htmlFor={`${prefix}-redirects`}>Redirect URIs</label>
        <textarea
          id={`${prefix}-redirects`}
          rows={3}
          spellCheck={false}
          placeholder="https://app.example.com/callback"
          value={uris}
          onChange={(e) => setUris(e.target.value)}
          aria-describedby={`${prefix}-redirects-help`}
        />
        <p id={`${prefix}-redirects-help`} className="muted">
          One per line; the authorization endpoint only sends the browser back to an exact match.
        </p>
      </div>
      <div className="field">
        <label htmlFor={`${prefix}-logout`}>Post-logout redirect URIs</label>
        <textarea
          id={`${prefix}-logout`}
          rows={2}
          spellCheck={false}
          placeholder="https://app.example.com/"
          value={logoutUris}
          onChange={(e) => setLogoutUris(e.target.value)}
          aria-describedby={`${prefix}-logout-help`}
        />
        <p id={`${prefix}-logout-help`} className="muted">
          Optional, one per line: where the end-session endpoint may send the browser after signing out.
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
          {pending
            ? editing
              ? 'Saving…'
              : 'Creating…'
            : editing
              ? 'Save application'
              : 'Create application'}
        </button>
      </div>
    </form>
  );
}
