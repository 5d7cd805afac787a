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
import { and, eq, type SQL, sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import type { Database } from '../db/client.ts';
import { instantsArray, selectRows } from '../db/rows.ts';
import { respondents, responses, surveys } from '../db/schema/index.ts';
import { assertTimeRange, Errors, ValidationError } from '../errors.ts';
import { rollupHistogram, rollupShown } from './metrics-rollups.ts';
import { databaseTimeZone } from './time-zones.ts';

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
  /** The time zone as the database spells it. */
  timezone: string;
}

const r = alias(responses, 'r');
const rs = alias(respondents, 'rs');

/** The WHERE conditions on responses `r` (and respondents `rs` when a trait is filtered). */
function whereResponses(
  projectId: string,
  scope: Scope,
  filter: Filter,
  range: { from: Date; to: Date },
): SQL {
  const conditions = [
    sql`${r.projectId} = ${projectId}`,
    // Responses over the counted budget are stored, but count only once staff accept them.
    sql`not ${r.quarantined}`,
    scope.surveyId ? sql`${r.surveyId} = ${scope.surveyId}` : sql`${r.kind} = ${scope.kind}`,
    sql`${r.submittedAt} >= ${range.from.toISOString()}`,
    sql`${r.submittedAt} < ${range.to.toISOString()}`,
  ];
  if (filter.urlPrefix) {
    const pattern = `${filter.urlPrefix.replace(/[\\%_]/g, '\\$&')}%`;
    conditions.push(sql`${r.url} like ${pattern} escape '\\'`);
  }
  if (filter.locale) conditions.push(sql`lower(${r.locale}) = lower(${filter.locale})`);
  if (filter.trait) {
    const separator = filter.trait.indexOf('=');
    conditions.push(
      sql`${rs.traits} ->> ${filter.trait.slice(0, separator)} = ${filter.trait.slice(separator + 1)}`,
    );
  }
  return sql.join(conditions, sql` and `);
}

const hasSegmentFilter = (filter: Filter) => Boolean(filter.urlPrefix || filter.locale || filter.trait);

/** The FROM clause; respondents are joined only when a trait is filtered or grouped on. */
const fromResponses = (withRespondents: boolean) =>
  withRespondents
    ? sql`from ${responses} ${r} left join ${respondents} ${rs} on ${rs.projectId} = ${r.projectId} and ${rs.id} = ${r.respondentId}`
    : sql`from ${responses} ${r}`;

async function resolveScope(
  database: Database,
  projectId: string,
  filter: Filter,
  span: number,
): Promise<Scope> {
  const timezone = await databaseTimeZone(database.db, filter.timezone);
  let kind = filter.kind;
  if (filter.surveyId) {
    const [survey] = await database.db
      .select({ kind: surveys.kind })
      .from(surveys)
      .where(and(eq(surveys.projectId, projectId), eq(surveys.id, filter.surveyId)));
    if (!survey) throw new Errors.NotFound(`No survey ${filter.surveyId} in this project`);
    if (kind && kind !== survey.kind) {
      throw new ValidationError([{ path: 'kind', message: `the survey is ${survey.kind}, not ${kind}` }]);
    }
    kind = survey.kind;
  }
  if (!kind) throw new ValidationError([{ path: 'surveyId', message: 'give a surveyId or a kind' }]);
  const to = filter.to ? new Date(filter.to) : new Date();
  const from = filter.from ? new Date(filter.from) : new Date(to.getTime() - span * 86_400_000);
  assertTimeRange(from, to);
  return { kind, surveyId: filter.surveyId ?? null, from, to, timezone };
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
  const rows = await selectRows<{ score: number; n: number }>(
    database.db,
    sql`select ${r.score}, count(*)::int as n ${fromResponses(Boolean(filter.trait))}
        where ${whereResponses(projectId, scope, filter, range)} group by ${r.score}`,
  );
  return Object.fromEntries(rows.map((row) => [row.score, row.n])) as Histogram;
}

/**
 * The instants where buckets start, in order, and the end of the last one (epoch milliseconds):
 * local midnight (day), Monday (week) or the 1st (month) in the time zone, from the bucket holding
 * `from` to the one holding the last millisecond before `to`.
 *
 * Postgres turns a local time into an instant with `at time zone`, which picks the later instant
 * when the local time happens twice (a DST change at midnight, as in Atlantic/Azores or
 * America/Havana). A day starts at the first midnight, so the earlier instant is taken: the local
 * time minus the offset in force a day before, when that reads back as the same local time. A
 * local midnight that does not exist (clocks jump forward at midnight) becomes the instant of the
 * jump, which is where that day starts.
 */
