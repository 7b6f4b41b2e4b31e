import type { Mode } from '../../lib/api';

export const MODES: { value: Mode; label: string; description: string }[] = [
  {
    value: 'LAZY_MIGRATION',
    label: 'Lazy migration',
    description:
      'Users move into Gatehouse one login at a time. At a user’s first login the Login script checks the password against your database, and the user is then stored here with the password hashed; later logins never call your database. Needs Login and Find User.',
  },
  {
    value: 'CUSTOM_USER_STORE',
    label: 'Custom user store',
    description:
      'Users stay in your database for good and nothing about them is stored here: every login, lookup and admin change runs your scripts. Needs all the scripts.',
  },
];

/** The scripts a mode needs (DESIGN.md §2): LAZY_MIGRATION needs login and getUser, the other mode all. */
export function scriptsForMode(mode: Mode, all: string[]): string[] {
  return mode === 'LAZY_MIGRATION' ? all.filter((name) => name === 'login' || name === 'getUser') : all;
}

// One list of script names for the server and the console.
export { displayName } from '../../../../src/connections/scripts';
