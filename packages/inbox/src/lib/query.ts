/**
 * The inbox's data layer: a small query cache keyed by API path. A page asks for a resource with
 * `useQuery` (through a feature's data hook); components that ask for the same key share one
 * request and one value. Revisiting a page shows the cached value at once and revalidates it.
 * After a change, `invalidate('/v1/responses')` refetches every mounted query whose key starts
 * with that path (and marks the others stale), so no page reloads by hand.
 */
import { useEffect, useReducer, useRef } from 'preact/hooks';
import type { Load } from './useLoad.ts';

interface Entry {
  load: Load<unknown>;
  fetcher: () => Promise<unknown>;
  inFlight: boolean;
  generation: number;
  listeners: Set<() => void>;
}

const entries = new Map<string, Entry>();
const invalidationListeners = new Set<(key: string) => void>();
/** Entries nobody shows are kept for going back, up to this many. */
const maxIdleEntries = 200;

function notify(entry: Entry) {
  for (const listener of [...entry.listeners]) listener();
}

function fetchEntry(entry: Entry) {
  const generation = ++entry.generation;
  entry.inFlight = true;
  // A failed value is not worth keeping on screen while trying again.
  if (entry.load.state === 'error') {
    entry.load = { state: 'loading' };
    notify(entry);
  }
  entry.fetcher().then(
    (value) => {
      if (generation !== entry.generation) return;
      entry.inFlight = false;
      entry.load = { state: 'ready', value };
      notify(entry);
    },
    (error: Error) => {
      if (generation !== entry.generation) return;
      entry.inFlight = false;
      entry.load = { state: 'error', error };
      notify(entry);
    },
  );
}

function evictIdle() {
  let idle = 0;
  for (const entry of entries.values()) if (entry.listeners.size === 0) idle++;
  for (const [key, entry] of entries) {
    if (idle <= maxIdleEntries) break;
    if (entry.listeners.size === 0) {
      entries.delete(key);
      idle--;
    }
  }
}

const matches = (key: string, prefix: string) =>
  key === prefix || key.startsWith(`${prefix}/`) || key.startsWith(`${prefix}?`);

/**
 * A cached resource: `key` names it (its API path), `fetcher` gets it. `null` as the key loads
 * nothing (a resource that depends on another). Another key starts from its own cached value or
 * from loading, never from the previous key's value. `reload` fetches again, keeping the value.
 */
export function useQuery<T>(key: string | null, fetcher: () => Promise<T>): [Load<T>, () => void] {
  const [, bump] = useReducer((count: number) => count + 1, 0);
  const rerender = useRef(() => bump(0)).current;
  const fetcherRef = useRef(fetcher);
  fetcherRef.current = fetcher;
  useEffect(() => {
    if (key === null) return;
    let entry = entries.get(key);
    if (!entry) {
      entry = {
        load: { state: 'loading' },
        fetcher: () => fetcherRef.current(),
        inFlight: false,
        generation: 0,
        listeners: new Set(),
      };
      entries.set(key, entry);
      evictIdle();
    }
    entry.listeners.add(rerender);
    // Mounted: fetch, or revalidate what another page left in the cache.
    if (!entry.inFlight) fetchEntry(entry);
    rerender();
    return () => {
      entry.listeners.delete(rerender);
    };
  }, [key]);
  const load = (key === null ? undefined : entries.get(key)?.load) ?? { state: 'loading' as const };
  const reload = () => {
    const entry = key === null ? undefined : entries.get(key);
    if (entry) fetchEntry(entry);
  };
  return [load as Load<T>, reload];
}

/**
 * After a change: every query whose key is `prefix` or lies under it (`/v1/responses` covers
 * `/v1/responses/7/notes` and `/v1/responses?queue=open`) is fetched again if it is on screen,
 * and dropped otherwise. Listeners registered with `onInvalidate` hear each prefix.
 */
export function invalidate(...prefixes: string[]) {
  for (const [key, entry] of entries) {
    if (!prefixes.some((prefix) => matches(key, prefix))) continue;
    if (entry.listeners.size > 0) fetchEntry(entry);
    else entries.delete(key);
  }
  for (const prefix of prefixes) for (const listener of [...invalidationListeners]) listener(prefix);
}

/** Runs `listener` when something under one of `prefixes` is invalidated (lists with their own paging). */
export function useInvalidation(prefixes: string[], listener: () => void) {
  const listenerRef = useRef(listener);
  listenerRef.current = listener;
  const joined = prefixes.join(' ');
  useEffect(() => {
    const onInvalidate = (prefix: string) => {
      if (prefixes.some((watched) => matches(watched, prefix) || matches(prefix, watched)))
        listenerRef.current();
    };
    invalidationListeners.add(onInvalidate);
    return () => {
      invalidationListeners.delete(onInvalidate);
    };
  }, [joined]);
}

/** Runs a change, then invalidates what it affects; the change's result (or error) passes through. */
export async function mutate<T>(change: () => Promise<T>, affects: string[]): Promise<T> {
  const result = await change();
  invalidate(...affects);
  return result;
}

/** Forgets everything (sign-out: the next person must not see this one's data). */
export function clearQueries() {
  entries.clear();
}
