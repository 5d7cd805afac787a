import type { Session } from '@closeloop/shared';
import { useState } from 'preact/hooks';
import { ErrorNote, Loaded, useAction } from '../../components/status.tsx';
import { api, query } from '../../lib/api.ts';
import { useLoad } from '../../lib/useLoad.ts';

/** First-owner setup from the one-time link the start command prints. */
export function SetupPage({ token, onDone }: { token: string; onDone: (session: Session) => void }) {
  const [check] = useLoad(
    () => api.get<{ projectName: string }>(`/v1/auth/setup${query({ token })}`),
    [token],
  );
  const [form, setForm] = useState({ name: '', email: '', password: '' });
  const action = useAction();
  const submit = async (event: Event) => {
    event.preventDefault();
    const session = await action.run(() => api.post<Session>('/v1/auth/setup', { token, ...form }));
    if (session) onDone(session);
  };
  const field = (key: keyof typeof form) => ({
    value: form[key],
    onInput: (e: { currentTarget: HTMLInputElement }) => setForm({ ...form, [key]: e.currentTarget.value }),
  });
  return (
    <main class="auth">
      {check.state === 'error' ? (
        // A used or expired link (or one cut short) leads on to sign-in, not to a dead end.
        <div class="card" data-testid="setup-link-used">
          <h1>This setup link no longer works</h1>
          <ErrorNote error={check.error} />
          <p>
            It works once and expires. If the inbox is already set up, sign in; otherwise restart Closeloop
            for a new link, or ask an admin for an account.
          </p>
          <p>
            <a class="button primary" href="/inbox/">
              Go to sign-in
            </a>
          </p>
        </div>
      ) : (
        <Loaded load={check}>
          {({ projectName }) => (
            <form class="card" onSubmit={submit}>
              <h1>Set up the inbox of {projectName}</h1>
              <p>Create the first owner. This link works once.</p>
              <label>
                Your name
                <input name="name" required autoComplete="name" {...field('name')} />
              </label>
              <label>
                Email
                <input type="email" name="email" required autoComplete="username" {...field('email')} />
              </label>
              <label>
                Password (at least 10 characters)
                <input
                  type="password"
                  name="password"
                  required
                  minLength={10}
                  autoComplete="new-password"
                  {...field('password')}
                />
              </label>
              {action.error && <ErrorNote error={action.error} />}
              <button type="submit" class="primary" disabled={action.busy}>
                Create owner and sign in
              </button>
            </form>
          )}
        </Loaded>
      )}
    </main>
  );
}
