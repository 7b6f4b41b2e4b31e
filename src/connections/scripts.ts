/**
 * The script names of both dialects and the default scripts (DESIGN.md §2): an unwritten script
 * throws exactly "Please implement the <Name> script for this database connection".
 */
export const GENAUTH_SCRIPTS = [
  'login',
  'getUser',
  'searchUser',
  'createUser',
  'updateUser',
  'deleteUser',
  'listUsers',
  'validatePassword',
] as const;
export type GenauthScript = (typeof GENAUTH_SCRIPTS)[number];

export const AUTH0_SCRIPTS = [
  'login',
  'getUser',
  'create',
  'verify',
  'changePassword',
  'remove',
  'changeEmail',
] as const;
export type Auth0Script = (typeof AUTH0_SCRIPTS)[number];

export type ScriptDialect = 'genauth' | 'auth0';
export type ConnectionMode = 'LAZY_MIGRATION' | 'CUSTOM_USER_STORE';

/** The scripts a mode needs, per dialect. */
export function requiredScripts(mode: ConnectionMode, dialect: ScriptDialect): readonly string[] {
  if (dialect === 'genauth') return mode === 'LAZY_MIGRATION' ? ['login', 'getUser'] : GENAUTH_SCRIPTS;
  return mode === 'LAZY_MIGRATION' ? ['login', 'getUser'] : AUTH0_SCRIPTS;
}

export function scriptNames(dialect: ScriptDialect): readonly string[] {
  return dialect === 'genauth' ? GENAUTH_SCRIPTS : AUTH0_SCRIPTS;
}

const DISPLAY_NAMES: Record<string, string> = {
  login: 'Login',
  getUser: 'Find User',
  searchUser: 'Search User',
  createUser: 'Create User',
  updateUser: 'Update User',
  deleteUser: 'Delete Account',
  listUsers: 'List Users',
  validatePassword: 'Validate Password',
  create: 'Create User',
  verify: 'Verify',
  changePassword: 'Change Password',
  remove: 'Delete Account',
  changeEmail: 'Change Email',
};

export function displayName(script: string): string {
  return DISPLAY_NAMES[script] ?? script;
}

export function defaultScriptMessage(script: string): string {
  return `Please implement the ${displayName(script)} script for this database connection`;
}

const GENAUTH_SIGNATURES: Record<GenauthScript, string> = {
  login: 'query, password, context',
  getUser: 'query, context',
  searchUser: 'keyword, context',
  createUser: 'userinfo, context',
  updateUser: 'id, updates, context',
  deleteUser: 'id, context',
  listUsers: 'page, limit, context',
  validatePassword: 'id, password, context',
};

const AUTH0_SIGNATURES: Record<Auth0Script, string> = {
  login: 'identifierValue, password, callback',
  getUser: 'email, callback',
  create: 'user, callback',
  verify: 'email, callback',
  changePassword: 'email, newPassword, callback',
  remove: 'id, callback',
  changeEmail: 'email, newEmail, verified, callback',
};

/** The source of an unwritten script: a function with the right signature that throws the message. */
export function defaultScriptSource(script: string, dialect: ScriptDialect): string {
  const message = JSON.stringify(defaultScriptMessage(script));
  if (dialect === 'auth0') {
    const signature = AUTH0_SIGNATURES[script as Auth0Script] ?? 'callback';
    return `function ${script}(${signature}) {\n  // Replace with your own implementation.\n  return callback(new Error(${message}));\n}\n`;
  }
  const signature = GENAUTH_SIGNATURES[script as GenauthScript] ?? 'context';
  return `async function ${script}(${signature}) {\n  // Replace with your own implementation.\n  throw new Error(${message});\n}\n`;
}
