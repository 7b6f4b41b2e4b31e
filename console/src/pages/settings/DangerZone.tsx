import { useState, type FormEvent } from 'react';
import { api } from '../../lib/api';
import { useAction } from '../../lib/useRequest';

/** The pool the server refuses to delete (409 default_pool_protected): it is recreated on every start. */
export const DEFAULT_POOL = 'default';

/** Deleting the pool, behind typing its slug: everything in it goes with it. */
export function DangerZone({ slug, onDeleted }: { slug: string; onDeleted: () => void }) {
  const [confirming, setConfirming] = useState(false);
  const [typed, setTyped] = useState('');
  const remove = useAction(() => api.pools.remove(slug));

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (typed !== slug) return;
    // null on success (204), undefined when the request failed.
    if ((await remove.run()) !== undefined) onDeleted();
  }

  return (
    <section className="card danger-zone" aria-labelledby="danger-title">
      <h2 id="danger-title">Danger zone</h2>
      {slug === DEFAULT_POOL ? (
        <p className="muted">
          The <code>default</code> pool cannot be deleted: Gatehouse recreates it on every start.
        </p>
      ) : !confirming ? (
        <div className="danger-row">
          <p>
            <strong>Delete this pool</strong>
            <span className="muted block">
              Its users, applications, API keys, custom database settings and logs are deleted with it. This
              cannot be undone.
            </span>
          </p>
          <button type="button" className="danger" onClick={() => setConfirming(true)}>
            Delete pool…
          </button>
        </div>
      ) : (
        <form onSubmit={submit} aria-label={`Confirm deleting the pool ${slug}`}>
          <p className="warning">
            This deletes the pool <code>{slug}</code> and everything in it, for good.
          </p>
          <div className="field">
            <label htmlFor="delete-pool-confirm">
              Type <code>{slug}</code> to confirm
            </label>
            <input
              id="delete-pool-confirm"
              autoComplete="off"
              spellCheck={false}
              autoFocus
              value={typed}
              onChange={(e) => setTyped(e.target.value)}
            />
          </div>
          {remove.error && (
            <p className="error" role="alert">
              {remove.error}
            </p>
          )}
          <div className="actions">
            <button
              type="button"
              onClick={() => {
                setConfirming(false);
                setTyped('');
                remove.clear();
              }}
            >
              Cancel
            </button>
            <button type="submit" className="danger-solid" disabled={typed !== slug || remove.pending}>
              {remove.pending ? 'Deleting…' : `Delete pool ${slug}`}
            </button>
          </div>
        </form>
      )}
    </section>
  );
}
