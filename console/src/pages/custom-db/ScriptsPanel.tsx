import { useState } from 'react';
import { api, errorMessage, type Mode, type Script, type Template } from '../../lib/api';
import { useLeaveGuard } from '../../lib/useLeaveGuard';
import { CodeEditor } from './CodeEditor';
import { DebugPanel } from './DebugPanel';
import { ScriptTabs } from './ScriptTabs';
import { TemplatePicker } from './TemplatePicker';
import { VersionHistory } from './VersionHistory';
import { displayName, scriptsForMode } from './modes';

const LEAVE_WARNING = 'Some scripts have unsaved changes. Leave anyway?';

/**
 * The scripts the mode needs, one tab and editor each. Drafts are kept per script until saved; a
 * template fills every tab it has a script for. Leaving with unsaved drafts asks first.
 */
export function ScriptsPanel({
  pool,
  mode,
  scripts,
  templates,
  onSaved,
}: {
  pool: string;
  mode: Mode;
  scripts: Script[];
  templates: Template[];
  onSaved: () => void;
}) {
  const names = scriptsForMode(
    mode,
    scripts.map((s) => s.name),
  );
  const [saved, setSaved] = useState<Record<string, string>>(() =>
    Object.fromEntries(scripts.map((s) => [s.name, s.source])),
  );
  const [drafts, setDrafts] = useState<Record<string, string>>(saved);
  const [picked, setPicked] = useState(names[0] ?? 'login');
  // The open tab: the one picked, unless the mode no longer has that script (then the first one).
  const current = names.includes(picked) ? picked : (names[0] ?? picked);
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string>();
  const [notice, setNotice] = useState<string>();
  const [revision, setRevision] = useState(0);
  const [template, setTemplate] = useState<string>();

  const dirtyNames = names.filter((name) => drafts[name] !== saved[name]);
  const isDirty = dirtyNames.length > 0;

  useLeaveGuard(isDirty, LEAVE_WARNING);

  async function save() {
    if (!isDirty || saving) return;
    setSaving(true);
    setError(undefined);
    setNotice(undefined);
    const done: string[] = [];
    try {
      for (const name of dirtyNames) {
        const script = await api.customDb.saveScript(pool, name, drafts[name] ?? '');
        setSaved((s) => ({ ...s, [name]: script.source }));
        done.push(`${displayName(name)} (version ${script.version})`);
      }
      setNotice(`Saved ${done.join(', ')}.`);
      setRevision((r) => r + 1);
      onSaved();
    } catch (err) {
      if (done.length) setRevision((r) => r + 1);
      setError(`${done.length ? `Saved ${done.join(', ')}; then: ` : ''}${errorMessage(err)}`);
    } finally {
      setSaving(false);
    }
  }

  function applyTemplate(template: Template) {
    setTemplate(template.name);
    const filled = names.filter((name) => template.scripts[name] !== undefined);
    setDrafts((d) => ({
      ...d,
      ...Object.fromEntries(filled.map((name) => [name, template.scripts[name]!])),
    }));
    setNotice(
      `The ${template.label} template filled ${filled.map(displayName).join(', ')}. Review, then save.${
        template.envVars.length ? ` It reads ${template.envVars.map((v) => v.name).join(', ')}.` : ''
      }`,
    );
  }

  return (
    <>
      <section className="card" aria-labelledby="scripts-title">
        <div className="page-head">
          <h2 id="scripts-title">Database scripts</h2>
          <TemplatePicker templates={templates} onPick={applyTemplate} dirty={isDirty} />
        </div>
        <ScriptTabs
          names={names}
          current={current}
          dirty={(name) => drafts[name] !== saved[name]}
          onSelect={setPicked}
        />
        <div role="tabpanel" id="script-panel" aria-labelledby={`tab-${current}`}>
          <CodeEditor
            key={current}
            label={`${displayName(current)} script`}
            value={drafts[current] ?? ''}
            onChange={(value) => setDrafts((d) => ({ ...d, [current]: value }))}
            onSave={() => void save()}
          />
        </div>
        {isDirty && (
          <p className="warning" role="status">
            Unsaved changes in {dirtyNames.map(displayName).join(', ')}.
          </p>
        )}
        {error && (
          <p className="error" role="alert">
            {error}
          </p>
        )}
        {notice && !error && (
          <p className="success" role="status">
            {notice}
          </p>
        )}
        <div className="actions">
          <button
            type="button"
            onClick={() => setDrafts((d) => ({ ...d, [current]: saved[current] ?? '' }))}
            disabled={drafts[current] === saved[current]}
          >
            Revert {displayName(current)}
          </button>
          <button type="button" className="primary" onClick={() => void save()} disabled={!isDirty || saving}>
            {saving
              ? 'Saving…'
              : isDirty
                ? `Save ${dirtyNames.length} script${dirtyNames.length > 1 ? 's' : ''}`
                : 'Saved'}
          </button>
        </div>
      </section>
      <DebugPanel
        key={`${current}|${template ?? ''}`}
        pool={pool}
        script={current}
        source={drafts[current] ?? ''}
        template={template}
      />
      <VersionHistory
        key={current}
        pool={pool}
        script={current}
        draft={drafts[current] ?? ''}
        dirty={drafts[current] !== saved[current]}
        revision={revision}
        onRestored={(script) => {
          setSaved((s) => ({ ...s, [script.name]: script.source }));
          setDrafts((d) => ({ ...d, [script.name]: script.source }));
          setRevision((r) => r + 1);
          setError(undefined);
          setNotice(`Restored ${displayName(script.name)} as version ${script.version}.`);
          onSaved();
        }}
      />
    </>
  );
}
