/**
 * The Settings form's values and the PATCH body built from them. Kept free of React and of the API
 * module so unit tests (test/console) can import it directly; the shapes match lib/api.ts.
 */
import type { PasswordPolicy } from '../../../../src/security/password-policy.js';

interface PoolValues {
  name: string;
  metadata: Record<string, unknown>;
  settings: {
    passwordPolicy: PasswordPolicy;
    maskScriptErrors: boolean;
    accessTokenTtlSeconds: number;
    idTokenTtlSeconds: number;
    refreshTokenTtlSeconds: number;
    registrationEnabled: boolean;
  };
}

type Settings = PoolValues['settings'];
type Policy = Settings['passwordPolicy'];

/** What the inputs hold: numbers stay text while typed, metadata is JSON text. */
export interface SettingsDraft {
  name: string;
  metadata: string;
  registrationEnabled: boolean;
  minLength: string;
  maxLength: string;
  requireUppercase: boolean;
  requireLowercase: boolean;
  requireDigit: boolean;
  requireSymbol: boolean;
  accessTokenTtlSeconds: string;
  idTokenTtlSeconds: string;
  refreshTokenTtlSeconds: string;
  maskScriptErrors: boolean;
}

export type DraftField = keyof SettingsDraft;

export interface SettingsUpdate {
  name?: string;
  metadata?: Record<string, unknown>;
  settings?: Partial<Omit<Settings, 'passwordPolicy'>> & { passwordPolicy?: Partial<Policy> };
}

export function toDraft(pool: PoolValues): SettingsDraft {
  const { settings } = pool;
  const policy = settings.passwordPolicy;
  return {
    name: pool.name,
    metadata: JSON.stringify(pool.metadata, null, 2),
    registrationEnabled: settings.registrationEnabled,
    minLength: String(policy.minLength),
    maxLength: String(policy.maxLength),
    requireUppercase: policy.requireUppercase,
    requireLowercase: policy.requireLowercase,
    requireDigit: policy.requireDigit,
    requireSymbol: policy.requireSymbol,
    accessTokenTtlSeconds: String(settings.accessTokenTtlSeconds),
    idTokenTtlSeconds: String(settings.idTokenTtlSeconds),
    refreshTokenTtlSeconds: String(settings.refreshTokenTtlSeconds),
    maskScriptErrors: settings.maskScriptErrors,
  };
}

/** The fields whose value differs from the saved one. */
export function changedFields(draft: SettingsDraft, saved: SettingsDraft): DraftField[] {
  return (Object.keys(draft) as DraftField[]).filter((key) => draft[key] !== saved[key]);
}

const POLICY_FIELDS = ['minLength', 'maxLength'] as const;
const POLICY_FLAGS = ['requireUppercase', 'requireLowercase', 'requireDigit', 'requireSymbol'] as const;
const TTL_FIELDS = ['accessTokenTtlSeconds', 'idTokenTtlSeconds', 'refreshTokenTtlSeconds'] as const;
const FLAGS = ['registrationEnabled', 'maskScriptErrors'] as const;

export interface DraftError {
  field: DraftField;
  message: string;
}

function wholeNumber(text: string): number | undefined {
  const value = Number(text.trim());
  return text.trim() !== '' && Number.isInteger(value) ? value : undefined;
}

/**
 * The PATCH body for what changed (the server merges settings, so unchanged ones are left out and
 * cannot overwrite another admin's change), or the first value that cannot be sent at all. Ranges and
 * rules between fields are the server's to check: its messages are shown as they come.
 */
export function buildUpdate(
  draft: SettingsDraft,
  saved: SettingsDraft,
): { update: SettingsUpdate } | { error: DraftError } {
  const changed = new Set(changedFields(draft, saved));
  const update: SettingsUpdate = {};
  const settings: NonNullable<SettingsUpdate['settings']> = {};
  const policy: Partial<Policy> = {};

  if (changed.has('name')) update.name = draft.name.trim();
  if (changed.has('metadata')) {
    let metadata: unknown;
    try {
      metadata = JSON.parse(draft.metadata.trim() || '{}');
    } catch (err) {
      return {
        error: { field: 'metadata', message: `Metadata is not valid JSON: ${(err as Error).message}` },
      };
    }
    if (!metadata || typeof metadata !== 'object' || Array.isArray(metadata)) {
      return {
        error: { field: 'metadata', message: 'Metadata must be a JSON object, like {"region": "eu"}' },
      };
    }
    update.metadata = metadata as Record<string, unknown>;
  }
  for (const field of [...POLICY_FIELDS, ...TTL_FIELDS]) {
    if (!changed.has(field)) continue;
    const value = wholeNumber(draft[field]);
    if (value === undefined) return { error: { field, message: `${LABELS[field]} must be a whole number` } };
    if (field === 'minLength' || field === 'maxLength') policy[field] = value;
    else settings[field] = value;
  }
  for (const flag of POLICY_FLAGS) if (changed.has(flag)) policy[flag] = draft[flag];
  for (const flag of FLAGS) if (changed.has(flag)) settings[flag] = draft[flag];

  if (Object.keys(policy).length) settings.passwordPolicy = policy;
  if (Object.keys(settings).length) update.settings = settings;
  return { update };
}

/** Labels of the fields, also used in messages. */
export const LABELS: Record<DraftField, string> = {
  name: 'Display name',
  metadata: 'Metadata',
  registrationEnabled: 'Allow self-service registration',
  minLength: 'Minimum length',
  maxLength: 'Maximum length',
  requireUppercase: 'An uppercase letter',
  requireLowercase: 'A lowercase letter',
  requireDigit: 'A digit',
  requireSymbol: 'A symbol',
  accessTokenTtlSeconds: 'Access token lifetime (seconds)',
  idTokenTtlSeconds: 'ID token lifetime (seconds)',
  refreshTokenTtlSeconds: 'Refresh token lifetime (seconds)',
  maskScriptErrors: 'Mask database script errors',
};

/**
 * The field a server error is about, so it can be shown beside it. Schema errors name a path
 * ("body/settings/passwordPolicy/minLength must be <= 256"), rule errors a dotted name
 * ("passwordPolicy.minLength (40) must not exceed …"): the first field named wins.
 */
export function fieldOfError(message: string): DraftField | undefined {
  let best: { field: DraftField; at: number } | undefined;
  // Only fields that can be invalid (text and numbers; a checkbox always holds a valid value).
  for (const field of ['name', 'metadata', ...POLICY_FIELDS, ...TTL_FIELDS] as const) {
    const match = new RegExp(`(?:^|[/.\\s'"])${field}\\b`).exec(message);
    if (match && (!best || match.index < best.at)) best = { field, at: match.index };
  }
  return best?.field;
}

const UNITS = [
  { seconds: 86_400, one: 'day', many: 'days' },
  { seconds: 3_600, one: 'hour', many: 'hours' },
  { seconds: 60, one: 'minute', many: 'minutes' },
  { seconds: 1, one: 'second', many: 'seconds' },
];

/** "3600" → "1 hour", "5400" → "1 hour 30 minutes": at most two units, for the hints under TTLs. */
export function describeSeconds(text: string): string | undefined {
  let rest = wholeNumber(text);
  if (rest === undefined || rest <= 0) return undefined;
  const parts: string[] = [];
  for (const unit of UNITS) {
    const count = Math.floor(rest / unit.seconds);
    if (count > 0 && parts.length < 2) {
      parts.push(`${count} ${count === 1 ? unit.one : unit.many}`);
      rest -= count * unit.seconds;
    }
    if (parts.length === 2) break;
  }
  return parts.join(' ');
}
