import type { Session } from '@closeloop/shared';
import { useRef, useState } from 'preact/hooks';
import { ErrorNote, useAction } from '../../components/status.tsx';
import { api } from '../../lib/api.ts';

export function LoginPage({ onSignedIn }: { onSignedIn: (session: Session) => void }) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const action = useAction();
  const passwordRef = useRef<HTMLInputElement>(null);
  const submit = async (event: Event) => {
    event.preventDefault();
    const session = await action.run(() => api.post<Session>('/v1/auth/login', { email, password }));
    if (session) onSignedIn(session);
    else {
      // The button was disabled while signing in, which drops the focus: put it back where the
      // person types again, with the password selected.
      passwordRef.current?.focus();
      passwordRef.current?.select();
    }
  };
  return (
    <main class="auth">
      <form class="card" onSubmit={submit}>
        <h1>Sign in to Closeloop</h1>
        <label>
          Email
          <input
            type="email"
            name="email"
            autoComplete="username"
            required
            value={email}
            onInput={(e) => setEmail(e.currentTarget.value)}
          />
        </label>
        <label>
          Password
          <input
            type="password"
            name="password"
            autoComplete="current-password"
            required
            ref={passwordRef}
            value={password}
            onInput={(e) => setPassword(e.currentTarget.value)}
          />
        </label>
        {action.error && <ErrorNote error={action.error} />}
        <button type="submit" class="primary" disabled={action.busy}>
          {action.busy ? 'Signing in…' : 'Sign in'}
        </button>
        <p class="hint">No account yet? Use the setup link printed when Closeloop starts, or ask an admin.</p>
      </form>
    </main>
  );
}
