import { lazy, Suspense, useCallback, useContext, useEffect, useState } from 'react';
import { api, ApiError, onSignedOut } from './api.js';
import { SetupPage, SignInPage } from './pages/auth.js';
import { ArchivePage } from './pages/archive.js';
import { HomePage } from './pages/home.js';
import { NewReportPage } from './pages/new-report.js';
import { ChangePasswordForm } from './pages/password.js';
import { Link, navigate, useLocation } from './router.js';
import { canEdit, SessionContext, type Session } from './session.js';
import type { Settings, User } from './types.js';

// The heavy parts load when first used: the editor (forms, diagrams, merge), the report page
// (review, history), the tracker and the admin settings.
const EditorPage = lazy(() => import('./editor/editor.js').then((m) => ({ default: m.EditorPage })));
const PresentPage = lazy(() => import('./pages/present.js').then((m) => ({ default: m.PresentPage })));
const ReportPage = lazy(() => import('./pages/report.js').then((m) => ({ default: m.ReportPage })));
const TrackerPage = lazy(() => import('./pages/tracker.js').then((m) => ({ default: m.TrackerPage })));
const SettingsPage = lazy(() => import('./pages/settings.js').then((m) => ({ default: m.SettingsPage })));
const memory = () => import('./pages/memory.js');
const InsightsPage = lazy(() => memory().then((m) => ({ default: m.InsightsPage })));
const FigureReportsPage = lazy(() => memory().then((m) => ({ default: m.FigureReportsPage })));
const FactorsPage = lazy(() => memory().then((m) => ({ default: m.FactorsPage })));
const SystemPage = lazy(() => memory().then((m) => ({ default: m.SystemPage })));
const RevisitPage = lazy(() => memory().then((m) => ({ default: m.RevisitPage })));
const ProfilePage = lazy(() => import('./pages/profile.js').then((m) => ({ default: m.ProfilePage })));

type Boot =
  | { phase: 'loading' }
  | { phase: 'setup' }
  | { phase: 'signin'; error?: string }
  | { phase: 'password' }
  | { phase: 'in'; user: User; settings: Settings }
  | { phase: 'down'; error: string };

/** The whole app: first-run setup, sign-in, then the signed-in shell with its pages. */
export function App() {
  const [boot, setBoot] = useState<Boot>({ phase: 'loading' });

  const start = useCallback(async () => {
    try {
      const { needed } = await api<{ needed: boolean }>('/api/setup');
      if (needed) return setBoot({ phase: 'setup' });
      const { user } = await api<{ user: User }>('/api/auth/me');
      // After an admin reset, nothing else answers until the person chooses a new password.
      if (user.mustChangePassword) return setBoot({ phase: 'password' });
      const settings = await api<Settings>('/api/settings');
      setBoot({ phase: 'in', user, settings });
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) setBoot({ phase: 'signin' });
      else setBoot({ phase: 'down', error: (e as Error).message });
    }
  }, []);

  useEffect(() => {
    void start();
    return onSignedOut(() => setBoot({ phase: 'signin', error: 'Your session ended. Sign in again.' }));
  }, [start]);

  if (boot.phase === 'loading') return <p className="loading">Loading Hindsight…</p>;
  if (boot.phase === 'down')
    return (
      <main className="narrow">
        <h1>Hindsight is not reachable</h1>
        <p role="alert">{boot.error}</p>
        <button onClick={() => void start()}>Try again</button>
      </main>
    );
  if (boot.phase === 'setup') return <SetupPage onDone={() => void start()} />;
  if (boot.phase === 'signin') return <SignInPage notice={boot.error} onDone={() => void start()} />;
  if (boot.phase === 'password')
    return (
      <main className="narrow" id="main">
        <h1>Hindsight</h1>
        <ChangePasswordForm forced onDone={() => void start()} />
        <button
          type="button"
          className="link"
          onClick={() =>
            void api('/api/auth/logout', { method: 'POST' }).finally(() => setBoot({ phase: 'signin' }))
          }
        >
          Sign out
        </button>
      </main>
    );

  const session: Session = {
    user: boot.user,
    settings: boot.settings,
    async reloadSettings() {
      const settings = await api<Settings>('/api/settings');
      setBoot({ ...boot, settings });
    },
    async signOut() {
      await api('/api/auth/logout', { method: 'POST' }).catch(() => undefined);
      navigate('/');
      setBoot({ phase: 'signin' });
    },
  };
  return (
    <SessionContext.Provider value={session}>
      <Shell />
    </SessionContext.Provider>
  );
}

function Shell() {
  const { path } = useLocation();
  const { user } = useContext(SessionContext) ?? {};
  const nav = [
    ['/', 'Home'],
    ['/archive', 'Archive'],
    ['/actions', 'Action tracker'],
    ['/insights', 'Insights'],
    ...(user && canEdit(user) ? ([['/new', 'New report']] as const) : []),
  ] as const;
  return (
    <SessionContext.Consumer>
      {(s) => (
        <>
          <a className="skip" href="#main">
            Skip to content
          </a>
          <header className="top">
            <Link href="/" className="brand">
              Hindsight
            </Link>
            <nav aria-label="Main">
              <ul>
                {nav.map(([href, label]) => (
                  <li key={href}>
                    <Link href={href} aria-current={isCurrent(path, href) ? 'page' : undefined}>
                      {label}
                    </Link>
                  </li>
                ))}
                {s?.user.role === 'admin' && (
                  <li>
                    <Link href="/settings" aria-current={isCurrent(path, '/settings') ? 'page' : undefined}>
                      Settings
                    </Link>
                  </li>
                )}
              </ul>
            </nav>
            <div className="who">
              <Link href="/profile">{s?.user.name}</Link>
              <button className="link" onClick={() => void s?.signOut()}>
                Sign out
              </button>
            </div>
          </header>
          <main id="main" tabIndex={-1}>
            <Suspense fallback={<p className="loading">Loading…</p>}>
              <Route path={path} />
            </Suspense>
          </main>
        </>
      )}
    </SessionContext.Consumer>
  );
}

const isCurrent = (path: string, href: string) => (href === '/' ? path === '/' : path.startsWith(href));

function Route({ path }: { path: string }) {
  if (path === '/') return <HomePage />;
  if (path === '/archive') return <ArchivePage />;
  if (path === '/new') return <NewReportPage />;
  if (path === '/actions') return <TrackerPage />;
  if (path === '/settings') return <SettingsPage />;
  if (path === '/profile') return <ProfilePage />;
  if (path === '/insights') return <InsightsPage />;
  if (path === '/insights/reports') return <FigureReportsPage />;
  if (path === '/factors') return <FactorsPage />;
  if (path === '/revisit') return <RevisitPage />;
  const system = /^\/systems\/([^/]+)$/.exec(path);
  if (system) return <SystemPage key={system[1]} name={decodeURIComponent(system[1]!)} />;
  const edit = /^\/reports\/([^/]+)\/edit$/.exec(path);
  if (edit) return <EditorPage key={edit[1]} id={decodeURIComponent(edit[1]!)} />;
  const present = /^\/reports\/([^/]+)\/present$/.exec(path);
  if (present) return <PresentPage key={present[1]} id={decodeURIComponent(present[1]!)} />;
  const view = /^\/reports\/([^/]+)$/.exec(path);
  if (view) return <ReportPage key={view[1]} id={decodeURIComponent(view[1]!)} />;
  return (
    <div>
      <h1>Not found</h1>
      <p>
        There is no page at this address. <Link href="/">Go home</Link>.
      </p>
    </div>
  );
}
