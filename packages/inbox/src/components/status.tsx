import type { ComponentChildren } from 'preact';
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { ApiError } from '../api.ts';

export type Load<T> = { state: 'loading' } | { state: 'error'; error: Error } | { state: 'ready'; value: T };

/**
 * Loads data when `deps` change; `reload` loads again. A reload keeps showing the value it has
 * until the new one arrives; new `deps` (another response, another survey) start from loading, so
 * nothing of the previous one is ever shown as if it were the new one.
 */
export function useLoad<T>(load: () => Promise<T>, deps: unknown[]): [Load<T>, () => void] {
  const [result, setResult] = useState<Load<T>>({ state: 'loading' });
  const [version, setVersion] = useState(0);
  const depsKey = useRef<unknown[] | null>(null);
  useEffect(() => {
    let current = true;
    const sameDeps =
      depsKey.current !== null &&
      depsKey.current.length === deps.length &&
      depsKey.current.every((value, index) => Object.is(value, deps[index]));
    depsKey.current = deps;
    setResult((previous) => (sameDeps && previous.state === 'ready' ? previous : { state: 'loading' }));
    load().then(
      (value) => current && setResult({ state: 'ready', value }),
      (error: Error) => current && setResult({ state: 'error', error }),
    );
    return () => {
      current = false;
    };
  }, [...deps, version]);
  const reload = useCallback(() => setVersion((v) => v + 1), []);
  return [result, reload];
}

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
