/**
 * Shapes shared by the template sets: the eight genauth script names (DESIGN.md §2, in contract order)
 * and the description of one template.
 */

import { GENAUTH_SCRIPTS, type GenauthScript } from '../scripts.js';

/** The genauth scripts, in the order of the script contract. */
export const SCRIPT_NAMES = GENAUTH_SCRIPTS;
export type ScriptName = GenauthScript;

export const TEMPLATE_NAMES = ['postgres', 'mysql', 'mongodb', 'http'] as const;
export type TemplateName = (typeof TEMPLATE_NAMES)[number];

/** An `env` variable a template's scripts read. */
export interface TemplateEnvVar {
  name: string;
  description: string;
  /**
   * `true`: the scripts cannot run without it. `false`: optional, or (for the `DB_*` variables) one of the
   * two connection forms: `DB_CONNECTION_URI`, or `DB_HOST`/`DB_PORT`/`DB_USERNAME`/`DB_PASSWORD`/`DB_DATABASE`.
   */
  required: boolean;
  /** A custom variable the operator adds under the connection's env (not part of the connection info). */
  custom?: boolean;
  example?: string;
}

export interface ConnectionTemplate {
  name: TemplateName;
  /** Short title for the console's template picker. */
  label: string;
  description: string;
  /** Where the sample schema the scripts are written for is documented. */
  schemaDoc: string;
  envVars: readonly TemplateEnvVar[];
  /** The eight genauth scripts, each one top-level `async function <name>(…)` in plain JavaScript. */
  scripts: Readonly<Record<ScriptName, string>>;
}

/** The connection-info variables of DESIGN.md §2, in either form. */
export function connectionEnvVars(defaultPort: number, uriExample: string): TemplateEnvVar[] {
  return [
    {
      name: 'DB_CONNECTION_URI',
      description:
        'Connection URI form. When it is set the scripts use it and ignore the DB_* variables below.',
      required: false,
      example: uriExample,
    },
    { name: 'DB_HOST', description: 'Programmatic form: host name or address.', required: false },
    {
      name: 'DB_PORT',
      description: `Programmatic form: port (default ${defaultPort}).`,
      required: false,
      example: String(defaultPort),
    },
    { name: 'DB_USERNAME', description: 'Programmatic form: user name.', required: false },
    { name: 'DB_PASSWORD', description: 'Programmatic form: password.', required: false },
    { name: 'DB_DATABASE', description: 'Programmatic form: database name.', required: false },
  ];
}
