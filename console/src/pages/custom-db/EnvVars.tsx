export interface EnvRow {
  name: string;
  value: string;
  /** The variable exists on the server: an empty value keeps the stored one. */
  stored: boolean;
}

/** Custom variables of the connection (env.NAME in scripts). Values are write-only. */
export function EnvVars({ rows, onChange }: { rows: EnvRow[]; onChange: (rows: EnvRow[]) => void }) {
  const set = (index: number, patch: Partial<EnvRow>) =>
    onChange(rows.map((row, i) => (i === index ? { ...row, ...patch } : row)));
  return (
    <fieldset>
      <legend>Custom variables</legend>
      <p className="muted">Available to scripts as env.NAME. Values are encrypted and never shown again.</p>
      {rows.length === 0 && <p className="muted">No custom variables.</p>}
      {rows.map((row, index) => (
        <div className="env-row" key={index}>
          <label className="visually-hidden" htmlFor={`env-name-${index}`}>
            Variable {index + 1} name
          </label>
          <input
            id={`env-name-${index}`}
            placeholder="NAME"
            value={row.name}
            readOnly={row.stored}
            pattern="[A-Za-z_][A-Za-z0-9_]*"
            onChange={(e) => set(index, { name: e.target.value })}
          />
          <label className="visually-hidden" htmlFor={`env-value-${index}`}>
            Variable {row.name || index + 1} value
          </label>
          <input
            id={`env-value-${index}`}
            type="password"
            autoComplete="off"
            placeholder={row.stored ? '•••••••• (stored; empty keeps it)' : 'value'}
            value={row.value}
            onChange={(e) => set(index, { value: e.target.value })}
          />
          <button
            type="button"
            onClick={() => onChange(rows.filter((_, i) => i !== index))}
            aria-label={`Remove variable ${row.name || index + 1}`}
          >
            Remove
          </button>
        </div>
      ))}
      <button type="button" onClick={() => onChange([...rows, { name: '', value: '', stored: false }])}>
        Add variable
      </button>
    </fieldset>
  );
}
