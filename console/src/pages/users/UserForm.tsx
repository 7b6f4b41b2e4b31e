import { useEffect, useRef, useState, type FormEvent } from 'react';
import type { User } from '../../lib/api';

const FIELDS = [
  { name: 'email', label: 'Email', type: 'email', autoComplete: 'off' },
  { name: 'username', label: 'Username', type: 'text', autoComplete: 'off' },
  { name: 'phone', label: 'Phone', type: 'tel', autoComplete: 'off' },
  { name: 'nickname', label: 'Nickname', type: 'text', autoComplete: 'off' },
  { name: 'name', label: 'Full name', type: 'text', autoComplete: 'off' },
] as const;

type FieldName = (typeof FIELDS)[number]['name'];

/**
 * Create or edit a user in a modal dialog (native <dialog>: focus is trapped and Escape closes it).
 * On edit, only changed fields are sent; an emptied field is cleared (null).
 */
export function UserForm({
  user,
  pending,
  error,
  onSubmit,
  onClose,
}: {
  user: User | undefined;
  pending: boolean;
  error: string | undefined;
  onSubmit: (values: Record<string, unknown>) => void;
  onClose: () => void;
}) {
  const dialog = useRef<HTMLDialogElement>(null);
  const initial = (name: FieldName) => (typeof user?.[name] === 'string' ? (user[name] as string) : '');
  const [values, setValues] = useState<Record<FieldName, string>>(() => ({
    email: initial('email'),
    username: initial('username'),
    phone: initial('phone'),
    nickname: initial('nickname'),
    name: initial('name'),
  }));
  const [password, setPassword] = useState('');

  useEffect(() => {
    dialog.current?.showModal();
  }, []);

  function submit(event: FormEvent) {
    event.preventDefault();
    const body: Record<string, unknown> = {};
    for (const { name } of FIELDS) {
      const value = values[name].trim();
      if (user) {
        if (value !== initial(name)) body[name] = value === '' ? null : value;
      } else if (value !== '') {
        body[name] = value;
      }
    }
    if (password) body.password = password;
    onSubmit(body);
  }

  const title = user ? 'Edit user' : 'New user';
  return (
    <dialog ref={dialog} aria-labelledby="user-form-title" onClose={onClose} className="dialog">
      <form onSubmit={submit}>
        <h2 id="user-form-title">{title}</h2>
        {!user && <p className="muted">At least one of email, username or phone.</p>}
        <div className="form-grid">
          {FIELDS.map((field) => (
            <div key={field.name} className="field">
              <label htmlFor={`user-${field.name}`}>{field.label}</label>
              <input
                id={`user-${field.name}`}
                type={field.type}
                autoComplete={field.autoComplete}
                value={values[field.name]}
                onChange={(e) => setValues({ ...values, [field.name]: e.target.value })}
              />
            </div>
          ))}
          <div className="field">
            <label htmlFor="user-password">{user ? 'New password (optional)' : 'Password'}</label>
            <input
              id="user-password"
              type="password"
              autoComplete="new-password"
              value={password}
              onChange={(e) => setPassword(e.target.value)}
            />
          </div>
        </div>
        {error && (
          <p className="error" role="alert">
            {error}
          </p>
        )}
        <div className="actions">
          <button type="button" onClick={() => dialog.current?.close()}>
            Cancel
          </button>
          <button type="submit" className="primary" disabled={pending}>
            {pending ? 'Saving…' : user ? 'Save changes' : 'Create user'}
          </button>
        </div>
      </form>
    </dialog>
  );
}
