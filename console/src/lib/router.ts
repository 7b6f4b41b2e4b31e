import { useEffect, useState } from 'react';

/** The console lives under /console/; its pages are /console/pools/{pool}/{section}. */
export const BASE = '/console';

export const SECTIONS = [
  { id: 'users', label: 'Users' },
  { id: 'applications', label: 'Applications' },
  { id: 'custom-db', label: 'Custom Database' },
  { id: 'logs', label: 'Logs' },
  { id: 'api-keys', label: 'API keys' },
  { id: 'settings', label: 'Settings' },
] as const;

export type SectionId = (typeof SECTIONS)[number]['id'];

export interface Route {
  pool: string | undefined;
  section: SectionId;
}

export function parseRoute(pathname: string): Route {
  const match = /^\/console\/pools\/([^/]+)(?:\/([^/]+))?/.exec(pathname);
  const section = SECTIONS.find((s) => s.id === match?.[2])?.id ?? 'users';
  return { pool: match?.[1] ? decodeURIComponent(match[1]) : undefined, section };
}

export function routePath(route: { pool: string; section: SectionId }): string {
  return `${BASE}/pools/${encodeURIComponent(route.pool)}/${route.section}`;
}

type Guard = () => boolean;
let leaveGuard: Guard | undefined;

/** A page with unsaved changes registers a guard asking whether leaving is fine. */
export function setLeaveGuard(guard: Guard | undefined): void {
  leaveGuard = guard;
}

export function navigate(path: string, replace = false): void {
  if (path === window.location.pathname) return;
  if (!replace && leaveGuard && !leaveGuard()) return;
  if (replace) window.history.replaceState(null, '', path);
  else window.history.pushState(null, '', path);
  window.dispatchEvent(new PopStateEvent('popstate'));
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(window.location.pathname));
  useEffect(() => {
    const update = () => setRoute(parseRoute(window.location.pathname));
    window.addEventListener('popstate', update);
    return () => window.removeEventListener('popstate', update);
  }, []);
  return route;
}
