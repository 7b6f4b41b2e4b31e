import { Fragment } from 'react';
import type { LogEntry } from '../../lib/api';
import { displayName } from '../custom-db/modes';
import { formatDateTime } from '../../lib/format';

/** One script run; its details (message, console output, duration) open below it. */
export function LogRow({
  entry,
  expanded,
  onToggle,
}: {
  entry: LogEntry;
  expanded: boolean;
  onToggle: () => void;
}) {
  const detailsId = `log-details-${entry.id}`;
  const ok = entry.outcome === 'success';
  return (
    <Fragment>
      <tr>
        <td>
          <button
            type="button"
            className="link"
            aria-expanded={expanded}
            aria-controls={detailsId}
            onClick={onToggle}
          >
            <span aria-hidden="true">{expanded ? '▾' : '▸'}</span>{' '}
            <time dateTime={entry.createdAt}>{formatDateTime(entry.createdAt, true)}</time>
          </button>
        </td>
        <td>{displayName(entry.script)}</td>
        <td>
          <span className={ok ? 'badge' : 'badge danger'}>{entry.outcome}</span>
          {entry.debug && <span className="badge info">debug</span>}
        </td>
        <td className="num">{entry.durationMs.toFixed(1)} ms</td>
        <td className="truncate">{entry.message ?? ''}</td>
      </tr>
      {expanded && (
        <tr id={detailsId} className="details-row">
          <td colSpan={5}>
            <dl className="log-details">
              <dt>Message</dt>
              <dd>{entry.message ? <pre>{entry.message}</pre> : <span className="muted">None.</span>}</dd>
              <dt>Console output</dt>
              <dd>
                {entry.console ? (
                  <pre>{entry.console}</pre>
                ) : (
                  <span className="muted">No console output.</span>
                )}
              </dd>
              <dt>Duration</dt>
              <dd>{entry.durationMs.toFixed(1)} ms</dd>
              <dt>Run id</dt>
              <dd>
                <code>{entry.id}</code>
              </dd>
            </dl>
          </td>
        </tr>
      )}
    </Fragment>
  );
}
