import type { Metrics, ResponseList, Segments } from '@closeloop/shared';
import { scoreBand } from '@closeloop/shared/kinds';
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { formatChange, formatInterval, formatRate, formatScore, scoreLabel } from '../../lib/format.ts';
import { useSurveys } from '../../lib/resources.ts';
import { type Load, useLoad } from '../../lib/useLoad.ts';
import { downloadExport } from './exportResponses.ts';
import {
  defaultSelection,
  type Interval,
  maxTraitKey,
  type Range,
  ranges,
  readSelection,
  type Selection,
  selectionParams,
} from './selection.ts';
import { TrendChart } from './TrendChart.tsx';

/** What the dashboard needs from the inbox's API client. */
export interface InsightsApi {
  /** GET a JSON document (throws an Error with the problem's detail on failure). */
  get<T>(path: string): Promise<T>;
  /** GET a raw response (streamed export). */
  fetchRaw(path: string): Promise<Response>;
}

function Status<T>({
  load,
  children,
  empty,
}: {
  load: Load<T>;
  children: (value: T) => preact.ComponentChildren;
  empty?: string;
}) {
  if (load.state === 'loading')
    return (
      <p class="insights-status" aria-busy="true">
        Loading…
      </p>
    );
  if (load.state === 'error')
    return (
      <p class="insights-status insights-error" role="alert">
        {load.error.message}
      </p>
    );
  const content = children(load.value);
  return <>{content ?? (empty ? <p class="insights-status">{empty}</p> : null)}</>;
}

/**
 * The insights dashboard for one survey: trend with confidence band, distribution, response rate,
 * segments, comments, export. What it shows comes from the address's parameters (`params`); a
 * choice goes back into the address through `onSelect`, and the dashboard follows.
 */
