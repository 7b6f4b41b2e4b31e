import { useEffect, useRef, useState } from 'react';

/**
 * A secret the server returns once (a client secret, an API key): shown with a copy button until
 * dismissed. Focus moves to it so keyboard and screen-reader users notice it.
 */
export function OneTimeSecret({
  title,
  label,
  value,
  children,
  onDismiss,
}: {
  title: string;
  label: string;
  value: string;
  children?: React.ReactNode;
  onDismiss: () => void;
}) {
  const box = useRef<HTMLDivElement>(null);
  const [copied, setCopied] = useState<'yes' | 'no'>();
  useEffect(() => box.current?.focus(), []);

  async function copy() {
    try {
      await navigator.clipboard.writeText(value);
      setCopied('yes');
    } catch {
      setCopied('no');
    }
  }

  return (
    <div className="card secret" role="region" aria-labelledby="secret-title" tabIndex={-1} ref={box}>
      <h2 id="secret-title">{title}</h2>
      {children}
      <p className="warning">Copy it now: it is shown this once and cannot be shown again.</p>
      <div className="field">
        <label htmlFor="one-time-secret">{label}</label>
        <div className="inline">
          <input
            id="one-time-secret"
            readOnly
            value={value}
            spellCheck={false}
            onFocus={(e) => e.target.select()}
          />
          <button type="button" onClick={() => void copy()}>
            Copy
          </button>
        </div>
        <span role="status" className="muted">
          {copied === 'yes'
            ? 'Copied.'
            : copied === 'no'
              ? 'Copying failed: select the text and copy it.'
              : ''}
        </span>
      </div>
      <div className="actions">
        <button type="button" className="primary" onClick={onDismiss}>
          I have stored it
        </button>
      </div>
    </div>
  );
}
