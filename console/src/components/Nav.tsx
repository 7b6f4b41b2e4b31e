import type { MouseEvent } from 'react';
import { navigate, routePath, SECTIONS, type SectionId } from '../lib/router';

export function Nav({ pool, section }: { pool: string; section: SectionId }) {
  const follow = (event: MouseEvent<HTMLAnchorElement>, path: string) => {
    if (event.metaKey || event.ctrlKey || event.shiftKey || event.button !== 0) return;
    event.preventDefault();
    navigate(path);
  };
  return (
    <nav aria-label="Console sections">
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
