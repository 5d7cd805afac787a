import type { ComponentChildren } from 'preact';
import { useCallback, useState } from 'preact/hooks';
import { ApiError } from '../lib/api.ts';
import type { Load } from '../lib/useLoad.ts';

export function Loading({ label = 'Loading…' }: { label?: string }) {
  return (
    <p class="status" aria-busy="true" role="status">
      {label}
    </p>
  );
}

export function ErrorNote({ error, retry }: { error: Error | string; retry?: () => void }) {
  const message = typeof error === 'string' ? error : error.message;
  const fields = error instanceof ApiError ? error.errors : [];
  return (
    <div class="error-note" role="alert">
      <p>{message}</p>
      {fields.length > 0 && (
        <ul>
          {fields.map((field) => (
            <li key={field.path}>
              <code>{field.path}</code>: {field.message}
            </li>
          ))}
        </ul>
      )}
      {retry && (
        <button type="button" onClick={retry}>
          Try again
        </button>
      )}
    </div>
  );
}

export function Empty({ children }: { children: ComponentChildren }) {
  return <p class="status empty">{children}</p>;
}

/** Renders a load: a spinner, an error with retry, or the children with the value. */
export function Loaded<T>({
  load,
  retry,
  children,
}: {
  load: Load<T>;
  retry?: () => void;
  children: (value: T) => ComponentChildren;
}) {
  if (load.state === 'loading') return <Loading />;
  if (load.state === 'error') return <ErrorNote error={load.error} {...(retry ? { retry } : {})} />;
  return <>{children(load.value)}</>;
}

/** Runs an action, keeping its busy state and error for a form. */
export function useAction() {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Error | null>(null);
  const run = useCallback(async <T,>(action: () => Promise<T>): Promise<T | undefined> => {
    setBusy(true);
    setError(null);
    try {
      return await action();
    } catch (caught) {
      setError(caught as Error);
      return undefined;
    } finally {
      setBusy(false);
    }
  }, []);
  return { busy, error, run, clear: () => setError(null) };
}
