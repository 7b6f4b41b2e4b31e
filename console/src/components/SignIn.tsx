import { useState, type FormEvent } from 'react';
import { api, type Session } from '../lib/api';
import { useAction } from '../lib/useRequest';

export function SignIn({ onSignedIn }: { onSignedIn: (session: Session) => void }) {
  const [username, setUsername] = useState('admin');
  const [password, setPassword] = useState('');
  const signIn = useAction(api.session.signIn);

  async function submit(event: FormEvent) {
    event.preventDefault();
    const session = await signIn.run(username, password);
    if (session) onSignedIn(session);
    else setPassword('');
  }

  return (
    <main className="sign-in">
      <form onSubmit={submit} aria-labelledby="sign-in-title" className="card">
        <h1 id="sign-in-title">Gatehouse console</h1>
        <p className="muted">Sign in with the admin account.</p>
        <label htmlFor="sign-in-username">Username</label>
        <input
          id="sign-in-username"
          name="username"
          autoComplete="username"
          required
          value={username}
          onChange={(e) => setUsername(e.target.value)}
        />
        <label htmlFor="sign-in-password">Password</label>
        <input
          id="sign-in-password"
          name="password"
          type="password"
          autoComplete="current-password"
          required
          autoFocus
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          aria-invalid={signIn.error ? true : undefined}
          aria-describedby={signIn.error ? 'sign-in-error' : undefined}
        />
        {signIn.error && (
          <p id="sign-in-error" className="error" role="alert">
            {signIn.error}
          </p>
        )}
        <button type="submit" className="primary" disabled={signIn.pending}>
          {signIn.pending ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </main>
  );
}
