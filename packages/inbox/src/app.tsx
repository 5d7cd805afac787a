import type { Session } from '@closeloop/shared';
import { roleAtLeast, type StaffRole } from '@closeloop/shared/workflow';
import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, api, onSessionEnded, setCsrfToken } from './api.ts';
import { ErrorNote, Loading } from './components/status.tsx';
import { InstallPage } from './pages/admin/install.tsx';
import { KeysPage } from './pages/admin/keys.tsx';
import { RulesPage } from './pages/admin/rules.tsx';
import { SurveyEditor, SurveysPage } from './pages/admin/surveys.tsx';
import { UsersPage } from './pages/admin/users.tsx';
import { InboxPage } from './pages/inbox.tsx';
import { InsightsRoute } from './pages/insights.tsx';
import { LoginPage } from './pages/login.tsx';
import { ResponsePage } from './pages/response.tsx';
import { SetupPage } from './pages/setup.tsx';
import { match, navigate, pageTitle, useRoute } from './router.ts';
import { SessionContext, useCan, useSession } from './session.ts';

type Boot =
  | { state: 'loading' }
  | { state: 'signed-out' }
  | { state: 'error'; error: Error }
  | { state: 'in'; session: Session };

/** The inbox app: sign-in (or first-owner setup), then the signed-in shell. */
export function App() {
  const [boot, setBoot] = useState<Boot>({ state: 'loading' });
  const setupToken = window.location.pathname.endsWith('/setup')
    ? new URLSearchParams(window.location.search).get('token')
    : null;

  const signedIn = (session: Session) => {
    setCsrfToken(session.csrfToken);
    setBoot({ state: 'in', session });
  };

  useEffect(() => {
    if (setupToken) return;
    api
      .get<Session>('/v1/auth/session')
      .then(signedIn, (error: Error) =>
        setBoot(
          error instanceof ApiError && (error.status === 401 || error.status === 403)
            ? { state: 'signed-out' }
            : { state: 'error', error },
        ),
      );
    return onSessionEnded(() => setBoot({ state: 'signed-out' }));
  }, [setupToken]);

  if (setupToken) {
    return <SetupPage token={setupToken} onDone={() => window.location.replace('/inbox/#/inbox')} />;
  }
  if (boot.state === 'loading') return <Loading label="Loading the inbox…" />;
  if (boot.state === 'error') return <ErrorNote error={boot.error} retry={() => window.location.reload()} />;
  if (boot.state === 'signed-out') return <LoginPage onSignedIn={signedIn} />;
  return (
    <SessionContext.Provider value={boot.session}>
      <Shell session={boot.session} onSignedOut={() => setBoot({ state: 'signed-out' })} />
    </SessionContext.Provider>
  );
}

const nav = [
  { path: '/inbox', label: 'Inbox', least: 'viewer' },
  { path: '/insights', label: 'Insights', least: 'viewer' },
  { path: '/admin/surveys', label: 'Surveys', least: 'admin' },
  { path: '/admin/install', label: 'Install', least: 'admin' },
  { path: '/admin/rules', label: 'Rules', least: 'admin' },
  { path: '/admin/users', label: 'Staff', least: 'admin' },
  { path: '/admin/keys', label: 'Secret keys', least: 'admin' },
] as const;

function Shell({ session, onSignedOut }: { session: Session; onSignedOut: () => void }) {
  const route = useRoute();
  const role = session.user.role;
  const mainRef = useRef<HTMLElement>(null);
  const firstPath = useRef(true);
  useEffect(() => {
    document.title = pageTitle(route.path, session.project.name);
  }, [route.path, session.project.name]);
  // On another page, the focus moves to its heading (or its main region while it loads), so a
  // keyboard or screen reader user starts there and hears where they are.
  useEffect(() => {
    if (firstPath.current) {
      firstPath.current = false;
      return;
    }
    const main = mainRef.current;
    if (!main) return;
    const target = main.querySelector<HTMLElement>('h1') ?? main;
    if (!target.hasAttribute('tabindex')) target.setAttribute('tabindex', '-1');
    target.focus({ preventScroll: true });
  }, [route.path]);
  // The skip link jumps past the header and navigation to the page itself: the first Tab on any
  // page reaches it, Enter moves the focus to the main region, and the next Tab is the page's own.
  const skipToMain = (event: Event) => {
    event.preventDefault();
    const main = mainRef.current;
    if (!main) return;
    if (!main.hasAttribute('tabindex')) main.setAttribute('tabindex', '-1');
    main.focus();
  };
  const signOut = async () => {
    await api.post('/v1/auth/logout').catch(() => undefined);
    onSignedOut();
  };
  return (
    <div class="shell">
      <header class="topbar">
        <a class="skip-link" href={window.location.hash || '#/inbox'} onClick={skipToMain}>
          Skip to main content
        </a>
        <a class="brand" href="#/inbox">
          Closeloop
        </a>
        <span class="project">{session.project.name}</span>
        <nav aria-label="Main">
          {nav
            .filter((item) => roleAtLeast(role, item.least))
            .map((item) => (
              <a
                key={item.path}
                href={`#${item.path}`}
                aria-current={route.path.startsWith(item.path) ? 'page' : undefined}
              >
                {item.label}
              </a>
            ))}
        </nav>
        <span class="whoami">
          {session.user.name} · <span class="role">{role}</span>
        </span>
        <button type="button" class="link" onClick={signOut}>
          Sign out
        </button>
      </header>
      <main ref={mainRef}>
        <Page path={route.path} params={route.params} />
      </main>
    </div>
  );
}

function Page({ path, params }: { path: string; params: URLSearchParams }) {
  const isAdmin = useCan('admin');
  const responseMatch = match('/responses/:id', path);
  // Keyed by id: another response (or survey) is a fresh page, never the previous one's inputs.
  if (responseMatch) return <ResponsePage key={responseMatch.id} id={responseMatch.id!} />;
  if (path === '/inbox') return <InboxPage params={params} />;
  if (path === '/insights') return <InsightsRoute params={params} />;
  if (path === '/admin' || path.startsWith('/admin/')) {
    if (!isAdmin) return <NeedsRole least="admin" />;
    if (path === '/admin/surveys') return <SurveysPage />;
    const surveyMatch = match('/admin/surveys/:id', path);
    if (surveyMatch) {
      return <SurveyEditor key={surveyMatch.id} id={surveyMatch.id === 'new' ? null : surveyMatch.id!} />;
    }
    if (path === '/admin/install') return <InstallPage />;
    if (path === '/admin/rules') return <RulesPage />;
    if (path === '/admin/users') return <UsersPage />;
    if (path === '/admin/keys') return <KeysPage />;
  }
  return (
    <div class="page">
      <h1>Not found</h1>
      <p>
        There is no page here.{' '}
        <button type="button" class="link" onClick={() => navigate('/inbox')}>
          Go to the inbox
        </button>
      </p>
    </div>
  );
}

/** What someone without the role sees on a page that needs it (the API would refuse them anyway). */
function NeedsRole({ least }: { least: StaffRole }) {
  const session = useSession();
  return (
    <div class="page" data-testid="needs-role">
      <h1>Not available to your role</h1>
      <p role="alert">
        This page needs the {least} role; you are signed in as{' '}
        {/^[aeiou]/.test(session.user.role) ? 'an' : 'a'} {session.user.role}. Ask an admin of{' '}
        {session.project.name} if you need it.
      </p>
      <p>
        <a href="#/inbox">Go to the inbox</a>
      </p>
    </div>
  );
}
