/**
 * NPS, CSAT and CES over time. Aggregation happens in SQL (one row per bucket and score); the
 * scoring of those few rows uses the one implementation in packages/shared.
 */
import {
  compareScores,
  distributionOf,
  fullHistogram,
  type Histogram,
  type Metrics,
  type MetricsQuery,
  type ScoreStats,
  type Segments,
  type SegmentsQuery,
  type SurveyKind,
  scoreSummary,
} from '@closeloop/shared';
import type { Database } from '../db/client.ts';
import { Errors, ValidationError } from '../errors.ts';

/** At most this many buckets in one answer. */
export const maxBuckets = 1000;

const defaultSpanDays = { day: 30, week: 7 * 12, month: 365 } as const;
const approximateDays = { day: 1, week: 7, month: 28 } as const;

type Filter = Omit<MetricsQuery, 'interval'>;

interface Scope {
  kind: SurveyKind;
  surveyId: string | null;
  from: Date;
  to: Date;
}

/** Builds the WHERE clause (alias r = responses, rs = respondents) and its parameters. */
class Where {
  readonly params: unknown[] = [];
  private readonly conditions: string[] = [];

  constructor(projectId: string, scope: Scope, filter: Filter, range: { from: Date; to: Date }) {
    this.add('r.project_id = ?', projectId);
    if (scope.surveyId) this.add('r.survey_id = ?', scope.surveyId);
    else this.add('r.kind = ?', scope.kind);
    this.add('r.submitted_at >= ?', range.from);
    this.add('r.submitted_at < ?', range.to);
    if (filter.urlPrefix)
      this.add(`r.url like ? escape '\\'`, `${filter.urlPrefix.replace(/[\\%_]/g, '\\$&')}%`);
    if (filter.locale) this.add('lower(r.locale) = lower(?)', filter.locale);
    if (filter.trait) {
      const separator = filter.trait.indexOf('=');
      this.add('rs.traits ->> ? = ?', filter.trait.slice(0, separator), filter.trait.slice(separator + 1));
    }
  }

  /** Adds a condition whose `?` are replaced by numbered parameters. */
  add(condition: string, ...values: unknown[]) {
    let index = 0;
    this.conditions.push(
      condition.replace(/\?/g, () => {
        this.params.push(values[index++]);
        return `$${this.params.length}`;
      }),
    );
  }

  /** A parameter placeholder for a value used outside the conditions. */
  param(value: unknown): string {
    this.params.push(value);
    return `$${this.params.length}`;
  }

  get sql(): string {
    return this.conditions.join(' and ');
  }
}

const hasSegmentFilter = (filter: Filter) => Boolean(filter.urlPrefix || filter.locale || filter.trait);

/** The FROM clause; respondents are joined only when a trait is filtered or grouped on. */
const fromResponses = (withRespondents: boolean) =>
  withRespondents
    ? 'from responses r left join respondents rs on rs.project_id = r.project_id and rs.id = r.respondent_id'
    : 'from responses r';

async function resolveScope(
  database: Database,
  projectId: string,
  filter: Filter,
  span: number,
): Promise<Scope> {
  let kind = filter.kind;
  if (filter.surveyId) {
    const [survey] = await database.query<{ kind: SurveyKind }>(
      'select kind from surveys where project_id = $1 and id = $2',
      [projectId, filter.surveyId],
    );
    if (!survey) throw new Errors.NotFound(`No survey ${filter.surveyId} in this project`);
    if (kind && kind !== survey.kind) {
      throw new ValidationError([{ path: 'kind', message: `the survey is ${survey.kind}, not ${kind}` }]);
    }
    kind = survey.kind;
  }
  if (!kind) throw new ValidationError([{ path: 'surveyId', message: 'give a surveyId or a kind' }]);
  const to = filter.to ? new Date(filter.to) : new Date();
  const from = filter.from ? new Date(filter.from) : new Date(to.getTime() - span * 86_400_000);
  if (from >= to) throw new ValidationError([{ path: 'from', message: 'must be before to' }]);
  return { kind, surveyId: filter.surveyId ?? null, from, to };
}

