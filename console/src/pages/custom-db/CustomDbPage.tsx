import { useState } from 'react';
import { api, errorMessage, type CustomDbUpdate } from '../../lib/api';
import { useRequest } from '../../lib/useRequest';
import { ErrorMessage, Loading } from '../../components/Status';
import { ConnectionSettings } from './ConnectionSettings';
import { ScriptsPanel } from './ScriptsPanel';
import { MigrationProgress } from './MigrationProgress';

export function CustomDbPage({ pool }: { pool: string }) {
  const config = useRequest(`config|${pool}`, () => api.customDb.get(pool));
  const scripts = useRequest(`scripts|${pool}`, () => api.customDb.scripts(pool));
  const templates = useRequest(`templates|${pool}`, () => api.customDb.templates(pool));
  const [saving, setSaving] = useState(false);
  const [saveError, setSaveError] = useState<string>();

  async function saveConfig(update: CustomDbUpdate): Promise<boolean> {
    setSaving(true);
    setSaveError(undefined);
    try {
      await api.customDb.update(pool, update);
      config.reload();
      return true;
    } catch (err) {
      setSaveError(errorMessage(err));
      return false;
    } finally {
      setSaving(false);
    }
  }

  const loading = config.loading || scripts.loading || templates.loading;
  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title">Custom Database</h1>
      <p className="muted">
        Authenticate this pool’s users against the database you already have, with small JavaScript scripts.
      </p>
      <ErrorMessage error={config.error} onRetry={config.reload} />
      <ErrorMessage error={scripts.error} onRetry={scripts.reload} />
      <ErrorMessage error={templates.error} onRetry={templates.reload} />
      {loading && !config.data && <Loading label="Loading the connection…" />}
      {config.data && (
        <ConnectionSettings config={config.data} pending={saving} error={saveError} onSave={saveConfig} />
      )}
      {config.data?.mode === 'LAZY_MIGRATION' && <MigrationProgress pool={pool} />}
      {config.data && scripts.data && templates.data && (
        <ScriptsPanel
          pool={pool}
          mode={config.data.mode}
          scripts={scripts.data.list}
          templates={templates.data.list}
          onSaved={() => undefined}
        />
      )}
    </section>
  );
}
