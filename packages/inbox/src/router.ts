import { useEffect, useState } from 'preact/hooks';

/** The current hash route: `#/responses/123?x=1` → { path: '/responses/123', params }. */
export interface Route {
  path: string;
  params: URLSearchParams;
}

function current(): Route {
  const hash = window.location.hash.replace(/^#/, '') || '/inbox';
  const [path = '/inbox', search = ''] = hash.split('?');
  return { path, params: new URLSearchParams(search) };
}

/** The hash route, updated on navigation. */
export function useRoute(): Route {
  const [route, setRoute] = useState(current);
  useEffect(() => {
    const update = () => setRoute(current());
    window.addEventListener('hashchange', update);
    return () => window.removeEventListener('hashchange', update);
  }, []);
  return route;
}

/** Navigates to a hash route. */
export function navigate(path: string, params?: Record<string, string | undefined>) {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params ?? {})) if (value) search.set(key, value);
  const text = search.toString();
  window.location.hash = `#${path}${text ? `?${text}` : ''}`;
}

/** Matches `/responses/:id` style patterns; returns the named parts or null. */
export function match(pattern: string, path: string): Record<string, string> | null {
  const names: string[] = [];
  const regex = new RegExp(
    `^${pattern.replace(/:(\w+)/g, (_, name: string) => {
      names.push(name);
      return '([^/]+)';
    })}$`,
  );
  const found = regex.exec(path);
  if (!found) return null;
  return Object.fromEntries(names.map((name, index) => [name, decodeURIComponent(found[index + 1]!)]));
}

const titles: [pattern: string, title: string][] = [
  ['/inbox', 'Inbox'],
  ['/insights', 'Insights'],
  ['/responses/:id', 'Response'],
  ['/admin/surveys', 'Surveys'],
  ['/admin/surveys/new', 'New survey'],
  ['/admin/surveys/:id', 'Edit survey'],
  ['/admin/install', 'Install the widget'],
  ['/admin/rules', 'Follow-up rules'],
  ['/admin/users', 'Staff'],
  ['/admin/keys', 'Secret keys'],
];

/** The browser tab's title for a route: the page, then the project. */
export function pageTitle(path: string, projectName: string): string {
  const page = titles.find(([pattern]) => match(pattern, path))?.[1] ?? 'Not found';
  return `${page} · ${projectName} · Closeloop`;
}
