import { lazy, Suspense, useEffect, useRef, useState } from 'react';
import { api, type Session } from '../lib/api';
import { navigate, routePath, SECTIONS, useRoute, type SectionId } from '../lib/router';
import { useAction, useRequest } from '../lib/useRequest';
import { ErrorMessage, Loading } from './Status';
import { Nav } from './Nav';
import { PoolSwitcher } from './PoolSwitcher';
import { NewPoolDialog } from './NewPoolDialog';
import { PageBoundary } from './PageBoundary';
import { UsersPage } from '../pages/users/UsersPage';

// Users is where the console opens, so it is in the first chunk; every other page is loaded when first
// shown (the Custom Database page brings CodeMirror, most of the console's code, with it).
const CustomDbPage = lazy(() =>
  import('../pages/custom-db/CustomDbPage').then((m) => ({ default: m.CustomDbPage })),
);
const LogsPage = lazy(() => import('../pages/logs/LogsPage').then((m) => ({ default: m.LogsPage })));
const ApplicationsPage = lazy(() =>
  import('../pages/applications/ApplicationsPage').then((m) => ({ default: m.ApplicationsPage })),
);
const ApiKeysPage = lazy(() =>
  import('../pages/api-keys/ApiKeysPage').then((m) => ({ default: m.ApiKeysPage })),
);
const SettingsPage = lazy(() =>
  import('../pages/settings/SettingsPage').then((m) => ({ default: m.SettingsPage })),
);

function Page({
  pool,
  section,
  onPoolsChanged,
}: {
  pool: string;
  section: SectionId;
  onPoolsChanged: () => void;
}) {
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
    case 'settings':
      return (
        <SettingsPage
          pool={pool}
          onSaved={onPoolsChanged}
          onDeleted={() => {
            // Replace: the deleted pool's URL must not stay in the history to go back to.
            navigate(routePath({ pool: 'default', section: 'users' }), true);
            onPoolsChanged();
          }}
        />
      );
  }
}

export function Layout({ session, onSignedOut }: { session: Session; onSignedOut: () => void }) {
  const route = useRoute();
  const pools = useRequest('pools', api.pools.list);
  const signOut = useAction(api.session.signOut);
  const [creatingPool, setCreatingPool] = useState(false);
  const [menuOpen, setMenuOpen] = useState(false);
  const menuButton = useRef<HTMLButtonElement>(null);
  const list = pools.data?.list;
  const current = list?.find((p) => p.slug === route.pool)?.slug;
  const firstSlug = list?.[0]?.slug;

  // No pool (or an unknown one) in the URL: go to the first pool. Not while the list reloads: a pool
  // just created is in the URL before it is in the list.
  const reloadingPools = pools.loading;
  useEffect(() => {
    if (!reloadingPools && !current && firstSlug)
      navigate(routePath({ pool: firstSlug, section: route.section }), true);
  }, [reloadingPools, current, firstSlug, route.section]);

  const section = SECTIONS.find((s) => s.id === route.section);
  useEffect(() => {
    document.title = `${section?.label ?? 'Console'}${current ? ` · ${current}` : ''} · Gatehouse`;
  }, [section, current]);

  function closeMenu(focusButton: boolean) {
    setMenuOpen(false);
    if (focusButton) menuButton.current?.focus();
  }

  return (
    <div className="shell">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <div className="topbar-main">
          <span className="brand">Gatehouse</span>
          {current && list && (
            <PoolSwitcher
              pools={list}
              current={current}
              onChange={(slug) => navigate(routePath({ pool: slug, section: route.section }))}
            />
          )}
          {current && (
            <button type="button" onClick={() => setCreatingPool(true)}>
              New pool
            </button>
          )}
        </div>
        <div className="topbar-side">
          {current && (
            <button
              type="button"
              ref={menuButton}
              className="menu-button"
              aria-expanded={menuOpen}
              aria-controls="console-nav"
              onClick={() => setMenuOpen((open) => !open)}
            >
              <span aria-hidden="true">☰</span> Menu
            </button>
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
        </div>
      </header>
      <ErrorMessage error={signOut.error} />
      <div
        className="body"
        onKeyDown={(event) => {
          if (event.key === 'Escape' && menuOpen) closeMenu(true);
        }}
      >
        {current && (
          <Nav pool={current} section={route.section} open={menuOpen} onNavigate={() => closeMenu(false)} />
        )}
        <main id="main" tabIndex={-1}>
          {pools.loading && !current && <Loading label="Loading user pools…" />}
          <ErrorMessage error={pools.error} onRetry={pools.reload} />
          {current && (
            <PageBoundary key={`${current}/${route.section}`}>
              <Suspense fallback={<Loading label={`Loading ${section?.label ?? 'the page'}…`} />}>
                <Page pool={current} section={route.section} onPoolsChanged={pools.reload} />
              </Suspense>
            </PageBoundary>
          )}
        </main>
      </div>
      {creatingPool && (
        <NewPoolDialog
          onClose={() => setCreatingPool(false)}
          onCreated={(pool) => {
            setCreatingPool(false);
            pools.reload();
            // Straight to its settings: a new pool is usually configured first.
            navigate(routePath({ pool: pool.slug, section: 'settings' }));
          }}
        />
      )}
    </div>
  );
}
