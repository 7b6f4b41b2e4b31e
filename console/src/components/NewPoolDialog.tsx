import { useEffect, useRef, useState, type FormEvent } from 'react';
import { api, type Pool } from '../lib/api';
import { useAction } from '../lib/useRequest';

/** "Acme Corp." → "acme-corp": a slug suggestion while the slug field has not been edited. */
export function slugFrom(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 63)
    .replace(/-+$/, '');
}

/**
 * Create a user pool in a modal dialog (native <dialog>: focus is trapped and Escape closes it). The
 * slug is suggested from the name until edited; the server checks it and says why it is refused.
 */
export function NewPoolDialog({
  onCreated,
  onClose,
}: {
  onCreated: (pool: Pool) => void;
  onClose: () => void;
}) {
  const dialog = useRef<HTMLDialogElement>(null);
  const [name, setName] = useState('');
  const [slug, setSlug] = useState('');
  const [slugEdited, setSlugEdited] = useState(false);
  const create = useAction(api.pools.create);

  useEffect(() => {
    dialog.current?.showModal();
  }, []);

  const shownSlug = slugEdited ? slug : slugFrom(name);

  async function submit(event: FormEvent) {
    event.preventDefault();
    const pool = await create.run({ slug: shownSlug, ...(name.trim() ? { name: name.trim() } : {}) });
    if (pool) onCreated(pool);
  }

  return (
    <dialog ref={dialog} aria-labelledby="new-pool-title" onClose={onClose} className="dialog">
      <form onSubmit={submit}>
        <h2 id="new-pool-title">New user pool</h2>
        <p className="muted">
          A pool has its own users, applications, custom database and settings, and its own OIDC issuer.
        </p>
        <div className="form-grid">
          <div className="field">
            <label htmlFor="new-pool-name">Display name</label>
            <input
              id="new-pool-name"
              maxLength={128}
              autoComplete="off"
              value={name}
              onChange={(e) => setName(e.target.value)}
            />
          </div>
          <div className="field">
            <label htmlFor="new-pool-slug">Slug</label>
            <input
              id="new-pool-slug"
              required
              maxLength={63}
              autoComplete="off"
              spellCheck={false}
              value={shownSlug}
              onChange={(e) => {
                setSlugEdited(true);
                setSlug(e.target.value);
              }}
              aria-describedby="new-pool-slug-hint"
              aria-invalid={create.error ? true : undefined}
            />
            <p id="new-pool-slug-hint" className="muted small">
              Lowercase letters, digits and inner dashes; in URLs and the issuer <code>/oidc/{'{slug}'}</code>
              . It cannot change later.
            </p>
          </div>
        </div>
        {create.error && (
          <p className="error" role="alert">
            {create.error}
          </p>
        )}
        <div className="actions">
          <button type="button" onClick={() => dialog.current?.close()}>
            Cancel
          </button>
          <button type="submit" className="primary" disabled={create.pending}>
            {create.pending ? 'Creating…' : 'Create pool'}
          </button>
        </div>
      </form>
    </dialog>
  );
}
