import { useState } from 'react';
import { api, type LogFilters as Filters } from '../../lib/api';
import { useRequest } from '../../lib/useRequest';
import { ErrorMessage, Loading } from '../../components/Status';
import { Pager } from '../users/Pager';
import { LogFilters } from './LogFilters';
import { LogRow } from './LogRow';

const LIMIT = 20;

/** The custom database's log history: every script run, newest first. */
export function LogsPage({ pool }: { pool: string }) {
  const [filters, setFilters] = useState<Filters>({});
  const [page, setPage] = useState(1);
  const [expanded, setExpanded] = useState<string>();
  const logs = useRequest(`logs|${pool}|${page}|${JSON.stringify(filters)}`, () =>
    api.customDb.logs(pool, page, LIMIT, filters),
  );
  const list = logs.data?.list ?? [];

  return (
    <section aria-labelledby="page-title">
      <div className="page-head">
        <h1 id="page-title">Logs</h1>
        <button type="button" onClick={logs.reload} disabled={logs.loading}>
          Refresh
        </button>
      </div>
      <p className="muted">Every run of the custom database scripts, live and debug, newest first.</p>
      <LogFilters
        onApply={(next) => {
          setFilters(next);
          setPage(1);
          setExpanded(undefined);
        }}
      />
      <ErrorMessage error={logs.error} onRetry={logs.reload} />
      {logs.loading && <Loading label="Loading the log history…" />}
      {logs.data && list.length === 0 && !logs.loading && (
        <p className="muted">No script run matches these filters.</p>
      )}
      {list.length > 0 && (
        <div className="table-wrap">
          <table aria-busy={logs.loading}>
            <caption className="visually-hidden">Script runs</caption>
            <thead>
              <tr>
                <th scope="col">Time</th>
                <th scope="col">Script</th>
                <th scope="col">Outcome</th>
                <th scope="col">Duration</th>
                <th scope="col">Message</th>
              </tr>
            </thead>
            <tbody>
              {list.map((entry) => (
                <LogRow
                  key={entry.id}
                  entry={entry}
                  expanded={expanded === entry.id}
                  onToggle={() => setExpanded(expanded === entry.id ? undefined : entry.id)}
                />
              ))}
            </tbody>
          </table>
        </div>
      )}
      {logs.data && (
        <Pager
          page={page}
          limit={LIMIT}
          total={logs.data.totalCount}
          onPage={(p) => {
            setPage(p);
            setExpanded(undefined);
          }}
          noun={['run', 'runs']}
        />
      )}
    </section>
  );
}
