import { useEffect, useState } from 'react';
import { api, onUnauthorized, type Session } from './lib/api';
import { Loading } from './components/Status';
import { SignIn } from './components/SignIn';
import { Layout } from './components/Layout';

/** Session check first: the sign-in form, or the console. */
export function App() {
  const [session, setSession] = useState<Session | null | undefined>(undefined);

  useEffect(() => {
    api.session.get().then(
      (current) =>
        setSession(
          current.username ? { username: current.username, expiresAt: current.expiresAt ?? '' } : null,
        ),
      () => setSession(null),
    );
    return onUnauthorized(() => setSession(null));
  }, []);

  if (session === undefined) {
    return (
      <main className="sign-in">
        <Loading label="Checking your session…" />
      </main>
    );
  }
  if (session === null) return <SignIn onSignedIn={setSession} />;
  return <Layout session={session} onSignedOut={() => setSession(null)} />;
}