async function bucketBoundaries(
  database: Database,
  scope: Scope,
  interval: MetricsQuery['interval'],
): Promise<number[]> {
  const from = scope.from.toISOString();
  const to = scope.to.toISOString();
  const zone = scope.timezone;
  const rows = await selectRows<{ at: number }>(
    database.db,
    sql`with local_starts as (
       select b from generate_series(
         date_trunc(${interval}, ${from}::timestamptz at time zone ${zone}),
         date_trunc(${interval}, (${to}::timestamptz - interval '1 millisecond') at time zone ${zone}) + ('1 ' || ${interval})::interval,
         ('1 ' || ${interval})::interval) as b
     ), later as (
       select b, b at time zone ${zone} as t from local_starts
     ), earlier as (
       select b, t,
         (b - ((t - interval '1 day') at time zone ${zone} - (t - interval '1 day') at time zone 'UTC'))
           at time zone 'UTC' as e
       from later
     )
     select (extract(epoch from case when e < t and e at time zone ${zone} = b then e else t end) * 1000)::float8 as at
     from earlier order by b`,
  );
  return rows.map((row) => Number(row.at));
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
  const boundaries = await bucketBoundaries(database, scope, query.interval);
  // Each bucket is clipped to the range: the first starts at `from`, the last ends at `to`.
  const clip = (time: number) => new Date(Math.min(Math.max(time, scope.from.getTime()), scope.to.getTime()));
  const starts = boundaries.slice(0, -1).map(clip);
  const ends = boundaries.slice(1).map(clip);
  const segmentFiltered = hasSegmentFilter(query);
  const previousRange = { from: new Date(scope.from.getTime() - spanMs), to: scope.from };
  const rollups = { projectId, surveyId: scope.surveyId, kind: scope.kind };
  const previousBucket = { starts: [previousRange.from], ends: [previousRange.to] };
  // Without segment filters everything comes from the roll-ups (services/metrics-rollups.ts).
  // Segment filters read the rows: one pass, each row put in its bucket by comparing instants
  // (width_bucket), which the planner can run as a sequential scan.
  const [histogramRows, shownByBucket, previousCounts, previousShown] = await Promise.all([
    segmentFiltered
      ? selectRows<{ bucket: number; score: number; n: number }>(
          database.db,
          sql`select width_bucket(${r.submittedAt}, ${instantsArray(starts)}::timestamptz[]) as bucket, ${r.score}, count(*)::int as n
              ${fromResponses(Boolean(query.trait))} where ${whereResponses(projectId, scope, query, range)} group by 1, 2`,
        )
      : rollupHistogram(database, rollups, { starts, ends }),
    segmentFiltered ? null : rollupShown(database, rollups, { starts, ends }),
    segmentFiltered
      ? totalHistogram(database, projectId, scope, query, previousRange)
      : rollupHistogram(database, rollups, previousBucket).then(
          (rows) => Object.fromEntries(rows.map((row) => [row.score, row.n])) as Histogram,
        ),
    segmentFiltered ? null : rollupShown(database, rollups, previousBucket),
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
  const buckets = starts.map((start, index) => {
    const counts = countsByBucket.get(index + 1) ?? {};
    const summary = scoreSummary(scope.kind, counts);
    const change = compareScores(before, summary);
    before = summary;
    return {
      start: start.toISOString(),
      end: ends[index]!.toISOString(),
      ...stats(scope.kind, counts, shownByBucket ? (shownByBucket.get(index + 1) ?? 0) : null),
      change,
    };
  });

  const totalShown = shownByBucket ? [...shownByBucket.values()].reduce((a, b) => a + b, 0) : null;
  return {
    kind: scope.kind,
    surveyId: scope.surveyId,
    interval: query.interval,
    timezone: scope.timezone,
    from: scope.from.toISOString(),
    to: scope.to.toISOString(),
    total: stats(scope.kind, totalCounts, totalShown),
    previous: stats(scope.kind, previousCounts, previousShown ? (previousShown.get(1) ?? 0) : null),
    change: compareScores(scoreSummary(scope.kind, previousCounts), scoreSummary(scope.kind, totalCounts)),
    buckets,
  };
}

const dimensions = {
  // The page without its query string or fragment.
  page: sql`split_part(split_part(${r.url}, '#', 1), '?', 1)`,
  // Locales are compared without case (as the locale filter does), so `en` and `EN` are one.
  locale: sql`lower(${r.locale})`,
  trait: null,
};

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
  const where = whereResponses(projectId, scope, query, { from: scope.from, to: scope.to });
  const dimension = query.by === 'trait' ? sql`${rs.traits} ->> ${query.traitKey}` : dimensions[query.by];
  const rows = await selectRows<{ value: string | null; score: number; n: number }>(
    database.db,
    // One scan: counts per (value, score), each value's total by a window, the top values kept.
    sql`select value, score, n from (
       select value, score, n, dense_rank() over (order by total desc, value nulls last) as rank from (
         select value, score, n, sum(n) over (partition by value) as total from (
           select ${dimension} as value, ${r.score}, count(*)::int as n
           ${fromResponses(query.by === 'trait' || Boolean(query.trait))} where ${where}
           group by 1, 2) as counted) as totalled) as ranked
     where rank <= ${query.limit}`,
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
