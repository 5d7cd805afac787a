import type { ComponentType } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { ErrorNote, Loading } from '../components/status.tsx';
import type { PageProps, RouteDef } from './routes.ts';

const loaded = new Map<RouteDef, ComponentType<PageProps>>();
const loading = new Map<RouteDef, Promise<ComponentType<PageProps>>>();

function load(route: RouteDef): Promise<ComponentType<PageProps>> {
  let promise = loading.get(route);
  if (!promise) {
    promise = route.page().then((page) => {
      loaded.set(route, page);
      return page;
    });
    // A failed chunk (offline, a new deploy) may be asked for again.
    promise.catch(() => loading.delete(route));
    loading.set(route, promise);
  }
  return promise;
}

/**
 * Renders a route's page, loading its code the first time; a page loaded before shows at once.
 * `onShown` runs once the page itself is on screen (the shell moves the focus to its heading).
 */
export function LazyPage({
  route,
  props,
  onShown,
}: {
  route: RouteDef;
  props: PageProps;
  onShown: () => void;
}) {
  const [, setVersion] = useState(0);
  const [error, setError] = useState<Error | null>(null);
  const Page = loaded.get(route);
  useEffect(() => {
    if (Page) return;
    let current = true;
    load(route).then(
      () => current && setVersion((v) => v + 1),
      (caught: Error) => current && setError(caught),
    );
    return () => {
      current = false;
    };
  }, [route, Page]);
  useEffect(() => {
    if (Page) onShown();
  }, [Page]);
  if (Page) return <Page {...props} />;
  if (error) {
    return (
      <ErrorNote
        error="This page could not be loaded. Check your connection and try again."
        retry={() => window.location.reload()}
      />
    );
  }
  return <Loading />;
}
