import type { QueueCounts, ResponseRecord } from '@closeloop/shared';
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { PageProps } from '../../app/routes.ts';
import { Empty, ErrorNote, Loading, useAction } from '../../components/status.tsx';
import { api, query } from '../../lib/api.ts';
import { endOfDay, startOfDay } from '../../lib/format.ts';
import { rememberQueue } from '../../lib/nextUp.ts';
import { mutate, useInvalidation, useQuery } from '../../lib/query.ts';
import { useStaff, useSurveyName, useSurveys } from '../../lib/resources.ts';
import { navigate } from '../../lib/router.ts';
import { useCan, useSession } from '../../lib/session.ts';
import { BulkBar } from './BulkBar.tsx';
import { fetchQueuePage, resolveWithUndo, responsesChanged } from './data.ts';
import { FilterBar, type Filters, filterKeys } from './FilterBar.tsx';
import { QueueRow } from './QueueRow.tsx';
import { ShortcutHelp } from './ShortcutHelp.tsx';
import { useSavedViews } from './savedViews.ts';

const queues = [
  { id: 'open', label: 'Open' },
  { id: 'mine', label: 'Mine' },
  { id: 'overdue', label: 'Overdue' },
  { id: 'resolved', label: 'Resolved' },
  { id: 'all', label: 'All' },
] as const;
type QueueId = (typeof queues)[number]['id'];

/** Work queues list what is due first (the most overdue on top), then the newest. */
const sortOf = (queue: QueueId) =>
  queue === 'open' || queue === 'mine' || queue === 'overdue' ? 'due' : undefined;

/** Filters from the route (dates as yyyy-mm-dd, turned into instants for the API). */
function apiFilters(filters: Filters) {
  return {
    ...filters,
    from: filters.from ? startOfDay(filters.from) : undefined,
    to: filters.to ? endOfDay(filters.to) : undefined,
  };
}

/**
 * The response last selected in each list (queue and filters): coming back to a list (from a
 * response, with the back button) selects it again.
 */
const lastSelection = new Map<string, string>();

