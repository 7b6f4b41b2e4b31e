import { api, type Pool } from '../../lib/api';
import { useRequest } from '../../lib/useRequest';
import { ErrorMessage, Loading } from '../../components/Status';
import { PoolSettingsForm } from './PoolSettingsForm';
import { DangerZone } from './DangerZone';

/** Settings of the current pool: its name, metadata, password policy, tokens; and deleting it. */
export function SettingsPage({
  pool,
  onSaved,
  onDeleted,
}: {
  pool: string;
  /** The pool list shows names: it reloads after a save. */
  onSaved: (pool: Pool) => void;
  onDeleted: () => void;
}) {
  const current = useRequest(`pool|${pool}`, () => api.pools.get(pool));
  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title">Settings</h1>
      <p className="muted">
        Settings of the user pool <code>{pool}</code>. Changes apply to new requests within a second.
      </p>
      {current.loading && !current.data && <Loading label="Loading the pool’s settings…" />}
      <ErrorMessage error={current.error} onRetry={current.reload} />
      {current.data && (
        <>
          <PoolSettingsForm pool={current.data} onSaved={onSaved} />
          <DangerZone slug={current.data.slug} onDeleted={onDeleted} />
        </>
      )}
    </section>
  );
}
