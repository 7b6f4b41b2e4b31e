import { useState, type FormEvent } from 'react';
import type { CustomDbConfig, CustomDbUpdate, Mode } from '../../lib/api';
import { MODES } from './modes';
import { EnvVars, type EnvRow } from './EnvVars';

const MASK = '••••••••';

/**
 * The connection's settings: enabled, mode, connection info (URI or fields) and custom variables.
 * Secrets are write-only: the stored password and variable values are never shown, only that they exist;
 * leaving a secret field empty keeps what is stored.
 */
export function ConnectionSettings({
  config,
  pending,
  error,
  onSave,
}: {
  config: CustomDbConfig;
  pending: boolean;
  error: string | undefined;
  onSave: (update: CustomDbUpdate) => Promise<boolean>;
}) {
  const stored = config.connection;
  const [enabled, setEnabled] = useState(config.enabled);
  const [mode, setMode] = useState<Mode>(config.mode);
  const [kind, setKind] = useState<'uri' | 'fields'>(stored?.kind ?? 'uri');
  const [uri, setUri] = useState('');
  const [host, setHost] = useState(stored?.kind === 'fields' ? stored.host : '');
  const [port, setPort] = useState(stored?.kind === 'fields' && stored.port ? String(stored.port) : '');
  const [username, setUsername] = useState(stored?.kind === 'fields' ? (stored.username ?? '') : '');
  const [database, setDatabase] = useState(stored?.kind === 'fields' ? (stored.database ?? '') : '');
  const [password, setPassword] = useState('');
  const [env, setEnv] = useState<EnvRow[]>(() =>
    Object.keys(config.env).map((name) => ({ name, value: '', stored: true })),
  );
  const [saved, setSaved] = useState(false);

  function connectionUpdate(): CustomDbUpdate['connection'] | undefined {
    if (kind === 'uri') return uri.trim() ? { uri: uri.trim() } : undefined;
    if (!host.trim()) return undefined;
    return {
      host: host.trim(),
      ...(port ? { port: Number(port) } : {}),
      ...(username ? { username } : {}),
      ...(database ? { database } : {}),
      ...(password ? { password } : {}),
    };
  }

  async function submit(event: FormEvent) {
    event.preventDefault();
    setSaved(false);
    const connection = connectionUpdate();
    const update: CustomDbUpdate = {
      enabled,
      mode,
      env: Object.fromEntries(
        env
          .filter((row) => row.name.trim())
          .map((row) => [row.name.trim(), row.value || (row.stored ? null : '')]),
      ),
      ...(connection !== undefined ? { connection } : {}),
    };
    if (await onSave(update)) {
      setSaved(true);
      setUri('');
      setPassword('');
      setEnv((rows) =>
        rows.filter((row) => row.name.trim()).map((row) => ({ ...row, value: '', stored: true })),
      );
    }
  }

  return (
    <form className="card" onSubmit={submit} aria-labelledby="connection-title">
      <h2 id="connection-title">Connection</h2>
      <label className="switch">
        <input
          type="checkbox"
          role="switch"
          checked={enabled}
          onChange={(e) => setEnabled(e.target.checked)}
          aria-describedby="enabled-help"
        />
        <span>Use a custom database</span>
      </label>
      <p id="enabled-help" className="muted">
        When on, logins of this pool go through your database scripts as the mode below says.
      </p>

      <fieldset>
        <legend>Mode</legend>
        {MODES.map((m) => (
          <label key={m.value} className="choice">
            <input
              type="radio"
              name="mode"
              value={m.value}
              checked={mode === m.value}
              onChange={() => setMode(m.value)}
            />
            <span>
              <strong>{m.label}</strong> <code>{m.value}</code>
              <span className="muted block">{m.description}</span>
            </span>
          </label>
        ))}
      </fieldset>

      <fieldset>
        <legend>Database connection</legend>
        <div className="segmented" role="radiogroup" aria-label="Connection form">
          <label>
            <input type="radio" name="kind" checked={kind === 'uri'} onChange={() => setKind('uri')} /> URI
          </label>
          <label>
            <input type="radio" name="kind" checked={kind === 'fields'} onChange={() => setKind('fields')} />{' '}
            Host and credentials
          </label>
        </div>
        {kind === 'uri' ? (
          <div className="field">
            <label htmlFor="connection-uri">Connection URI (env.DB_CONNECTION_URI)</label>
            <input
              id="connection-uri"
              type="password"
              autoComplete="off"
              spellCheck={false}
              placeholder={
                stored?.kind === 'uri'
                  ? `${stored.uri} — stored; type a new URI to replace it`
                  : 'postgres://user:password@host:5432/db'
              }
              value={uri}
              onChange={(e) => setUri(e.target.value)}
              aria-describedby="uri-help"
            />
            <p id="uri-help" className="muted">
              Write-only: the stored URI is shown without its password, and left unchanged when this field is
              empty.
            </p>
          </div>
        ) : (
          <div className="form-grid">
            <div className="field">
              <label htmlFor="connection-host">Host (env.DB_HOST)</label>
              <input id="connection-host" value={host} onChange={(e) => setHost(e.target.value)} />
            </div>
            <div className="field">
              <label htmlFor="connection-port">Port (env.DB_PORT)</label>
              <input
                id="connection-port"
                inputMode="numeric"
                pattern="[0-9]*"
                value={port}
                onChange={(e) => setPort(e.target.value)}
              />
            </div>
            <div className="field">
              <label htmlFor="connection-username">Username (env.DB_USERNAME)</label>
              <input
                id="connection-username"
                value={username}
                onChange={(e) => setUsername(e.target.value)}
              />
            </div>
            <div className="field">
              <label htmlFor="connection-password">Password (env.DB_PASSWORD)</label>
              <input
                id="connection-password"
                type="password"
                autoComplete="new-password"
                placeholder={
                  stored?.kind === 'fields' && stored.passwordSet ? `${MASK} (stored; empty keeps it)` : ''
                }
                value={password}
                onChange={(e) => setPassword(e.target.value)}
              />
            </div>
            <div className="field">
              <label htmlFor="connection-database">Database (env.DB_DATABASE)</label>
              <input
                id="connection-database"
                value={database}
                onChange={(e) => setDatabase(e.target.value)}
              />
            </div>
          </div>
        )}
      </fieldset>

      <EnvVars rows={env} onChange={setEnv} />

      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      {saved && !error && (
        <p className="success" role="status">
          Connection saved.
        </p>
      )}
      <div className="actions">
        <button type="submit" className="primary" disabled={pending}>
          {pending ? 'Saving…' : 'Save connection'}
        </button>
      </div>
    </form>
  );
}
