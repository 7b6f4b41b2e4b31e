import { useState, type FormEvent } from 'react';
import type { LogFilters as Filters } from '../../lib/api';
import { displayName } from '../custom-db/modes';
// The server's own lists, so a new script or error kind shows up here without a second edit.
import { GENAUTH_SCRIPTS } from '../../../../src/connections/scripts.js';
import { RUN_ERROR_KINDS } from '../../../../src/sandbox/types.js';

const SCRIPTS: readonly string[] = GENAUTH_SCRIPTS;

export const OUTCOMES: readonly string[] = ['success', ...RUN_ERROR_KINDS];

/** A datetime-local value (local time, no zone) as an ISO instant, or undefined when empty. */
function toIso(local: string): string | undefined {
  if (!local) return undefined;
  const date = new Date(local);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

/** Script, outcome, debug and time range filters, applied on submit. */
export function LogFilters({ onApply }: { onApply: (filters: Filters) => void }) {
  const [script, setScript] = useState('');
  const [outcome, setOutcome] = useState('');
  const [debug, setDebug] = useState<'' | 'true' | 'false'>('');
  const [since, setSince] = useState('');
  const [until, setUntil] = useState('');

  function submit(event: FormEvent) {
    event.preventDefault();
    const filters: Filters = {};
    if (script) filters.script = script;
    if (outcome) filters.outcome = outcome;
    if (debug) filters.debug = debug;
    const from = toIso(since);
    const to = toIso(until);
    if (from) filters.since = from;
    if (to) filters.until = to;
    onApply(filters);
  }

  function reset() {
    setScript('');
    setOutcome('');
    setDebug('');
    setSince('');
    setUntil('');
    onApply({});
  }

  return (
    <form className="card filters" onSubmit={submit} aria-label="Filter the log history">
      <div className="form-grid">
        <div className="field">
          <label htmlFor="log-script">Script</label>
          <select id="log-script" value={script} onChange={(e) => setScript(e.target.value)}>
            <option value="">All scripts</option>
            {SCRIPTS.map((name) => (
              <option key={name} value={name}>
                {displayName(name)}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="log-outcome">Outcome</label>
          <select id="log-outcome" value={outcome} onChange={(e) => setOutcome(e.target.value)}>
            <option value="">All outcomes</option>
            {OUTCOMES.map((o) => (
              <option key={o} value={o}>
                {o}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="log-debug">Runs</label>
          <select
            id="log-debug"
            value={debug}
            onChange={(e) => setDebug(e.target.value as '' | 'true' | 'false')}
          >
            <option value="">Live and debug runs</option>
            <option value="false">Live runs only</option>
            <option value="true">Debug runs only</option>
          </select>
        </div>
        <div className="field">
          <label htmlFor="log-since">From</label>
          <input
            id="log-since"
            type="datetime-local"
            value={since}
            onChange={(e) => setSince(e.target.value)}
          />
        </div>
        <div className="field">
          <label htmlFor="log-until">To</label>
          <input
            id="log-until"
            type="datetime-local"
            value={until}
            onChange={(e) => setUntil(e.target.value)}
          />
        </div>
      </div>
      <div className="actions">
        <button type="button" onClick={reset}>
          Clear filters
        </button>
        <button type="submit" className="primary">
          Apply filters
        </button>
      </div>
    </form>
  );
}