function stats(kind: SurveyKind, counts: Histogram, shown: number | null): ScoreStats {
  const summary = scoreSummary(kind, counts);
  return {
    n: summary.n,
    score: summary.score,
    ci: summary.ci,
    mean: summary.mean,
    meanCi: summary.meanCi,
    distribution: distributionOf(kind, counts),
    histogram: fullHistogram(kind, counts),
    shown,
    responseRate: shown ? summary.n / shown : null,
  };
}

async function totalHistogram(
  database: Database,
  projectId: string,
  scope: Scope,
  filter: Filter,
  range: { from: Date; to: Date },
) {
  const where = new Where(projectId, scope, filter, range);
  const rows = await database.query<{ score: number; n: number }>(
    `select r.score, count(*)::int as n ${fromResponses(Boolean(filter.trait))} where ${where.sql} group by r.score`,
    where.params,
  );
  return Object.fromEntries(rows.map((row) => [row.score, row.n])) as Histogram;
}

/** A Postgres array literal of bucket starts, for width_bucket(). */
const startsArray = (starts: Date[]) => `{${starts.map((start) => `"${start.toISOString()}"`).join(',')}}`;

/**
 * Shown impressions per bucket (1-based index into `starts`), or in all under key 0 without starts.
 */
async function shownEvents(
  database: Database,
  projectId: string,
  scope: Scope,
  range: { from: Date; to: Date },
  starts?: Date[],
): Promise<Map<number, number>> {
  const params: unknown[] = [projectId, scope.surveyId ?? scope.kind, range.from, range.to];
  const survey = scope.surveyId
    ? 'e.survey_id = $2'
    : 'e.survey_id in (select id from surveys where project_id = $1 and kind = $2)';
  if (starts) params.push(startsArray(starts));
  const rows = await database.query<{ bucket: number; n: number }>(
    `select ${starts ? 'width_bucket(e.at, $5::timestamptz[])' : '0'} as bucket, count(*)::int as n from events e
     where e.project_id = $1 and ${survey} and e.type = 'shown' and e.at >= $3 and e.at < $4
     group by 1`,
    params,
  );
  return new Map(rows.map((row) => [Number(row.bucket), row.n]));
}

