import type { QueueCounts, ResponseList, ResponseRecord, Survey } from '@closeloop/shared';
import { useEffect, useLayoutEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { PageProps } from '../../app/routes.ts';
import { Empty, ErrorNote, Loading, useAction } from '../../components/status.tsx';
import { api, query } from '../../lib/api.ts';
import {
  bandClass,
  endOfDay,
  formatDateTime,
  isOverdue,
  kindLabel,
  relative,
  startOfDay,
  statusLabels,
} from '../../lib/format.ts';
import { mutate, useInvalidation, useQuery } from '../../lib/query.ts';
import { useStaff, useSurveyName, useSurveys } from '../../lib/resources.ts';
import { navigate } from '../../lib/router.ts';
import { useCan, useSession } from '../../lib/session.ts';

const queues = [
  { id: 'open', label: 'Open' },
  { id: 'mine', label: 'Mine' },
  { id: 'overdue', label: 'Overdue' },
  { id: 'resolved', label: 'Resolved' },
  { id: 'all', label: 'All' },
] as const;

const filterKeys = ['surveyId', 'kind', 'minScore', 'maxScore', 'from', 'to', 'tag', 'q'] as const;
type Filters = Partial<Record<(typeof filterKeys)[number], string>>;

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

/** Queues with counts, filters, the list with keyboard navigation (j/k, Enter, a, r, ?). */
export function QueuePage({ params }: PageProps) {
  const session = useSession();
  const canWork = useCan('agent');
  // An unknown queue in the address (a link cut short or mistyped) shows Open.
  const queue =
    queues.find((item) => item.id === params.get('queue'))?.id ?? ('open' as (typeof queues)[number]['id']);
  const filters: Filters = Object.fromEntries(
    filterKeys.map((key) => [key, params.get(key) ?? undefined]).filter(([, value]) => value),
  );
  const filterKey = JSON.stringify(filters);
  const listKey = `${queue} ${filterKey}`;
  const [surveys] = useSurveys();
  const [users] = useStaff();
  const countsPath = `/v1/inbox/counts${query(apiFilters(filters))}`;
  const [counts, reloadCounts] = useQuery(countsPath, () => api.get<QueueCounts>(countsPath));
  const [pages, setPages] = useState<{ items: ResponseRecord[]; next: string | null } | null>(null);
  const [listError, setListError] = useState<Error | null>(null);
  const [loadingMore, setLoadingMore] = useState(false);
  const [selected, setSelected] = useState(0);
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
    api.get<ResponseList>(`/v1/responses${query({ ...apiFilters(filters), queue, limit: 50, cursor })}`);

  useEffect(() => {
    let current = true;
    setPages(null);
    setListError(null);
    fetchPage().then(
      (page) => {
        if (!current) return;
        setPages({ items: page.data, next: page.nextCursor });
        itemsRef.current = page.data;
        // The same list again (after an action): the selection stays where it was. Another queue
        // or other filters: the remembered response of that list, or else the first row.
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
  // A change made anywhere (here, on a response page, by a bulk action) reloads this list.
  useInvalidation(['/v1/responses'], () => setVersion((v) => v + 1));

  const loadMore = async () => {
    if (!pages?.next) return;
    setLoadingMore(true);
    try {
      const page = await fetchPage(pages.next);
      itemsRef.current = [...pages.items, ...page.data];
      setPages({ items: itemsRef.current, next: page.nextCursor });
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
    return (id: string | null) => (id ? (names.get(id) ?? missing) : 'Unassigned');
  }, [users]);

  const change = async (response: ResponseRecord, body: object) => {
    await action.run(() =>
      mutate(() => api.patch(`/v1/responses/${response.id}`, body), ['/v1/responses', '/v1/inbox']),
    );
  };
  const assignToMe = (response: ResponseRecord) => change(response, { assigneeId: session.user.id });
  const resolve = (response: ResponseRecord) =>
    response.followUp.status === 'open' || response.followUp.status === 'in_progress'
      ? change(response, { status: 'resolved' })
      : undefined;

  // The key handler is registered once and reads the latest list, selection and actions from refs:
  // keys pressed faster than a render (j then a) act on the row that is highlighted, not a stale one.
  const latest = useRef({ items, canWork, assignToMe, resolve });
  latest.current = { items, canWork, assignToMe, resolve };

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
      const { items, canWork, assignToMe, resolve } = latest.current;
      const index = Math.min(selectedRef.current, Math.max(items.length - 1, 0));
      const response = items[index];
      if (event.key === 'j') select(Math.min(index + 1, Math.max(items.length - 1, 0)));
      else if (event.key === 'k') select(Math.max(index - 1, 0));
      else if (event.key === 'Enter') {
        // Enter on a link or a button activates that element, not the selected row.
        if (!response || target?.closest('a, button, [role="button"], [role="link"], summary')) return;
        navigate(`/responses/${response.id}`);
      } else if (event.key === 'a' && response && canWork) void assignToMe(response);
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

  return (
    <div class="inbox">
      <h1 class="visually-hidden">Inbox</h1>
      <aside class="queues" aria-label="Queues">
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
        <button type="button" class="link help-toggle" onClick={() => toggleHelp(true)}>
          Keyboard shortcuts (?)
        </button>
      </aside>
      <section class="list-pane">
        <FilterBar
          filters={filters}
          surveys={surveys.state === 'ready' ? surveys.value : []}
          onChange={setRoute}
        />
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
            <ul class="responses" ref={listRef} aria-label="Responses">
              {items.map((response, index) => (
                <li
                  key={response.id}
                  data-index={index}
                  data-response-id={response.id}
                  class={index === selected ? 'selected' : undefined}
                  aria-current={index === selected ? 'true' : undefined}
                >
                  <a href={`#/responses/${response.id}`} onClick={() => select(index)}>
                    <span
                      class={`score ${bandClass(response.kind, response.score)}`}
                      title={`${kindLabel(response.kind)} ${response.score}`}
                    >
                      {response.score}
                    </span>
                    <span class="summary">
                      <span class="comment">{response.comment ?? <em class="muted">No comment</em>}</span>
                      <span class="meta">
                        {kindLabel(response.kind)} · {surveyName(response.surveyId)} ·{' '}
                        {formatDateTime(response.submittedAt)}
                        {response.respondent?.email ? ` · ${response.respondent.email}` : ''}
                      </span>
                    </span>
                    <span class="follow-up">
                      <span class={`status-pill status-${response.followUp.status}`}>
                        {statusLabels[response.followUp.status]}
                      </span>
                      {response.followUp.dueAt && response.followUp.status !== 'resolved' && (
                        <span
                          class={
                            isOverdue(response.followUp.dueAt, response.followUp.status)
                              ? 'due overdue'
                              : 'due'
                          }
                          title={formatDateTime(response.followUp.dueAt)}
                        >
                          Due {relative(response.followUp.dueAt)}
                        </span>
                      )}
                      <span class="assignee">{userName(response.followUp.assigneeId)}</span>
                    </span>
                  </a>
                </li>
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

function FilterBar({
  filters,
  surveys,
  onChange,
}: {
  filters: Filters;
  surveys: Survey[];
  onChange: (changes: Record<string, string | undefined>) => void;
}) {
  const [text, setText] = useState(filters.q ?? '');
  const [tag, setTag] = useState(filters.tag ?? '');
  useEffect(() => setText(filters.q ?? ''), [filters.q]);
  useEffect(() => setTag(filters.tag ?? ''), [filters.tag]);
  const scores = Array.from({ length: 11 }, (_, i) => String(i));
  return (
    <form
      class="filters"
      aria-label="Filters"
      onSubmit={(event) => {
        event.preventDefault();
        onChange({ q: text.trim() || undefined, tag: tag.trim() || undefined });
      }}
    >
      <input
        type="search"
        name="q"
        placeholder="Search comments"
        aria-label="Search comments"
        value={text}
        onInput={(e) => setText(e.currentTarget.value)}
      />
      <select
        aria-label="Survey"
        name="surveyId"
        value={filters.surveyId ?? ''}
        onChange={(e) => onChange({ surveyId: e.currentTarget.value || undefined })}
      >
        <option value="">All surveys</option>
        {surveys.map((survey) => (
          <option key={survey.id} value={survey.id}>
            {survey.name}
          </option>
        ))}
      </select>
      <select
        aria-label="Kind"
        name="kind"
        value={filters.kind ?? ''}
        onChange={(e) => onChange({ kind: e.currentTarget.value || undefined })}
      >
        <option value="">All kinds</option>
        <option value="nps">NPS</option>
        <option value="csat">CSAT</option>
        <option value="ces">CES</option>
      </select>
      <select
        aria-label="Lowest score"
        value={filters.minScore ?? ''}
        onChange={(e) => onChange({ minScore: e.currentTarget.value || undefined })}
      >
        <option value="">Score from</option>
        {scores.map((s) => (
          <option
            key={s}
            value={s}
            disabled={filters.maxScore !== undefined && Number(s) > Number(filters.maxScore)}
          >
            ≥ {s}
          </option>
        ))}
      </select>
      <select
        aria-label="Highest score"
        value={filters.maxScore ?? ''}
        onChange={(e) => onChange({ maxScore: e.currentTarget.value || undefined })}
      >
        <option value="">Score to</option>
        {scores.map((s) => (
          <option
            key={s}
            value={s}
            disabled={filters.minScore !== undefined && Number(s) < Number(filters.minScore)}
          >
            ≤ {s}
          </option>
        ))}
      </select>
      <input
        type="date"
        aria-label="From date"
        value={filters.from ?? ''}
        max={filters.to}
        onChange={(e) => onChange({ from: e.currentTarget.value || undefined })}
      />
      <input
        type="date"
        aria-label="To date"
        value={filters.to ?? ''}
        min={filters.from}
        onChange={(e) => onChange({ to: e.currentTarget.value || undefined })}
      />
      <input
        name="tag"
        placeholder="Tag"
        aria-label="Tag"
        value={tag}
        onInput={(e) => setTag(e.currentTarget.value)}
      />
      <button type="submit">Apply</button>
      {Object.keys(filters).length > 0 && (
        <button
          type="button"
          class="link"
          onClick={() => onChange(Object.fromEntries(filterKeys.map((key) => [key, undefined])))}
        >
          Clear filters
        </button>
      )}
    </form>
  );
}

function ShortcutHelp({ canWork, onClose }: { canWork: boolean; onClose: () => void }) {
  const closeRef = useRef<HTMLButtonElement>(null);
  // Focus moves into the dialog while it is open and back where it was when it closes; in the
  // same commit that shows it, so no key pressed meanwhile lands on the page behind.
  useLayoutEffect(() => {
    const before = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    closeRef.current?.focus();
    return () => before?.isConnected && before.focus();
  }, []);
  const rows: [string, string][] = [
    ['j / k', 'Next / previous response'],
    ['Enter', 'Open the selected response'],
    ...(canWork
      ? ([
          ['a', 'Assign to me'],
          ['r', 'Resolve'],
        ] as [string, string][])
      : []),
    ['?', 'Show or hide this help'],
  ];
  return (
    <div class="dialog-backdrop">
      <div
        class="dialog"
        role="dialog"
        aria-modal="true"
        aria-labelledby="shortcuts-title"
        onKeyDown={(event) => {
          // Its only control keeps the focus: Tab does not wander to the page behind.
          if (event.key === 'Tab') {
            event.preventDefault();
            closeRef.current?.focus();
          }
        }}
      >
        <h2 id="shortcuts-title">Keyboard shortcuts</h2>
        <dl class="shortcuts">
          {rows.map(([key, label]) => (
            <div key={key}>
              <dt>
                <kbd>{key}</kbd>
              </dt>
              <dd>{label}</dd>
            </div>
          ))}
        </dl>
        <button type="button" ref={closeRef} onClick={onClose}>
          Close
        </button>
      </div>
    </div>
  );
}
