/**
 * Single-page apps change the URL without loading a page; the widget must re-evaluate its targeting
 * when they do. History's pushState/replaceState are wrapped once per window (the originals still
 * run first and unchanged); popstate covers back, forward and hash changes.
 */

type Listener = () => void;

const listeners = new Set<Listener>();
const patched = new WeakSet<History>();

/** The part of the URL that makes a different page: path and query, and the hash of hash routers. */
export function routeKey(location: Location): string {
  const hash = /^#!?\//.test(location.hash) ? location.hash : '';
  return location.pathname + location.search + hash;
}

/** Calls `onChange` after each route change of `win`; returns a function that stops it. */
export function watchRoutes(win: Window, onChange: Listener): () => void {
  let last = routeKey(win.location);
  const check = () => {
    const key = routeKey(win.location);
    if (key === last) return;
    last = key;
    onChange();
  };
  listeners.add(check);
  const history = win.history;
  if (!patched.has(history)) {
    patched.add(history);
    for (const name of ['pushState', 'replaceState'] as const) {
      const original = history[name];
      history[name] = function (this: History, ...args: Parameters<History['pushState']>) {
        const result = original.apply(this, args);
        for (const listener of listeners) {
          try {
            listener();
          } catch {
            // a widget problem must not break the app's navigation
          }
        }
        return result;
      };
    }
  }
  win.addEventListener('popstate', check);
  return () => {
    listeners.delete(check);
    win.removeEventListener('popstate', check);
  };
}
