/**
 * Saved views: named filter sets (a queue and its filters, as the address's query) kept in this
 * browser's localStorage, per project. Personal and instant; nothing to share or migrate yet.
 */
import { useEffect, useState } from 'preact/hooks';

export interface SavedView {
  name: string;
  /** The queue page's query string, e.g. `queue=open&kind=nps`. */
  query: string;
}

const storageKey = (projectId: string) => `closeloop:views:${projectId}`;

function read(projectId: string): SavedView[] {
  try {
    const parsed: unknown = JSON.parse(localStorage.getItem(storageKey(projectId)) ?? '[]');
    return Array.isArray(parsed)
      ? parsed.filter(
          (view): view is SavedView => typeof view?.name === 'string' && typeof view?.query === 'string',
        )
      : [];
  } catch {
    return [];
  }
}

/** The project's saved views, with save (a same-named view is replaced) and remove. */
export function useSavedViews(projectId: string) {
  const [views, setViews] = useState<SavedView[]>(() => read(projectId));
  useEffect(() => setViews(read(projectId)), [projectId]);
  const write = (next: SavedView[]) => {
    setViews(next);
    try {
      localStorage.setItem(storageKey(projectId), JSON.stringify(next));
    } catch {
      // Storage full or blocked: the view lasts until the page is left.
    }
  };
  return {
    views,
    save: (view: SavedView) => write([...views.filter((other) => other.name !== view.name), view]),
    remove: (name: string) => write(views.filter((view) => view.name !== name)),
  };
}
