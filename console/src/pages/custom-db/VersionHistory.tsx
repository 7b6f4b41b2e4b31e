import { useState } from 'react';
import { api, type Script } from '../../lib/api';
import { useAction, useRequest } from '../../lib/useRequest';
import { ErrorMessage, Loading } from '../../components/Status';
import { DiffView } from './DiffView';
import { displayName } from './modes';
import { formatDateTime } from '../../lib/format';

/**
 * The saved versions of one script, newest first. Viewing a version shows its line diff against the
 * editor's current text; restoring saves it again as the newest version.
 */
export function VersionHistory({
  pool,
  script,
  draft,
  dirty,
  revision,
  onRestored,
}: {
  pool: string;
  script: string;
  /** The editor's current text, which a version is compared with. */
  draft: string;
  dirty: boolean;
  /** Changes when the script is saved, so the list reloads. */
  revision: number;
  onRestored: (saved: Script) => void;
}) {
  const versions = useRequest(`versions|${pool}|${script}|${revision}`, () =>
    api.customDb.versions(pool, script),
  );
  const [open, setOpen] = useState<number>();
  const version = useRequest(`version|${pool}|${script}|${open ?? ''}`, () =>
    open === undefined ? Promise.resolve(undefined) : api.customDb.version(pool, script, open),
  );
  const restore = useAction(api.customDb.restore);
  const name = displayName(script);

  async function restoreOpen() {
    if (open === undefined) return;
    if (dirty && !window.confirm(`Replace the unsaved changes in ${name} with version ${open}?`)) return;
    const saved = await restore.run(pool, script, open);
    if (saved) {
      setOpen(undefined);
      onRestored(saved);
    }
  }

  const list = versions.data?.list ?? [];
  return (
    <section className="card" aria-labelledby="versions-title">
      <h2 id="versions-title">Version history of {name}</h2>
      {versions.loading && <Loading label="Loading versions…" />}
      <ErrorMessage error={versions.error} onRetry={versions.reload} />
      {versions.data && list.length === 0 && (
        <p className="muted">No saved version yet: the default script is in use.</p>
      )}
      {list.length > 0 && (
        <div className="table-wrap">
          <table className="compact">
            <caption className="visually-hidden">Saved versions of {name}, newest first</caption>
            <thead>
              <tr>
                <th scope="col">Version</th>
                <th scope="col">Saved</th>
                <th scope="col">By</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {list.map((v) => (
                <tr key={v.version} aria-current={v.version === open ? 'true' : undefined}>
                  <td>{v.version}</td>
                  <td>
                    <time dateTime={v.createdAt}>{formatDateTime(v.createdAt, true)}</time>
                  </td>
                  <td>{v.createdBy}</td>
                  <td>
                    <button
                      type="button"
                      aria-expanded={v.version === open}
                      aria-controls="version-view"
                      onClick={() => setOpen(v.version === open ? undefined : v.version)}
                    >
                      {v.version === open ? 'Hide' : 'View'} version {v.version}
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <div id="version-view" aria-live="polite">
        {open !== undefined && version.loading && <Loading label={`Loading version ${open}…`} />}
        <ErrorMessage error={version.error} onRetry={version.reload} />
        {open !== undefined && version.data?.version === open && (
          <>
            <DiffView
              before={version.data.source ?? ''}
              after={draft}
              label={`Version ${open} compared with the editor`}
            />
            <ErrorMessage error={restore.error} />
            <div className="actions">
              <button
                type="button"
                className="primary"
                onClick={() => void restoreOpen()}
                disabled={restore.pending}
              >
                {restore.pending ? 'Restoring…' : `Restore version ${open}`}
              </button>
            </div>
          </>
        )}
      </div>
    </section>
  );
}
