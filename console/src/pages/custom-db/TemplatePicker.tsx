import { useState, type FormEvent } from 'react';
import type { Template } from '../../lib/api';

export function TemplatePicker({
  templates,
  dirty,
  onPick,
}: {
  templates: Template[];
  dirty: boolean;
  onPick: (template: Template) => void;
}) {
  const [name, setName] = useState('');
  const chosen = templates.find((t) => t.name === name);

  function submit(event: FormEvent) {
    event.preventDefault();
    if (!chosen) return;
    if (dirty && !window.confirm('Replace the unsaved changes in the editor with the template?')) return;
    onPick(chosen);
  }

  return (
    <form className="inline" onSubmit={submit}>
      <label htmlFor="template-picker">Template</label>
      <select
        id="template-picker"
        value={name}
        onChange={(e) => setName(e.target.value)}
        aria-describedby={chosen ? 'template-description' : undefined}
      >
        <option value="">Choose a template…</option>
        {templates.map((t) => (
          <option key={t.name} value={t.name}>
            {t.label}
          </option>
        ))}
      </select>
      <button type="submit" disabled={!chosen}>
        Use template
      </button>
      {chosen && (
        <span id="template-description" className="visually-hidden">
          {chosen.description}
        </span>
      )}
    </form>
  );
}
