import type { MouseEvent } from 'react';
import { navigate, routePath, SECTIONS, type SectionId } from '../lib/router';

/**
 * The sections of the console. On narrow screens it is collapsed behind the top bar's Menu button
 * (`open`); following a link closes it again.
 */
export function Nav({
  pool,
  section,
  open,
  onNavigate,
}: {
  pool: string;
  section: SectionId;
  open: boolean;
  onNavigate: () => void;
}) {
  const follow = (event: MouseEvent<HTMLAnchorElement>, path: string) => {
    if (event.metaKey || event.ctrlKey || event.shiftKey || event.button !== 0) return;
    event.preventDefault();
    navigate(path);
    onNavigate();
  };
  return (
    <nav id="console-nav" aria-label="Console sections" data-open={open}>
      <ul>
        {SECTIONS.map((s) => {
          const path = routePath({ pool, section: s.id });
          return (
            <li key={s.id}>
              <a
                href={path}
                aria-current={s.id === section ? 'page' : undefined}
                onClick={(e) => follow(e, path)}
              >
                {s.label}
              </a>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}
