import type { ReactNode } from 'react';

/** The id of the message under a field, for aria-describedby. */
export const errorId = (id: string) => `${id}-error`;

/** The server's (or the form's) message about one field, announced when it appears. */
export function FieldError({ id, message }: { id: string; message: string | undefined }) {
  if (!message) return null;
  return (
    <p id={errorId(id)} className="error field-error" role="alert">
      {message}
    </p>
  );
}

/** A whole-number input with its label, a hint under it and, when set, its error message. */
export function NumberField({
  id,
  label,
  value,
  min,
  max,
  hint,
  error,
  onChange,
}: {
  id: string;
  label: string;
  value: string;
  min: number;
  max: number;
  hint?: ReactNode;
  error: string | undefined;
  onChange: (value: string) => void;
}) {
  const describedBy = [hint ? `${id}-hint` : '', error ? errorId(id) : ''].filter(Boolean).join(' ');
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        type="number"
        inputMode="numeric"
        required
        min={min}
        max={max}
        step={1}
        value={value}
        onChange={(e) => onChange(e.target.value)}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy || undefined}
      />
      {hint && (
        <p id={`${id}-hint`} className="muted small">
          {hint}
        </p>
      )}
      <FieldError id={id} message={error} />
    </div>
  );
}

/** A checkbox with its label and an optional explanation under it. */
export function CheckboxField({
  id,
  label,
  checked,
  description,
  role,
  onChange,
}: {
  id: string;
  label: string;
  checked: boolean;
  description?: ReactNode;
  /** "switch" for settings that turn a feature on or off. */
  role?: 'switch';
  onChange: (checked: boolean) => void;
}) {
  return (
    <div className="choice">
      <input
        id={id}
        type="checkbox"
        role={role}
        checked={checked}
        onChange={(e) => onChange(e.target.checked)}
        aria-describedby={description ? `${id}-description` : undefined}
      />
      <span>
        <label htmlFor={id}>{label}</label>
        {description && (
          <span id={`${id}-description`} className="muted block">
            {description}
          </span>
        )}
      </span>
    </div>
  );
}
