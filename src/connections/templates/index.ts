/**
 * Ready-made script sets (DESIGN.md §1 "template") for the four kinds of legacy user store: each is the
 * eight genauth scripts of DESIGN.md §2 for one documented sample schema (docs/custom-db/templates.md).
 */
import { httpTemplate } from './http.js';
import { mongodbTemplate } from './mongodb.js';
import { mysqlTemplate } from './mysql.js';
import { postgresTemplate } from './postgres.js';
import { TEMPLATE_NAMES, type ConnectionTemplate, type TemplateName } from './types.js';

export { SCRIPT_NAMES, TEMPLATE_NAMES } from './types.js';
export type { ConnectionTemplate, ScriptName, TemplateEnvVar, TemplateName } from './types.js';

/** Templates are shared by every caller: frozen all the way down so none can change another's copy. */
function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) deepFreeze(inner);
  }
  return value;
}

const TEMPLATES: Readonly<Record<TemplateName, ConnectionTemplate>> = deepFreeze({
  postgres: postgresTemplate,
  mysql: mysqlTemplate,
  mongodb: mongodbTemplate,
  http: httpTemplate,
});

export function isTemplateName(name: string): name is TemplateName {
  return (TEMPLATE_NAMES as readonly string[]).includes(name);
}

/** The template of that name, or undefined for an unknown name. */
export function getTemplate(name: string): ConnectionTemplate | undefined {
  return isTemplateName(name) ? TEMPLATES[name] : undefined;
}

/** Every template, in TEMPLATE_NAMES order. */
export function listTemplates(): ConnectionTemplate[] {
  return TEMPLATE_NAMES.map((name) => TEMPLATES[name]);
}
