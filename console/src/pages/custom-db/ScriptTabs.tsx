import { useRef, type KeyboardEvent } from 'react';
import { displayName } from './modes';

/** WAI-ARIA tabs: arrow keys, Home and End move between scripts. */
export function ScriptTabs({
  names,
  current,
  dirty,
  onSelect,
}: {
  names: string[];
  current: string;
  dirty: (name: string) => boolean;
  onSelect: (name: string) => void;
}) {
  const refs = useRef<Record<string, HTMLButtonElement | null>>({});
  function onKeyDown(event: KeyboardEvent) {
    const index = names.indexOf(current);
    const next =
      event.key === 'ArrowRight'
        ? names[(index + 1) % names.length]
        : event.key === 'ArrowLeft'
          ? names[(index - 1 + names.length) % names.length]
          : event.key === 'Home'
            ? names[0]
            : event.key === 'End'
              ? names[names.length - 1]
              : undefined;
    if (!next) return;
    event.preventDefault();
    onSelect(next);
    refs.current[next]?.focus();
  }
  return (
    <div role="tablist" aria-label="Scripts" className="tabs" onKeyDown={onKeyDown}>
      {names.map((name) => (
        <button
          key={name}
          ref={(el) => {
            refs.current[name] = el;
          }}
          type="button"
          role="tab"
          id={`tab-${name}`}
          aria-selected={name === current}
          aria-controls="script-panel"
          tabIndex={name === current ? 0 : -1}
          onClick={() => onSelect(name)}
        >
          {displayName(name)}
          {dirty(name) && (
            <span className="dot" aria-label="(unsaved)" title="Unsaved changes">
              •
            </span>
          )}
        </button>
      ))}
    </div>
  );
}
