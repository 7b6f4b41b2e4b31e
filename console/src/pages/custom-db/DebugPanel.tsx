import { useState, type FormEvent } from 'react';
import { api, type DebugResult } from '../../lib/api';
import { useAction } from '../../lib/useRequest';
import { argFields, buildArgs, initialValues, type ArgValue } from './debugArgs';
import { displayName } from './modes';

/**
 * Runs the open script in the sandbox with the connection's real settings. The editor's text is sent as
 * a draft, so unsaved changes can be tried before saving.
 */
export function DebugPanel({
  pool,
  script,
  source,
  template,
}: {
  pool: string;
  script: string;
  source: string;
  /** The template last picked: its sample user prefills the form. */
  template?: string | undefined;
}) {
  const fields = argFields(script);
  const [values, setValues] = useState<ArgValue[]>(() => initialValues(fields, script, template));
  const [formError, setFormError] = useState<string>();
  const [result, setResult] = useState<DebugResult>();
  const run = useAction(api.customDb.debug);

  const set = (index: number, patch: Partial<ArgValue>) =>
    setValues(values.map((v, i) => (i === index ? { ...v, ...patch } : v)));

  async function submit(event: FormEvent) {
    event.preventDefault();
    const args = buildArgs(script, fields, values);
    if (typeof args === 'string') {
      setFormError(args);
      return;
    }
    setFormError(undefined);
    setResult(undefined);
    const answer = await run.run(pool, script, args, source);
    if (answer) setResult(answer);
  }

  return (
    <section className="card debug" aria-labelledby="debug-title">
      <h2 id="debug-title">Debug {displayName(script)}</h2>
      {template && (script === 'login' || script === 'getUser') && (
        <p className="muted">
          Prefilled with the first seed user of the {template} template’s sample schema; change it to any user
          of your database.
        </p>
      )}
      <form onSubmit={submit}>
        <div className="form-grid">
          {fields.map((field, i) => {
            const id = `debug-${script}-${i}`;
            const v = values[i] ?? { key: '', value: '' };
            if (field.kind === 'query') {
              return (
                <div className="field" key={id}>
                  <label htmlFor={`${id}-key`}>{field.label}</label>
                  <div className="inline">
                    <select id={`${id}-key`} value={v.key} onChange={(e) => set(i, { key: e.target.value })}>
                      <option value="email">email</option>
                      <option value="username">username</option>
                      <option value="phone">phone</option>
                      {script !== 'login' && <option value="id">id</option>}
                    </select>
                    <input
                      id={id}
                      aria-label={`${field.label}: value`}
                      placeholder="legacy.user@example.com"
                      value={v.value}
                      onChange={(e) => set(i, { value: e.target.value })}
                    />
                  </div>
                </div>
              );
            }
            return (
              <div className={field.kind === 'json' ? 'field wide' : 'field'} key={id}>
                <label htmlFor={id}>{field.label}</label>
                {field.kind === 'json' ? (
                  <textarea
                    id={id}
                    rows={4}
                    spellCheck={false}
                    value={v.value}
                    onChange={(e) => set(i, { value: e.target.value })}
                  />
                ) : (
                  <input
                    id={id}
                    type={
                      field.kind === 'password' ? 'password' : field.kind === 'number' ? 'number' : 'text'
                    }
                    autoComplete="off"
                    value={v.value}
                    onChange={(e) => set(i, { value: e.target.value })}
                  />
                )}
              </div>
            );
          })}
        </div>
        {(formError ?? run.error) && (
          <p className="error" role="alert">
            {formError ?? run.error}
          </p>
        )}
        <div className="actions">
          <button type="submit" className="primary" disabled={run.pending}>
            {run.pending ? 'Running…' : 'Run'}
          </button>
        </div>
      </form>
      <div aria-live="polite">
        {result && (
          <div className="debug-result" data-testid="debug-result">
            <p>
              {result.ok ? (
                <span className="badge">Succeeded</span>
              ) : (
                <span className="badge danger">Failed</span>
              )}{' '}
              <span className="muted">in {result.durationMs.toFixed(1)} ms</span>
            </p>
            {result.ok ? (
              <>
                <h3>Result</h3>
                <pre>{JSON.stringify(result.result ?? null, null, 2)}</pre>
              </>
            ) : (
              <>
                <h3>Error</h3>
                <pre className="error-text">
                  {result.error?.kind}: {result.error?.message}
                  {result.error?.line !== undefined ? ` (line ${result.error.line})` : ''}
                </pre>
              </>
            )}
            <h3>Console</h3>
            {result.logs.length === 0 ? (
              <p className="muted">No console output.</p>
            ) : (
              <pre>{result.logs.map((l) => `[${l.level}] ${l.message}`).join('\n')}</pre>
            )}
          </div>
        )}
      </div>
    </section>
  );
}
