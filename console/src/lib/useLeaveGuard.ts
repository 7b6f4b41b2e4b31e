import { useEffect } from 'react';
import { setLeaveGuard } from './router';

/**
 * While `active` (a form or editor has unsaved changes): asks before the console navigates away, and
 * lets the browser warn before the tab is closed or reloaded.
 */
export function useLeaveGuard(active: boolean, message: string): void {
  useEffect(() => {
    if (!active) return;
    const beforeUnload = (event: BeforeUnloadEvent) => event.preventDefault();
    window.addEventListener('beforeunload', beforeUnload);
    setLeaveGuard(() => window.confirm(message));
    return () => {
      window.removeEventListener('beforeunload', beforeUnload);
      setLeaveGuard(undefined);
    };
  }, [active, message]);
}