/** Queues with counts, saved views, filters, the list with bulk actions and keyboard navigation. */
export function QueuePage({ params }: PageProps) {
  const session = useSession();
  const canWork = useCan('agent');
  // An unknown queue in the address (a link cut short or mistyped) shows Open.
  const queue: QueueId = queues.find((item) => item.id === params.get('queue'))?.id ?? 'open';
  const filters: Filters = Object.fromEntries(
    filterKeys.map((key) => [key, params.get(key) ?? undefined]).filter(([, value]) => value),
  );
  const filterKey = JSON.stringify(filters);
  const listKey = `${queue} ${filterKey}`;
  const routeQuery = query({ queue, ...filters }).slice(1);
  const [surveys] = useSurveys();
  const [users] = useStaff();
  const views = useSavedViews(session.project.id);
  const countsPath = `/v1/inbox/counts${query(apiFilters(filters))}`;
  const [counts, reloadCounts] = useQuery(countsPath, () => api.get<QueueCounts>(countsPath));
  const [pages, setPages] = useState<{ items: ResponseRecord[]; next: string | null } | null>(null);
  const [listError, setListError] = useState<Error | null>(null);
  const [loadingMore, setLoadingMore] = useState(false);
  const [selected, setSelected] = useState(0);
  const [checked, setChecked] = useState<Set<string>>(new Set());
  const [showHelp, setShowHelp] = useState(false);
  // Mirrors of `selected` and `showHelp` for the key handler, written together with the state.
  const selectedRef = useRef(0);
  const showHelpRef = useRef(false);
  const itemsRef = useRef<ResponseRecord[]>([]);
  const shownList = useRef<string | null>(null);
  const listKeyRef = useRef(listKey);
  listKeyRef.current = listKey;
  const select = (index: number) => {
    selectedRef.current = index;
    setSelected(index);
    const id = itemsRef.current[index]?.id;
    if (id) lastSelection.set(listKeyRef.current, id);
  };
  const toggleHelp = (shown: boolean) => {
    showHelpRef.current = shown;
    setShowHelp(shown);
  };
  const [version, setVersion] = useState(0);
  const action = useAction();
  const listRef = useRef<HTMLUListElement>(null);

  const fetchPage = (cursor?: string) =>
    fetchQueuePage(
      `/v1/responses${query({ ...apiFilters(filters), queue, sort: sortOf(queue), limit: 50, cursor })}`,
    );

  const showItems = (items: ResponseRecord[], next: string | null) => {
    itemsRef.current = items;
    setPages({ items, next });
    rememberQueue(
      items.map((item) => item.id),
      `#/inbox?${routeQuery}`,
    );
    // Ticks stay only on responses still in the list.
    setChecked((before) => {
      const shown = new Set(items.map((item) => item.id));
      const kept = new Set([...before].filter((id) => shown.has(id)));
      return kept.size === before.size ? before : kept;
    });
  };

  useEffect(() => {
    let current = true;
    if (shownList.current !== listKey) {
      setPages(null);
      setChecked(new Set());
    }
    setListError(null);
    fetchPage().then(
      (page) => {
        if (!current) return;
        showItems(page.data, page.nextCursor);
        // The same list again (after an action or a live update): the selection stays at its
        // place, so after resolving a response the next one is selected. Another queue or other
        // filters: the remembered response of that list, or else the first row.
        const last = Math.max(page.data.length - 1, 0);
        if (shownList.current === listKey) select(Math.min(selectedRef.current, last));
        else {
          const remembered = page.data.findIndex((item) => item.id === lastSelection.get(listKey));
          select(Math.max(remembered, 0));
        }
        shownList.current = listKey;
      },
      (error: Error) => current && setListError(error),
    );
    return () => {
      current = false;
    };
  }, [queue, filterKey, version]);

  const refresh = () => {
    setVersion((v) => v + 1);
    reloadCounts();
  };
  // A change made anywhere (here, on a response page, by a bulk action, by someone else as heard
  // on the live event stream) reloads this list.
  useInvalidation(['/v1/responses'], () => setVersion((v) => v + 1));

  const loadMore = async () => {
    if (!pages?.next) return;
    setLoadingMore(true);
    try {
      const page = await fetchPage(pages.next);
      showItems([...pages.items, ...page.data], page.nextCursor);
    } catch (error) {
      setListError(error as Error);
    } finally {
      setLoadingMore(false);
    }
  };

  const setRoute = (changes: Record<string, string | undefined>) => {
    const next: Record<string, string | undefined> = { queue, ...filters, ...changes };
    navigate('/inbox', next);
  };

  const items = pages?.items ?? [];
  // While a list loads, names show a placeholder rather than "Deleted survey" or "Unknown".
  const surveyName = useSurveyName();
  const userName = useMemo(() => {
    const names = new Map((users.state === 'ready' ? users.value : []).map((u) => [u.id, u.name]));
    const missing = users.state === 'loading' ? '…' : 'Unknown';
    return (id: string | null) =>
      id === session.user.id ? 'Me' : id ? (names.get(id) ?? missing) : 'Unassigned';
  }, [users]);

  const assignToMe = (response: ResponseRecord) =>
    action.run(() =>
      mutate(
        () => api.patch(`/v1/responses/${response.id}`, { assigneeId: session.user.id }),
        responsesChanged,
      ),
    );
  const resolve = (response: ResponseRecord) =>
    response.followUp.status === 'open' || response.followUp.status === 'in_progress'
      ? action.run(() => resolveWithUndo([response]))
      : undefined;
  const toggleChecked = (id: string, on: boolean) =>
    setChecked((before) => {
      const next = new Set(before);
      if (on) next.add(id);
      else next.delete(id);
      return next;
    });

  // The key handler is registered once and reads the latest list, selection and actions from refs:
  // keys pressed faster than a render (j then a) act on the row that is highlighted, not a stale one.
  const latest = useRef({ items, canWork, assignToMe, resolve, checked, toggleChecked });
  latest.current = { items, canWork, assignToMe, resolve, checked, toggleChecked };

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.defaultPrevented || event.metaKey || event.ctrlKey || event.altKey) return;
      const target = event.target instanceof Element ? event.target : null;
      if (target?.closest('input, textarea, select, [contenteditable]:not([contenteditable="false"])'))
        return;
      // While the help (or any modal dialog) is open, only its own keys work.
      if (showHelpRef.current || document.querySelector('[aria-modal="true"]')) {
        if (event.key === '?' || event.key === 'Escape') {
          toggleHelp(false);
          event.preventDefault();
        }
        return;
      }
      const { items, canWork, assignToMe, resolve, checked, toggleChecked } = latest.current;
      const index = Math.min(selectedRef.current, Math.max(items.length - 1, 0));
      const response = items[index];
      if (event.key === 'j') select(Math.min(index + 1, Math.max(items.length - 1, 0)));
      else if (event.key === 'k') select(Math.max(index - 1, 0));
      else if (event.key === 'Enter') {
        // Enter on a link or a button activates that element, not the selected row.
        if (!response || target?.closest('a, button, [role="button"], [role="link"], summary')) return;
        navigate(`/responses/${response.id}`);
      } else if (event.key === 'x' && response && canWork)
        toggleChecked(response.id, !checked.has(response.id));
      else if (event.key === 'a' && response && canWork) void assignToMe(response);
      else if (event.key === 'r' && response && canWork) void resolve(response);
      else if (event.key === '?') toggleHelp(true);
      else return;
      event.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  useEffect(() => {
    listRef.current
      ?.querySelector<HTMLElement>(`[data-index="${selected}"]`)
      ?.scrollIntoView({ block: 'nearest' });
  }, [selected]);

  const checkedItems = items.filter((item) => checked.has(item.id));
  const allChecked = items.length > 0 && checkedItems.length === items.length;

  return (
    <div class="inbox">
      <h1 class="visually-hidden">Inbox</h1>
      <aside class="queues" aria-label="Queues">
        <nav class="queue-tabs" aria-label="Queue">
          {queues.map((item) => {
            const count = counts.state === 'ready' ? counts.value[item.id] : null;
            if (item.id === 'mine' && count === null && counts.state === 'ready') return null;
            return (
              <a
                key={item.id}
                href={`#/inbox${query({ ...filters, queue: item.id })}`}
                aria-current={queue === item.id ? 'page' : undefined}
                data-queue={item.id}
              >
                <span>{item.label}</span>
                <span class="count">{count ?? '…'}</span>
              </a>
            );
          })}
        </nav>
        {views.views.length > 0 && (
          <div class="saved-views">
            <h2>Saved views</h2>
            <ul>
              {views.views.map((view) => (
                <li key={view.name}>
                  <a
                    href={`#/inbox?${view.query}`}
                    aria-current={view.query === routeQuery ? 'page' : undefined}
                  >
                    {view.name}
                  </a>
                  <button
                    type="button"
                    class="link remove-view"
                    aria-label={`Remove the view ${view.name}`}
                    title="Remove view"
                    onClick={() => views.remove(view.name)}
                  >
                    ×
                  </button>
                </li>
              ))}
            </ul>
          </div>
        )}
        <button type="button" class="link help-toggle" onClick={() => toggleHelp(true)}>
          Keyboard shortcuts (?)
        </button>
      </aside>
      <section class="list-pane">
        <FilterBar
          filters={filters}
          surveys={surveys.state === 'ready' ? surveys.value : []}
          onChange={setRoute}
          onSaveView={(name) => views.save({ name, query: routeQuery })}
        />
        {checkedItems.length > 0 && (
          <BulkBar
            selected={checkedItems}
            staff={users.state === 'ready' ? users.value : []}
            myId={session.user.id}
            onDone={() => setChecked(new Set())}
          />
        )}
        {action.error && <ErrorNote error={action.error} />}
        {listError ? (
          <ErrorNote error={listError} retry={refresh} />
        ) : !pages ? (
          <Loading label="Loading responses…" />
        ) : items.length === 0 ? (
          <Empty>
            {Object.keys(filters).length > 0
              ? 'No responses match these filters.'
              : queue === 'open' || queue === 'mine' || queue === 'overdue'
                ? 'Nothing to follow up here. Well done!'
                : 'No responses yet.'}
          </Empty>
        ) : (
          <>
            <div class="list-head">
              {canWork && (
                <label class="check">
                  <input
                    type="checkbox"
                    checked={allChecked}
                    onChange={(event) =>
                      setChecked(
                        event.currentTarget.checked ? new Set(items.map((item) => item.id)) : new Set(),
                      )
                    }
                  />
                  Select all shown
                </label>
              )}
              <span class="muted">{sortOf(queue) ? 'Most overdue first' : 'Newest first'}</span>
            </div>
            <ul class="responses" ref={listRef} aria-label="Responses">
              {items.map((response, index) => (
                <QueueRow
                  key={response.id}
                  response={response}
                  index={index}
                  selected={index === selected}
                  checked={canWork ? checked.has(response.id) : undefined}
                  onCheck={(on) => toggleChecked(response.id, on)}
                  onSelect={() => select(index)}
                  surveyName={surveyName(response.surveyId)}
                  ownerName={userName(response.followUp.assigneeId)}
                />
              ))}
            </ul>
            {pages.next && (
              <button type="button" onClick={loadMore} disabled={loadingMore}>
                {loadingMore ? 'Loading…' : 'Load more'}
              </button>
            )}
          </>
        )}
      </section>
      {showHelp && <ShortcutHelp canWork={canWork} onClose={() => toggleHelp(false)} />}
    </div>
  );
}
