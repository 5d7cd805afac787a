import type { Session } from '@closeloop/shared';
import { roleAtLeast, type StaffRole } from '@closeloop/shared/workflow';
import { useEffect, useRef } from 'preact/hooks';
import { api } from '../lib/api.ts';
import { useLiveUpdates } from '../lib/live.ts';
import { navigate, useRoute } from '../lib/router.ts';
import { useSession } from '../lib/session.ts';
import { Toaster } from '../lib/toast.tsx';
import { LazyPage } from './LazyPage.tsx';
import { findRoute, pageTitle, roleFor, routes } from './routes.ts';

/** The signed-in frame: skip link, header with navigation, and the page of the current route. */
export function Shell({ session, onSignedOut }: { session: Session; onSignedOut: () => void }) {
  const route = useRoute();
  const role = session.user.role;
  const mainRef = useRef<HTMLElement>(null);
  const firstPath = useRef(true);
  // Set when the route changes; the focus moves once the new page is on screen.
  const focusPending = useRef(false);
  useLiveUpdates();
  useEffect(() => {
    document.title = pageTitle(route.path, session.project.name);
  }, [route.path, session.project.name]);
  // On another page, the focus moves to its heading (or its main region while it loads), so a
  // keyboard or screen reader user starts there and hears where they are.
  const focusPage = () => {
    if (!focusPending.current) return;
    focusPending.current = false;
    const main = mainRef.current;
    if (!main) return;
    const target = main.querySelector<HTMLElement>('h1') ?? main;
    if (!target.hasAttribute('tabindex')) target.setAttribute('tabindex', '-1');
    target.focus({ preventScroll: true });
  };
  useEffect(() => {
    if (firstPath.current) {
      firstPath.current = false;
      return;
    }
    focusPending.current = true;
    focusPage();
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
  const found = findRoute(route.path);
  const least = roleFor(route.path);
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
          {routes
            .filter((item) => item.nav && roleAtLeast(role, item.least ?? 'viewer'))
            .map((item) => (
              <a
                key={item.pattern}
                href={`#${item.pattern}`}
                aria-current={
                  route.path.startsWith(item.pattern) || (item.pattern === '/admin' && found?.route.settings)
                    ? 'page'
                    : undefined
                }
              >
                {item.nav}
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
        {!roleAtLeast(role, least) ? (
          <NeedsRole least={least} />
        ) : found ? (
          <LazyPage
            // Keyed: another response (or survey) is a fresh page, never the previous one's inputs.
            key={`${found.route.pattern} ${found.route.key ? found.path[found.route.key] : ''}`}
            route={found.route}
            props={{ params: route.params, path: found.path }}
            onShown={focusPage}
          />
        ) : (
          <NotFound />
        )}
      </main>
      <Toaster />
    </div>
  );
}

function NotFound() {
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
