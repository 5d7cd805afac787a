import type { Session } from '@closeloop/shared';
import { useEffect, useState } from 'preact/hooks';
import { ErrorNote, Loading } from '../components/status.tsx';
import { LoginPage } from '../features/auth/LoginPage.tsx';
import { SetupPage } from '../features/auth/SetupPage.tsx';
import { ApiError, api, onSessionEnded, setCsrfToken } from '../lib/api.ts';
import { clearQueries } from '../lib/query.ts';
import { SessionContext } from '../lib/session.ts';
import { landingPath } from './routes.ts';
import { Shell } from './Shell.tsx';

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
    // No page asked for (a plain /inbox/ link, a bookmark of the app): each role's own start.
    if (!window.location.hash || window.location.hash === '#/') {
      window.history.replaceState(null, '', `#${landingPath(session.user.role)}`);
    }
    setBoot({ state: 'in', session });
  };
  // Whoever signs in next must not see what this person's pages had cached.
  const signedOut = () => {
    clearQueries();
    setBoot({ state: 'signed-out' });
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
    return onSessionEnded(signedOut);
  }, [setupToken]);

  if (setupToken) {
    return <SetupPage token={setupToken} onDone={() => window.location.replace('/inbox/')} />;
  }
  if (boot.state === 'loading') return <Loading label="Loading the inbox…" />;
  if (boot.state === 'error') return <ErrorNote error={boot.error} retry={() => window.location.reload()} />;
  if (boot.state === 'signed-out') return <LoginPage onSignedIn={signedIn} />;
  return (
    <SessionContext.Provider value={boot.session}>
      <Shell session={boot.session} onSignedOut={signedOut} />
    </SessionContext.Provider>
  );
}
