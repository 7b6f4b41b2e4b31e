import { useState, type FormEvent } from 'react';
import { api, type Pool, type PoolUpdate } from '../../lib/api';
import { useAction } from '../../lib/useRequest';
import { useLeaveGuard } from '../../lib/useLeaveGuard';
import {
  CustomDbSection,
  fieldId,
  GeneralSection,
  SignUpSection,
  TokensSection,
  type SectionProps,
} from './SettingsSections';
import {
  buildUpdate,
  changedFields,
  fieldOfError,
  LABELS,
  toDraft,
  type DraftError,
  type SettingsDraft,
} from './settingsForm';

const LEAVE_WARNING = 'The settings have unsaved changes. Leave anyway?';

/**
 * The pool's name, metadata and settings. Only what changed is sent (the server merges settings); the
 * server's validation message is shown beside the field it names, or above the buttons.
 */
export function PoolSettingsForm({ pool, onSaved }: { pool: Pool; onSaved: (pool: Pool) => void }) {
  const [saved, setSaved] = useState(() => toDraft(pool));
  const [draft, setDraft] = useState(saved);
  const [formError, setFormError] = useState<DraftError>();
  const [notice, setNotice] = useState<string>();
  const save = useAction((update: PoolUpdate) => api.pools.update(pool.slug, update));

  const changed = changedFields(draft, saved);
  const dirty = changed.length > 0;
  useLeaveGuard(dirty, LEAVE_WARNING);

  const error =
    formError ?? (save.error ? { field: fieldOfError(save.error), message: save.error } : undefined);
  const section: SectionProps = {
    draft,
    set: (field, value) => {
      setDraft((d) => ({ ...d, [field]: value }));
      setNotice(undefined);
    },
    errorOf: (field) => (error?.field === field ? error.message : undefined),
  };

  async function submit(event: FormEvent) {
    event.preventDefault();
    const built = buildUpdate(draft, saved);
    if ('error' in built) {
      setFormError(built.error);
      return;
    }
    setFormError(undefined);
    const updated = await save.run(built.update);
    if (!updated) return;
    const next: SettingsDraft = toDraft(updated);
    setSaved(next);
    setDraft(next);
    setNotice('Settings saved.');
    onSaved(updated);
  }

  function discard() {
    setDraft(saved);
    setFormError(undefined);
    save.clear();
  }

  return (
    <form className="card" onSubmit={submit} aria-labelledby="settings-title">
      <h2 id="settings-title">Pool settings</h2>
      <GeneralSection slug={pool.slug} {...section} />
      <SignUpSection {...section} />
      <TokensSection {...section} />
      <CustomDbSection {...section} />
      {error && !error.field && (
        <p className="error" role="alert">
          {error.message}
        </p>
      )}
      {error?.field && (
        // The message itself is beside the field (and announced there); this says why nothing was saved.
        <p className="error">
          Not saved: check <a href={`#${fieldId(error.field)}`}>{LABELS[error.field]}</a>.
        </p>
      )}
      {dirty && (
        <p className="warning" role="status">
          Unsaved changes ({changed.length} field{changed.length > 1 ? 's' : ''}).
        </p>
      )}
      {notice && !dirty && (
        <p className="success" role="status">
          {notice}
        </p>
      )}
      <div className="actions">
        <button type="button" onClick={discard} disabled={!dirty || save.pending}>
          Discard changes
        </button>
        <button type="submit" className="primary" disabled={!dirty || save.pending}>
          {save.pending ? 'Saving…' : 'Save settings'}
        </button>
      </div>
    </form>
  );
}