/** GET /v1/metrics: scores per bucket with intervals, distributions, response rates and changes. */
export async function computeMetrics(
  database: Database,
  projectId: string,
  query: MetricsQuery,
): Promise<Metrics> {
  const scope = await resolveScope(database, projectId, query, defaultSpanDays[query.interval]);
  const spanMs = scope.to.getTime() - scope.from.getTime();
  if (spanMs / 86_400_000 / approximateDays[query.interval] > maxBuckets) {
    throw new ValidationError([
      {
        path: 'from',
        message: `the range holds more than ${maxBuckets} ${query.interval} buckets; use a longer interval`,
      },
    ]);
  }
  const range = { from: scope.from, to: scope.to };
  // Bucket boundaries are computed once, in the time zone (so DST and month lengths are right);
  // rows are then assigned to buckets by comparing instants (width_bucket), which costs far less
  // than converting every row to local time.
  const bucketRows = await database.query<{ start: Date | string; end: Date | string }>(
    `select b at time zone $4 as start, (b + ('1 ' || $3)::interval) at time zone $4 as "end"
     from generate_series(
       date_trunc($3, $1::timestamptz at time zone $4),
       date_trunc($3, ($2::timestamptz - interval '1 millisecond') at time zone $4),
       ('1 ' || $3)::interval) as b
     order by b`,
    [scope.from, scope.to, query.interval, query.timezone],
  );
  const starts = bucketRows.map((row) => new Date(row.start));
  const where = new Where(projectId, scope, query, range);
  const startsParam = where.param(startsArray(starts));
  const segmentFiltered = hasSegmentFilter(query);
  const previousRange = { from: new Date(scope.from.getTime() - spanMs), to: scope.from };
  const [histogramRows, shownByBucket, previousCounts, previousShown] = await Promise.all([
    database.query<{ bucket: number; score: number; n: number }>(
      `select width_bucket(r.submitted_at, ${startsParam}::timestamptz[]) as bucket, r.score, count(*)::int as n
       ${fromResponses(Boolean(query.trait))} where ${where.sql} group by 1, 2`,
      where.params,
    ),
    segmentFiltered ? null : shownEvents(database, projectId, scope, range, starts),
    totalHistogram(database, projectId, scope, query, previousRange),
    segmentFiltered ? null : shownEvents(database, projectId, scope, previousRange),
  ]);

  const countsByBucket = new Map<number, Record<number, number>>();
  const totalCounts: Record<number, number> = {};
  for (const row of histogramRows) {
    const bucket = Number(row.bucket);
    const counts = countsByBucket.get(bucket) ?? {};
    counts[row.score] = (counts[row.score] ?? 0) + row.n;
    countsByBucket.set(bucket, counts);
    totalCounts[row.score] = (totalCounts[row.score] ?? 0) + row.n;
  }

  let before = scoreSummary(scope.kind, {});
  const buckets = bucketRows.map((row, index) => {
    const counts = countsByBucket.get(index + 1) ?? {};
    const summary = scoreSummary(scope.kind, counts);
    const change = compareScores(before, summary);
    before = summary;
    return {
      start: new Date(row.start).toISOString(),
      end: new Date(row.end).toISOString(),
      ...stats(scope.kind, counts, shownByBucket ? (shownByBucket.get(index + 1) ?? 0) : null),
      change,
    };
  });

  const totalShown = shownByBucket ? [...shownByBucket.values()].reduce((a, b) => a + b, 0) : null;
  return {
    kind: scope.kind,
    surveyId: scope.surveyId,
    interval: query.interval,
    timezone: query.timezone,
    from: scope.from.toISOString(),
    to: scope.to.toISOString(),
    total: stats(scope.kind, totalCounts, totalShown),
    previous: stats(scope.kind, previousCounts, previousShown ? (previousShown.get(0) ?? 0) : null),
    change: compareScores(scoreSummary(scope.kind, previousCounts), scoreSummary(scope.kind, totalCounts)),
    buckets,
  };
}

const dimensions = {
  // The page without its query string or fragment.
  page: `split_part(split_part(r.url, '#', 1), '?', 1)`,
  locale: 'r.locale',
  trait: null,
} as const;

/** GET /v1/metrics/segments: the score of the largest segments by page, locale or trait. */
export async function computeSegments(
  database: Database,
  projectId: string,
  query: SegmentsQuery,
): Promise<Segments> {
  if (query.by === 'trait' && !query.traitKey) {
    throw new ValidationError([{ path: 'traitKey', message: 'is required with by=trait' }]);
  }
  const scope = await resolveScope(database, projectId, query, defaultSpanDays.month);
  const where = new Where(projectId, scope, query, { from: scope.from, to: scope.to });
  const dimension =
    query.by === 'trait' ? `rs.traits ->> ${where.param(query.traitKey)}` : dimensions[query.by];
  const limit = where.param(query.limit);
  const rows = await database.query<{ value: string | null; score: number; n: number }>(
    // One scan: counts per (value, score), each value's total by a window, the top values kept.
    `select value, score, n from (
       select value, score, n, dense_rank() over (order by total desc, value nulls last) as rank from (
         select value, score, n, sum(n) over (partition by value) as total from (
           select ${dimension} as value, r.score, count(*)::int as n
           ${fromResponses(query.by === 'trait' || Boolean(query.trait))} where ${where.sql}
           group by 1, 2) as counted) as totalled) as ranked
     where rank <= ${limit}`,
    where.params,
  );
  const byValue = new Map<string | null, Record<number, number>>();
  for (const row of rows) {
    const counts = byValue.get(row.value) ?? {};
    counts[row.score] = row.n;
    byValue.set(row.value, counts);
  }
  const segments = [...byValue.entries()]
    .map(([value, counts]) => {
      const { shown: _shown, responseRate: _rate, ...rest } = stats(scope.kind, counts, null);
      return { value, ...rest };
    })
    .sort((a, b) => b.n - a.n || String(a.value).localeCompare(String(b.value)));
  return { kind: scope.kind, by: query.by, segments };
}
