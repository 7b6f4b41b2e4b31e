import { useEffect } from 'react';
import { api, type Session } from '../lib/api';
import { navigate, routePath, SECTIONS, useRoute, type SectionId } from '../lib/router';
import { useAction, useRequest } from '../lib/useRequest';
import { ErrorMessage, Loading } from './Status';
import { Nav } from './Nav';
import { PoolSwitcher } from './PoolSwitcher';
import { UsersPage } from '../pages/users/UsersPage';
import { CustomDbPage } from '../pages/custom-db/CustomDbPage';
import { NotYetPage } from '../pages/NotYetPage';
import { LogsPage } from '../pages/logs/LogsPage';
import { ApplicationsPage } from '../pages/applications/ApplicationsPage';
import { ApiKeysPage } from '../pages/api-keys/ApiKeysPage';

function Page({ pool, section }: { pool: string; section: SectionId }) {
  switch (section) {
    case 'users':
      return <UsersPage pool={pool} />;
    case 'custom-db':
      return <CustomDbPage pool={pool} />;
    case 'logs':
      return <LogsPage pool={pool} />;
    case 'applications':
      return <ApplicationsPage pool={pool} />;
    case 'api-keys':
      return <ApiKeysPage pool={pool} />;
    default:
      return <NotYetPage title={SECTIONS.find((s) => s.id === section)?.label ?? section} />;
  }
}

export function Layout({ session, onSignedOut }: { session: Session; onSignedOut: () => void }) {
  const route = useRoute();
  const pools = useRequest('pools', api.pools.list);
  const signOut = useAction(api.session.signOut);
  const list = pools.data?.list ?? [];
  const current = list.find((p) => p.slug === route.pool)?.slug;

  // No pool (or an unknown one) in the URL: go to the first pool.
  useEffect(() => {
    const first = list[0];
    if (pools.data && !current && first)
      navigate(routePath({ pool: first.slug, section: route.section }), true);
  }, [pools.data, current, list, route.section]);

  const section = SECTIONS.find((s) => s.id === route.section);
  useEffect(() => {
    document.title = `${section?.label ?? 'Console'}${current ? ` · ${current}` : ''} · Gatehouse`;
  }, [section, current]);

  return (
    <div className="shell">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <span className="brand">Gatehouse</span>
        {current && (
          <PoolSwitcher
            pools={list}
            current={current}
            onChange={(slug) => navigate(routePath({ pool: slug, section: route.section }))}
          />
        )}
        <span className="spacer" />
        <span className="muted">{session.username}</span>
        <button
          type="button"
          onClick={async () => {
            await signOut.run();
            onSignedOut();
          }}
          disabled={signOut.pending}
        >
          {signOut.pending ? 'Signing out…' : 'Sign out'}
        </button>
      </header>
      <ErrorMessage error={signOut.error} />
      <div className="body">
        {current && <Nav pool={current} section={route.section} />}
        <main id="main" tabIndex={-1}>
          {pools.loading && <Loading label="Loading user pools…" />}
          <ErrorMessage error={pools.error} onRetry={pools.reload} />
          {current && <Page key={`${current}/${route.section}`} pool={current} section={route.section} />}
        </main>
      </div>
    </div>
  );
}
