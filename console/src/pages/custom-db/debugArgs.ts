/** The argument form of each script in the Debug panel, and how its values become `args`. */
export type ArgField =
  | { kind: 'query'; label: string }
  | { kind: 'text' | 'password'; label: string; sample: string }
  | { kind: 'number'; label: string; sample: number }
  | { kind: 'json'; label: string; sample: unknown };

const Q: ArgField = { kind: 'query', label: 'Find the user by' };

export const DEBUG_ARGS: Record<string, ArgField[]> = {
  login: [Q, { kind: 'password', label: 'Password', sample: '' }],
  getUser: [Q],
  searchUser: [{ kind: 'text', label: 'Keyword', sample: '' }],
  createUser: [
    {
      kind: 'json',
      label: 'User info',
      sample: { email: 'new.user@example.com', password: 'a-long-password' },
    },
  ],
  updateUser: [
    { kind: 'text', label: 'User id', sample: '' },
    { kind: 'json', label: 'Updates', sample: { nickname: 'New nickname' } },
  ],
  deleteUser: [{ kind: 'text', label: 'User id', sample: '' }],
  listUsers: [
    { kind: 'number', label: 'Page', sample: 1 },
    { kind: 'number', label: 'Page size', sample: 10 },
  ],
  validatePassword: [
    { kind: 'text', label: 'User id', sample: '' },
    { kind: 'password', label: 'Password', sample: '' },
  ],
};

/** Scripts without a form (the auth0 dialect) take their arguments as a JSON array. */
export const GENERIC_ARGS: ArgField[] = [{ kind: 'json', label: 'Arguments (JSON array)', sample: [] }];

export function argFields(script: string): ArgField[] {
  return DEBUG_ARGS[script] ?? GENERIC_ARGS;
}

export interface ArgValue {
  /** For query fields: email, username, phone or id. */
  key: string;
  value: string;
}

/**
 * The first seed user of the sample schemas every template is written for (docs/custom-db/templates.md):
 * the Debug panel starts with it once a template was picked.
 */
export const SAMPLE_USER = { email: 'ada.lovelace@example.com', password: 'ada-analytical-1843', id: '1' };

/** Sample values per script once a template fills the editor; by argument index. */
const TEMPLATE_SAMPLES: Record<string, (string | undefined)[]> = {
  login: [SAMPLE_USER.email, SAMPLE_USER.password],
  getUser: [SAMPLE_USER.email],
  searchUser: ['ada'],
  updateUser: [SAMPLE_USER.id],
  validatePassword: [SAMPLE_USER.id, SAMPLE_USER.password],
};

export function initialValues(fields: ArgField[], script?: string, template?: string): ArgValue[] {
  const samples = template && script ? (TEMPLATE_SAMPLES[script] ?? []) : [];
  return fields.map((f, i) =>
    f.kind === 'query'
      ? { key: 'email', value: samples[i] ?? '' }
      : {
          key: '',
          value: samples[i] ?? (f.kind === 'json' ? JSON.stringify(f.sample, null, 2) : String(f.sample)),
        },
  );
}

/** The `args` array, or an error message for a field that does not parse. */
export function buildArgs(script: string, fields: ArgField[], values: ArgValue[]): unknown[] | string {
  const args: unknown[] = [];
  for (const [i, field] of fields.entries()) {
    const v = values[i] ?? { key: '', value: '' };
    if (field.kind === 'query') args.push({ [v.key]: v.value });
    else if (field.kind === 'number') args.push(Number(v.value));
    else if (field.kind === 'json') {
      try {
        args.push(JSON.parse(v.value));
      } catch {
        return `${field.label} is not valid JSON`;
      }
    } else args.push(v.value);
  }
  // The generic form is already the whole argument list.
  if (!DEBUG_ARGS[script])
    return Array.isArray(args[0]) ? (args[0] as unknown[]) : 'Arguments must be a JSON array';
  return args;
}