export function InsightsDashboard({
  api,
  params,
  onSelect,
}: {
  api: InsightsApi;
  params: URLSearchParams;
  onSelect: (params: Record<string, string | undefined>) => void;
}) {
  const [surveys] = useSurveys();
  const selection = readSelection(params);
  const { surveyId, interval, range, segmentBy, traitKey, table: showTable } = selection;
  const select = (changes: Partial<Selection>) => onSelect(selectionParams({ ...selection, ...changes }));
  // The trait being typed applies on Enter or on leaving the field (emptied, it is the default
  // trait again); back and forward show the trait of that address.
  const [traitDraft, setTraitDraft] = useState(traitKey);
  useEffect(() => setTraitDraft(traitKey), [traitKey]);
  const chooseTrait = () => {
    const key = traitDraft.trim() || defaultSelection.traitKey;
    setTraitDraft(key);
    select({ traitKey: key });
  };

  // NPS first, then CSAT, then CES: the score most teams report leads.
  const list = [...(surveys.state === 'ready' ? surveys.value : [])].sort(
    (a, b) => kindOrder.indexOf(a.kind) - kindOrder.indexOf(b.kind),
  );
  const survey = list.find((item) => item.id === surveyId) ?? list[0];
  const timezone = selection.timezone || browserZone;
  // The window ends now, rounded to the minute so every panel asks about the same period; a custom
  // range runs from the first day's midnight to the end of the last day, in the chosen time zone.
  const window_ = useMemo(() => {
    if (range === 'custom') {
      return {
        from: zonedMidnight(selection.from, timezone, 0),
        to: zonedMidnight(selection.to, timezone, 1),
      };
    }
    const to = new Date(Math.ceil(Date.now() / 60_000) * 60_000);
    const from = new Date(to.getTime() - ranges[range] * 86_400_000);
    return { from: from.toISOString(), to: to.toISOString() };
  }, [range, selection.from, selection.to, timezone]);
  const query = useMemo(() => {
    const params = new URLSearchParams({ from: window_.from, to: window_.to });
    if (survey) params.set('surveyId', survey.id);
    return params;
  }, [survey?.id, window_]);

  const [metrics] = useLoad<Metrics | null>(
    () =>
      survey
        ? api.get<Metrics>(
            `/v1/metrics?${query}&interval=${interval}&timezone=${encodeURIComponent(timezone)}`,
          )
        : Promise.resolve(null),
    [survey?.id, interval, query],
  );
  const [segments] = useLoad<Segments | null>(
    () =>
      survey && (segmentBy !== 'trait' || traitKey)
        ? api.get<Segments>(
            `/v1/metrics/segments?${query}&by=${segmentBy}${segmentBy === 'trait' ? `&traitKey=${encodeURIComponent(traitKey)}` : ''}`,
          )
        : Promise.resolve(null),
    [survey?.id, query, segmentBy, traitKey],
  );

  // Trait names seen on the period's recent responses, offered when segmenting by trait.
  const [knownTraits] = useLoad<string[]>(
    () =>
      survey && segmentBy === 'trait'
        ? api.get<ResponseList>(`/v1/responses?${query}&limit=200`).then((page) => {
            const keys = new Set<string>();
            for (const response of page.data)
              for (const key of Object.keys(
                (response.respondent ?? response.claimedRespondent)?.traits ?? {},
              ))
                keys.add(key);
            return [...keys].sort();
          })
        : Promise.resolve([]),
    [survey?.id, query, segmentBy],
  );

  return (
    <section class="insights" aria-labelledby="insights-title">
      <h1 id="insights-title">Insights</h1>
      <Status load={surveys} empty="No surveys yet: create one under Surveys.">
        {(items) =>
          items.length === 0 ? null : (
            <form class="insights-controls" onSubmit={(event) => event.preventDefault()}>
              <label>
                Survey
                <select
                  value={survey?.id}
                  onChange={(event) => select({ surveyId: event.currentTarget.value })}
                >
                  {items.map((item) => (
                    <option key={item.id} value={item.id}>
                      {item.name} ({item.kind.toUpperCase()})
                    </option>
                  ))}
                </select>
              </label>
              <label>
                Range
                <select
                  value={range}
                  onChange={(event) => {
                    const next = event.currentTarget.value as Range;
                    // A custom range starts as the last 30 days, to be changed from there.
                    if (next === 'custom') {
                      const today = new Date();
                      const start = new Date(today.getTime() - 29 * 86_400_000);
                      select({ range: next, from: localDay(start), to: localDay(today) });
                    } else select({ range: next });
                  }}
                >
                  <option value="30d">Last 30 days</option>
                  <option value="90d">Last 90 days</option>
                  <option value="12m">Last 12 months</option>
                  <option value="custom">Custom dates</option>
                </select>
              </label>
              {range === 'custom' && (
                <div class="insights-range">
                  <label>
                    From
                    <input
                      type="date"
                      value={selection.from}
                      max={selection.to}
                      onChange={(event) =>
                        event.currentTarget.value && select({ from: event.currentTarget.value })
                      }
                    />
                  </label>
                  <label>
                    To
                    <input
                      type="date"
                      value={selection.to}
                      min={selection.from}
                      onChange={(event) =>
                        event.currentTarget.value && select({ to: event.currentTarget.value })
                      }
                    />
                  </label>
                </div>
              )}
              <label>
                Time zone
                <select
                  value={timezone}
                  onChange={(event) =>
                    select({
                      timezone: event.currentTarget.value === browserZone ? '' : event.currentTarget.value,
                    })
                  }
                >
                  {zones(timezone).map((zone) => (
                    <option key={zone} value={zone}>
                      {zone === browserZone ? `${zone} (this browser)` : zone}
                    </option>
                  ))}
                </select>
              </label>
              <label>
                Interval
                <select
                  value={interval}
                  onChange={(event) => select({ interval: event.currentTarget.value as Interval })}
                >
                  <option value="day">Day</option>
                  <option value="week">Week</option>
                  <option value="month">Month</option>
                </select>
              </label>
              <ExportButton api={api} query={query} />
            </form>
          )
        }
      </Status>

      <Status load={metrics}>
        {(value) =>
          value && (
            <>
              <Headline metrics={value} />
              <div class="insights-panel">
                <div class="insights-panel-head">
                  <h2>Trend</h2>
                  <button
                    type="button"
                    aria-pressed={showTable}
                    onClick={() => select({ table: !showTable })}
                  >
                    {showTable ? 'Show chart' : 'Show as table'}
                  </button>
                </div>
                {showTable ? <TrendTable metrics={value} /> : <TrendChart metrics={value} />}
              </div>
              <Distribution metrics={value} />
            </>
          )
        }
      </Status>

      <div class="insights-panel">
        <div class="insights-panel-head">
          <h2>Segments</h2>
          <label>
            By
            <select
              value={segmentBy}
              onChange={(event) => select({ segmentBy: event.currentTarget.value as typeof segmentBy })}
            >
              <option value="page">Page</option>
              <option value="locale">Locale</option>
              <option value="trait">Trait</option>
            </select>
          </label>
          {segmentBy === 'trait' && (
            <label>
              Trait
              <input
                value={traitDraft}
                onInput={(event) => setTraitDraft(event.currentTarget.value)}
                onChange={chooseTrait}
                onKeyDown={(event) => event.key === 'Enter' && chooseTrait()}
                maxLength={maxTraitKey}
                size={12}
                list="insights-trait-keys"
              />
              <datalist id="insights-trait-keys">
                {(knownTraits.state === 'ready' ? knownTraits.value : []).map((key) => (
                  <option key={key} value={key} />
                ))}
              </datalist>
            </label>
          )}
        </div>
        <Status load={segments} empty="No segments.">
          {(value) => value && <SegmentTable segments={value} />}
        </Status>
      </div>

      {survey && <Comments api={api} query={query} />}
    </section>
  );
}

