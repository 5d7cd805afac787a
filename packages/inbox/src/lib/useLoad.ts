import { useCallback, useEffect, useRef, useState } from 'preact/hooks';

/** Where a load is: on its way, failed, or here. */
export type Load<T> = { state: 'loading' } | { state: 'error'; error: Error } | { state: 'ready'; value: T };

/**
 * Loads data when `deps` change; `reload` loads again. A reload keeps showing the value it has
 * until the new one arrives; new `deps` (another response, another survey) start from loading, so
 * nothing of the previous one is ever shown as if it were the new one. For API resources shared
 * between pages, prefer `useQuery` (lib/query.ts), which caches and is invalidated by mutations.
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

/** Several loads as one: ready when all are, failed when one has failed (the first error), else loading. */
export function combineLoads<T extends object>(loads: { [K in keyof T]: Load<T[K]> }): Load<T> {
  const values: Record<string, unknown> = {};
  let loading = false;
  for (const [name, load] of Object.entries(loads) as [string, Load<unknown>][]) {
    if (load.state === 'error') return load;
    if (load.state === 'loading') loading = true;
    else values[name] = load.value;
  }
  return loading ? { state: 'loading' } : { state: 'ready', value: values as T };
}
