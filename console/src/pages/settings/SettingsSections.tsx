import { CheckboxField, errorId, FieldError, NumberField } from './fields';
import { describeSeconds, LABELS, type DraftField, type SettingsDraft } from './settingsForm';

/** The id of a field's input, also the target of the "check this field" link. */
export const fieldId = (field: DraftField) => `pool-${field}`;

/** What every section of the Settings form gets: the draft, a setter, and the error of a field. */
export interface SectionProps {
  draft: SettingsDraft;
  set: <K extends DraftField>(field: K, value: SettingsDraft[K]) => void;
  errorOf: (field: DraftField) => string | undefined;
}

export function GeneralSection({ slug, draft, set, errorOf }: SectionProps & { slug: string }) {
  const nameError = errorOf('name');
  const metadataError = errorOf('metadata');
  return (
    <fieldset>
      <legend>General</legend>
      <div className="form-grid">
        <div className="field">
          <label htmlFor="pool-name">{LABELS.name}</label>
          <input
            id="pool-name"
            required
            maxLength={128}
            value={draft.name}
            onChange={(e) => set('name', e.target.value)}
            aria-invalid={nameError ? true : undefined}
            aria-describedby={nameError ? errorId('pool-name') : undefined}
          />
          <FieldError id="pool-name" message={nameError} />
        </div>
        <div className="field">
          <label htmlFor="pool-slug">Slug</label>
          <input id="pool-slug" readOnly value={slug} aria-describedby="pool-slug-hint" />
          <p id="pool-slug-hint" className="muted small">
            In URLs and the OIDC issuer <code>/oidc/{slug}</code>; it cannot change.
          </p>
        </div>
        <div className="field wide">
          <label htmlFor="pool-metadata">{LABELS.metadata}</label>
          <textarea
            id="pool-metadata"
            rows={4}
            spellCheck={false}
            value={draft.metadata}
            onChange={(e) => set('metadata', e.target.value)}
            aria-invalid={metadataError ? true : undefined}
            aria-describedby={`pool-metadata-hint${metadataError ? ` ${errorId('pool-metadata')}` : ''}`}
          />
          <p id="pool-metadata-hint" className="muted small">
            A JSON object, handed to the database scripts as <code>context.userPoolMetadata</code>. Saving
            replaces it whole.
          </p>
          <FieldError id="pool-metadata" message={metadataError} />
        </div>
      </div>
    </fieldset>
  );
}

export function SignUpSection({ draft, set, errorOf }: SectionProps) {
  return (
    <fieldset>
      <legend>Registration and passwords</legend>
      <CheckboxField
        id={fieldId('registrationEnabled')}
        role="switch"
        label={LABELS.registrationEnabled}
        checked={draft.registrationEnabled}
        onChange={(checked) => set('registrationEnabled', checked)}
        description="When off, the hosted registration page and POST …/auth/register refuse new sign-ups; admins can still create users."
      />
      <h3>Password policy</h3>
      <p className="muted small">
        Checked whenever a password is set: registration, password change and reset, and users created or
        edited here. Existing passwords keep working.
      </p>
      <div className="form-grid">
        <NumberField
          id={fieldId('minLength')}
          label={LABELS.minLength}
          value={draft.minLength}
          min={1}
          max={256}
          hint="Characters, 1 to 256."
          error={errorOf('minLength')}
          onChange={(value) => set('minLength', value)}
        />
        <NumberField
          id={fieldId('maxLength')}
          label={LABELS.maxLength}
          value={draft.maxLength}
          min={8}
          max={1024}
          hint="Characters, 8 to 1024."
          error={errorOf('maxLength')}
          onChange={(value) => set('maxLength', value)}
        />
      </div>
      <fieldset className="plain">
        <legend>A password must contain</legend>
        {(['requireUppercase', 'requireLowercase', 'requireDigit', 'requireSymbol'] as const).map((flag) => (
          <CheckboxField
            key={flag}
            id={fieldId(flag)}
            label={LABELS[flag]}
            checked={draft[flag]}
            onChange={(checked) => set(flag, checked)}
          />
        ))}
      </fieldset>
    </fieldset>
  );
}

const TTLS = [
  { field: 'accessTokenTtlSeconds', min: 60, max: 86_400, range: '1 minute to 1 day' },
  { field: 'idTokenTtlSeconds', min: 60, max: 86_400, range: '1 minute to 1 day' },
  { field: 'refreshTokenTtlSeconds', min: 300, max: 31_536_000, range: '5 minutes to 365 days' },
] as const;

export function TokensSection({ draft, set, errorOf }: SectionProps) {
  return (
    <fieldset>
      <legend>Tokens</legend>
      <p className="muted small">How long the tokens issued from now on stay valid.</p>
      <div className="form-grid">
        {TTLS.map(({ field, min, max, range }) => (
          <NumberField
            key={field}
            id={fieldId(field)}
            label={LABELS[field]}
            value={draft[field]}
            min={min}
            max={max}
            hint={`${describeSeconds(draft[field]) ?? '—'} (${range})`}
            error={errorOf(field)}
            onChange={(value) => set(field, value)}
          />
        ))}
      </div>
    </fieldset>
  );
}

export function CustomDbSection({ draft, set }: SectionProps) {
  return (
    <fieldset>
      <legend>Custom database</legend>
      <CheckboxField
        id={fieldId('maskScriptErrors')}
        label={LABELS.maskScriptErrors}
        checked={draft.maskScriptErrors}
        onChange={(checked) => set('maskScriptErrors', checked)}
        description="A failed login answers one uniform message instead of the one your script threw (which reveals whether the account exists); the Logs page keeps the script’s own message."
      />
    </fieldset>
  );
}