/** Responses with a comment shown per page of the comments panel. */
export const commentsPageSize = 20;

/**
 * The comments of the period, newest first, from the list API's `hasComment=true` filter; "More
 * comments" loads the next page after the last one shown.
 */
function Comments({ api, query }: { api: InsightsApi; query: URLSearchParams }) {
  const [pages, setPages] = useState<ResponseList[]>([]);
  const [state, setState] = useState<'loading' | 'ready' | 'error'>('loading');
  const [message, setMessage] = useState('');
  const generation = useRef(0);
  const load = (cursor: string | null) => {
    const current = ++generation.current;
    setState('loading');
    const params = new URLSearchParams(query);
    params.set('hasComment', 'true');
    params.set('limit', String(commentsPageSize));
    if (cursor) params.set('cursor', cursor);
    api.get<ResponseList>(`/v1/responses?${params}`).then(
      (page) => {
        if (current !== generation.current) return;
        setPages((before) => (cursor ? [...before, page] : [page]));
        setState('ready');
      },
      (error: Error) => {
        if (current !== generation.current) return;
        setMessage(error.message);
        setState('error');
      },
    );
  };
  useEffect(() => {
    setPages([]);
    load(null);
  }, [query]);

  const items = pages.flatMap((page) => page.data);
  const nextCursor = pages.at(-1)?.nextCursor ?? null;
  return (
    <div class="insights-panel">
      <h2>Comments in this period</h2>
      {items.length > 0 && (
        <ul class="insights-comments">
          {items.map((response) => (
            <li key={response.id}>
              <a href={`#/responses/${response.id}`}>
                <span class="insights-comment-score">{response.score}</span>
              </a>{' '}
              <span class="insights-comment-text">{response.comment}</span>{' '}
              <time dateTime={response.submittedAt}>
                {new Date(response.submittedAt).toLocaleDateString()}
              </time>
            </li>
          ))}
        </ul>
      )}
      {state === 'loading' ? (
        <p class="insights-status" aria-busy="true">
          Loading…
        </p>
      ) : state === 'error' ? (
        <p class="insights-status insights-error" role="alert">
          {message}
        </p>
      ) : items.length === 0 ? (
        <p class="insights-status">No comments in this period.</p>
      ) : (
        nextCursor && (
          <button type="button" class="insights-more" onClick={() => load(nextCursor)}>
            More comments
          </button>
        )
      )}
    </div>
  );
}

