import { api } from '../../lib/api';
import { useRequest } from '../../lib/useRequest';
import { BarChart } from '../../components/BarChart';
import { ErrorMessage, Loading } from '../../components/Status';
import { migrationSeries } from './migration';

/** LAZY_MIGRATION progress: migrated users over the last 30 days, and what is left when listUsers can tell. */
export function MigrationProgress({ pool }: { pool: string }) {
  const progress = useRequest(`migration|${pool}`, () => api.customDb.migration(pool));
  const data = progress.data;
  const percent =
    data && data.legacyUsers
      ? Math.min(100, Math.round((data.migratedUsers / data.legacyUsers) * 100))
      : null;
  return (
    <section className="card" aria-labelledby="migration-title" aria-busy={progress.loading}>
      <div className="page-head">
        <h2 id="migration-title">Migration progress</h2>
        <button type="button" onClick={progress.reload} disabled={progress.loading}>
          Refresh
        </button>
      </div>
      {progress.loading && !data && <Loading label="Loading migration progress…" />}
      <ErrorMessage error={progress.error} onRetry={progress.reload} />
      {data && (
        <>
          <dl className="stats">
            <div>
              <dt>Migrated users</dt>
              <dd>{data.migratedUsers}</dd>
            </div>
            <div>
              <dt>With a local password</dt>
              <dd>{data.migratedWithPassword}</dd>
            </div>
            <div>
              <dt>Local users in all</dt>
              <dd>{data.localUsers}</dd>
            </div>
            {data.legacyUsers !== null && (
              <>
                <div>
                  <dt>In the legacy database</dt>
                  <dd>{data.legacyUsers}</dd>
                </div>
                <div>
                  <dt>Remaining</dt>
                  <dd>
                    {data.remaining ?? '—'}
                    {percent !== null && <span className="muted"> ({percent}% migrated)</span>}
                  </dd>
                </div>
              </>
            )}
          </dl>
          {data.legacyUsers === null && (
            <p className="muted">
              The remaining count appears when the List Users script is written: it tells how many users the
              legacy database holds.
            </p>
          )}
          <BarChart
            title="Migrated users in total, last 30 days"
            valueLabel="Migrated in total"
            detailLabel="Migrated that day"
            data={migrationSeries(data)}
          />
        </>
      )}
    </section>
  );
}
