/** The template registry, and the shape of every script it ships (no database needed). */
import vm from 'node:vm';
import { describe, expect, it } from 'vitest';
import {
  SCRIPT_NAMES,
  TEMPLATE_NAMES,
  getTemplate,
  listTemplates,
  type ScriptName,
} from '../../src/connections/templates/index.js';
import { GENAUTH_SCRIPTS } from '../../src/connections/scripts.js';

const SIGNATURES: Record<ScriptName, string> = {
  login: 'query, password, context',
  getUser: 'query, context',
  searchUser: 'keyword, context',
  createUser: 'userinfo, context',
  updateUser: 'id, updates, context',
  deleteUser: 'id, context',
  listUsers: 'page, limit, context',
  validatePassword: 'id, password, context',
};

const ALLOWED_MODULES = new Set([
  'pg',
  'mysql2',
  'mysql2/promise',
  'mongodb',
  'bcrypt',
  'bcryptjs',
  'argon2',
  'axios',
  'lodash',
  'crypto',
]);

describe('template registry', () => {
  it('lists the four templates in order and finds each by name', () => {
    expect(TEMPLATE_NAMES).toEqual(['postgres', 'mysql', 'mongodb', 'http']);
    expect(listTemplates().map((template) => template.name)).toEqual([...TEMPLATE_NAMES]);
    for (const name of TEMPLATE_NAMES) expect(getTemplate(name)?.name).toBe(name);
    expect(getTemplate('oracle')).toBeUndefined();
    expect(getTemplate('__proto__')).toBeUndefined();
    expect(getTemplate('toString')).toBeUndefined();
  });

  it('names the eight scripts in contract order, as the connection service does', () => {
    expect(SCRIPT_NAMES).toEqual([...GENAUTH_SCRIPTS]);
  });

  it('cannot be changed by a caller', () => {
    const template = getTemplate('postgres')!;
    expect(Object.isFrozen(template)).toBe(true);
    expect(Object.isFrozen(template.scripts)).toBe(true);
    expect(Object.isFrozen(template.envVars[0])).toBe(true);
    expect(() => {
      (template.scripts as Record<string, string>).login = 'oops';
    }).toThrow();
  });
});

describe.each(TEMPLATE_NAMES)('%s template', (name) => {
  const template = getTemplate(name)!;

  it('has a label, a description, a schema reference and documented env vars', () => {
    expect(template.label).toBeTruthy();
    expect(template.description.length).toBeGreaterThan(20);
    expect(template.schemaDoc).toMatch(/^docs\/custom-db\//);
    expect(template.envVars.length).toBeGreaterThan(0);
    expect(Object.keys(template.scripts)).toEqual([...SCRIPT_NAMES]);
  });

  it.each(SCRIPT_NAMES)('%s: one top-level async function of the contract signature', (script) => {
    const source = template.scripts[script];
    expect(source.startsWith(`async function ${script}(${SIGNATURES[script]}) {`)).toBe(true);
    // Compiles, and its top level declares that one function and nothing else.
    const sandbox: Record<string, unknown> = {};
    new vm.Script(source, { filename: `${name}/${script}.js` }).runInNewContext(sandbox);
    expect(Object.keys(sandbox)).toEqual([script]);
    expect(typeof sandbox[script]).toBe('function');
    // No template literals (where input could be spliced into a statement), no eval-like constructs.
    expect(source).not.toContain('`');
    expect(source).not.toMatch(/\beval\b|new Function/);
    // Only modules the sandbox allows.
    for (const [, module] of source.matchAll(/require\('([^']+)'\)/g))
      expect(ALLOWED_MODULES).toContain(module);
    // Every env variable it reads is documented.
    const documented = new Set(template.envVars.map((variable) => variable.name));
    for (const [, variable] of source.matchAll(/env\.([A-Z_]+)/g)) expect(documented).toContain(variable);
  });
});