function Headline({ metrics }: { metrics: Metrics }) {
  const { total, change, kind } = metrics;
  const changeText =
    change.difference === null
      ? 'no earlier period to compare'
      : `${formatChange(change.difference, 1)} against the period before — ${
          change.significant ? 'a significant change' : 'within noise'
        }`;
  return (
    <div class="insights-headline">
      <div>
        <div class="insights-score" data-testid="insights-score">
          {formatScore(kind, total.score)}
        </div>
        <div>{scoreLabel[kind]}</div>
      </div>
      <dl>
        <dt>Responses</dt>
        <dd data-testid="insights-n">{total.n.toLocaleString('en-US')}</dd>
        <dt>Confidence</dt>
        <dd>{formatInterval(total)}</dd>
        <dt>Response rate</dt>
        <dd>{formatRate(total.responseRate)}</dd>
        <dt>Change</dt>
        <dd class={change.significant ? 'insights-significant' : ''}>{changeText}</dd>
      </dl>
    </div>
  );
}

function TrendTable({ metrics }: { metrics: Metrics }) {
  return (
    <table class="insights-table">
      <caption>
        {scoreLabel[metrics.kind]} per {metrics.interval}
      </caption>
      <thead>
        <tr>
          <th scope="col">From</th>
          <th scope="col">Score</th>
          <th scope="col">95 % interval</th>
          <th scope="col">Responses</th>
          <th scope="col">Response rate</th>
          <th scope="col">Change</th>
        </tr>
      </thead>
      <tbody>
        {metrics.buckets.map((bucket) => (
          <tr key={bucket.start}>
            <th scope="row">{new Date(bucket.start).toLocaleDateString()}</th>
            <td>{formatScore(metrics.kind, bucket.score)}</td>
            <td>{bucket.ci ? `${Math.round(bucket.ci.low)} – ${Math.round(bucket.ci.high)}` : '—'}</td>
            <td>{bucket.n}</td>
            <td>{formatRate(bucket.responseRate)}</td>
            <td>
              {bucket.change.difference === null
                ? '—'
                : `${formatChange(bucket.change.difference)}${bucket.change.significant ? ' (significant)' : ''}`}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** The API's distribution groups, in the colours of the score bands. */
const bandOf: Record<string, 'negative' | 'neutral' | 'positive'> = {
  detractors: 'negative',
  passives: 'neutral',
  promoters: 'positive',
  dissatisfied: 'negative',
  neutral: 'neutral',
  satisfied: 'positive',
};

const kindOrder = ['nps', 'csat', 'ces'];
const browserZone = Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';

/** yyyy-mm-dd of a date in this browser's time zone. */
function localDay(date: Date): string {
  const offset = date.getTimezoneOffset() * 60_000;
  return new Date(date.getTime() - offset).toISOString().slice(0, 10);
}

/** Minutes a time zone is ahead of UTC at an instant. */
function zoneOffset(instant: number, timeZone: string): number {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
    })
      .formatToParts(new Date(instant))
      .map((part) => [part.type, Number(part.value)]),
  );
  const local = Date.UTC(parts.year!, parts.month! - 1, parts.day!, parts.hour!, parts.minute!);
  return Math.round((local - instant) / 60_000);
}

/** The instant of midnight starting a yyyy-mm-dd day (plus `addDays`) in a time zone. */
function zonedMidnight(day: string, timeZone: string, addDays: number): string {
  const [year, month, date] = day.split('-').map(Number) as [number, number, number];
  const wall = Date.UTC(year, month - 1, date + addDays);
  let instant = wall - zoneOffset(wall, timeZone) * 60_000;
  // Once more at the found instant: the offset may differ across a change of clocks.
  instant = wall - zoneOffset(instant, timeZone) * 60_000;
  return new Date(instant).toISOString();
}

/** Time zones to choose from: the browser's, UTC and every zone the browser knows. */
function zones(current: string): string[] {
  const known =
    typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : ([] as string[]);
  return [...new Set([browserZone, 'UTC', current, ...known])];
}

function Distribution({ metrics }: { metrics: Metrics }) {
  const { histogram, distribution, n } = metrics.total;
  const largest = Math.max(1, ...Object.values(histogram));
  return (
    <div class="insights-panel">
      <h2>Distribution</h2>
      <ul class="insights-bands">
        {Object.entries(distribution).map(([band, count]) => (
          <li key={band} class={`insights-swatch-${bandOf[band] ?? 'neutral'}`}>
            <span>
              {band[0]!.toUpperCase() + band.slice(1)}: {count} ({n ? Math.round((count / n) * 100) : 0} %)
            </span>
          </li>
        ))}
      </ul>
      <ul class="insights-bars">
        {Object.entries(histogram).map(([score, count]) => (
          <li key={score}>
            <span class="insights-bar-label">{score}</span>
            <span
              class={`insights-bar band-${scoreBand(metrics.kind, Number(score))}`}
              style={{ width: `${(count / largest) * 100}%` }}
            />
            <span class="insights-bar-count">{count}</span>
          </li>
        ))}
      </ul>
    </div>
  );
}

function SegmentTable({ segments }: { segments: Segments }) {
  if (segments.segments.length === 0) return <p class="insights-status">No responses in this period.</p>;
  return (
    <table class="insights-table">
      <thead>
        <tr>
          <th scope="col">
            {segments.by === 'page' ? 'Page' : segments.by === 'locale' ? 'Locale' : 'Value'}
          </th>
          <th scope="col">Score</th>
          <th scope="col">95 % interval</th>
          <th scope="col">Responses</th>
        </tr>
      </thead>
      <tbody>
        {segments.segments.map((segment) => (
          <tr key={segment.value ?? '(none)'}>
            <th scope="row">{segment.value ?? '(none)'}</th>
            <td>{formatScore(segments.kind, segment.score)}</td>
            <td>{segment.ci ? `${Math.round(segment.ci.low)} – ${Math.round(segment.ci.high)}` : '—'}</td>
            <td>{segment.n}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function ExportButton({ api, query }: { api: InsightsApi; query: URLSearchParams }) {
  const [rows, setRows] = useState<number | null>(null);
  const [message, setMessage] = useState('');
  const controller = useRef<AbortController | null>(null);
  const box = useRef<HTMLDivElement>(null);
  const cancelButton = useRef<HTMLButtonElement>(null);
  const formatButtons = { csv: useRef<HTMLButtonElement>(null), ndjson: useRef<HTMLButtonElement>(null) };
  const lastFormat = useRef<'csv' | 'ndjson' | null>(null);
  const busy = rows !== null;
  // The button pressed goes away while the export runs, and Cancel when it ends: the focus moves
  // to what takes their place instead of falling back to the top of the page.
  useEffect(() => {
    if (!lastFormat.current) return;
    const active = document.activeElement;
    if (active && active !== document.body && !box.current?.contains(active)) return;
    (busy ? cancelButton : formatButtons[lastFormat.current]).current?.focus();
  }, [busy]);
  const start = async (format: 'csv' | 'ndjson') => {
    lastFormat.current = format;
    controller.current = new AbortController();
    setRows(0);
    setMessage('');
    try {
      const total = await downloadExport(api.fetchRaw, query, format, setRows, controller.current.signal);
      setMessage(`Exported ${total.toLocaleString('en-US')} responses.`);
    } catch (error) {
      setMessage((error as Error).name === 'AbortError' ? 'Export cancelled.' : (error as Error).message);
    } finally {
      setRows(null);
    }
  };
  return (
    <div class="insights-export" ref={box}>
      {rows === null ? (
        <>
          <button type="button" ref={formatButtons.csv} onClick={() => start('csv')}>
            Export CSV
          </button>
          <button type="button" ref={formatButtons.ndjson} onClick={() => start('ndjson')}>
            Export NDJSON
          </button>
        </>
      ) : (
        <>
          <progress aria-label="Export progress" />
          <span>{rows.toLocaleString('en-US')} rows…</span>
          <button type="button" ref={cancelButton} onClick={() => controller.current?.abort()}>
            Cancel
          </button>
        </>
      )}
      <span role="status">{message}</span>
    </div>
  );
}
