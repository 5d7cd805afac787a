/**
 * Headline metrics from the roll-ups (`response_rollups`, `event_rollups`: per survey and
 * 15-minute slot; and the same per UTC hour and UTC day in the `_hours` and `_days` tables), so
 * their cost grows with the days in range and the hours at bucket edges, not with the responses.
 *
 * A bucket [start, end) is split into the whole UTC days it holds (read from the day roll-ups),
 * the whole hours in what is left at either end (hour roll-ups), the whole quarter hours left
 * after that (quarter-hour roll-ups), and what is left at its edges (the rows): only the range's
 * own `from` and `to` are ever off a quarter hour (every day, week and month boundary of every time
 * zone in use falls on one), so at most two short row ranges are read per query. A bucket in
 * Berlin (midnight at 22:00 or 23:00 UTC) reads hours at its ends and days in between; one in a
 * zone 30 or 45 minutes off the hour reads quarter hours at the very ends. A bound closer to the
 * slot boundary outside it reads the whole slot and takes the part outside away (see `split`).
 */
import type { SurveyKind } from '@closeloop/shared';
import { type SQL, sql } from 'drizzle-orm';
import { type AnyPgColumn, alias } from 'drizzle-orm/pg-core';
import type { Database } from '../db/client.ts';
import { instantsArray, selectRows } from '../db/rows.ts';
import {
  eventRollups,
  eventRollupsDays,
  eventRollupsHours,
  events,
  responseRollups,
  responseRollupsDays,
  responseRollupsHours,
  responses,
  surveys,
} from '../db/schema/index.ts';

/** The roll-up levels, coarsest first: the step of each in milliseconds (all aligned on UTC). */
const levelSteps = [86_400_000, 3_600_000, 15 * 60_000] as const;
type Level = 0 | 1 | 2;

export interface RollupScope {
  projectId: string;
  /** One survey, or every survey of `kind` when null. */
  surveyId: string | null;
  kind: SurveyKind;
}

export interface BucketRanges {
  starts: Date[];
  ends: Date[];
}

interface IndexedRanges extends BucketRanges {
  /** The bucket (1-based) each range belongs to. */
  index: number[];
  /** Whether the range's counts are added to its bucket (1) or taken away (−1). */
  sign: number[];
}

const noRanges = (): IndexedRanges => ({ starts: [], ends: [], index: [], sign: [] });

const quarterMs = levelSteps[2];
/** Whole slots read around a bound stay within the instants Postgres and the API write. */
const outwardLimits = { min: Date.parse('1000-01-01T00:00:00Z'), max: Date.parse('9999-12-31T00:00:00Z') };

/**
 * Splits buckets into the whole slots of each level they hold (days, then hours, then quarter
 * hours of what is left at the ends) and the row ranges at their edges.
 *
 * A bound on a quarter hour that lies closer to the slot boundary outside it than to the one
 * inside takes the whole slot around it and takes away the part outside (read from the finer
 * levels with the sign turned): a Berlin day [23:00, 23:00) is the hour before UTC midnight, one
 * UTC day, minus that day's last hour — three slots per score instead of 24. Only the range's own
 * `from` and `to` can be off a quarter hour, and those are always read inward, so what is taken
 * away never reaches the rows.
 */
function split(buckets: BucketRanges) {
  const levels: [IndexedRanges, IndexedRanges, IndexedRanges] = [noRanges(), noRanges(), noRanges()];
  const edges = noRanges();
  const add = (target: IndexedRanges, start: number, end: number, index: number, sign: number) => {
    if (start >= end) return;
    target.starts.push(new Date(start));
    target.ends.push(new Date(end));
    target.index.push(index);
    target.sign.push(sign);
  };
  const outwardOk = (bound: number, around: number) =>
    bound % quarterMs === 0 && around >= outwardLimits.min && around <= outwardLimits.max;
  const place = (start: number, end: number, level: number, index: number, sign: number) => {
    if (start >= end) return;
    if (level === levelSteps.length) {
      add(edges, start, end, index, sign);
      return;
    }
    const step = levelSteps[level as Level];
    const first = Math.ceil(start / step) * step;
    const last = Math.floor(end / step) * step;
    const below = Math.floor(start / step) * step;
    const above = Math.ceil(end / step) * step;
    const from = outwardOk(start, below) && start - below < first - start ? below : first;
    const to = outwardOk(end, above) && above - end < end - last ? above : last;
    if (from >= to) {
      place(start, end, level + 1, index, sign);
      return;
    }
    add(levels[level as Level], from, to, index, sign);
    if (from < start) place(from, start, level + 1, index, -sign);
    else place(start, from, level + 1, index, sign);
    if (to > end) place(end, to, level + 1, index, -sign);
    else place(to, end, level + 1, index, sign);
  };
  buckets.starts.forEach((startDate, i) => {
    place(startDate.getTime(), buckets.ends[i]!.getTime(), 0, i + 1, 1);
  });
  return { levels, edges };
}

/** Ranges as rows b(s, e, i, g): start, end, bucket index and sign. */
const bucketRows = (ranges: IndexedRanges) =>
  sql`unnest(${instantsArray(ranges.starts)}::timestamptz[], ${instantsArray(ranges.ends)}::timestamptz[], ${`{${ranges.index.join(',')}}`}::int[], ${`{${ranges.sign.join(',')}}`}::int[]) as b(s, e, i, g)`;

/** Which surveys, by their id column. */
const surveysOf = (scope: RollupScope, column: AnyPgColumn) =>
  scope.surveyId
    ? sql`${column} = ${scope.surveyId}::uuid`
    : sql`${column} in (select ${surveys.id} from ${surveys} where ${surveys.projectId} = ${scope.projectId} and ${surveys.kind} = ${scope.kind})`;

/**
 * Reads buckets in one statement: `slots` over the rows b(s, e, i, g) of whole slots of each level
 * (from that level's roll-up: days, hours, quarter hours) and `edges` over the rows of the edge
 * ranges (from the raw table), joined with `union all` — one round trip however many levels a
 * range needs.
 */
async function readSlotsAndEdges<Row>(
  database: Database,
  buckets: BucketRanges,
  queries: { slots: (level: Level, ranges: SQL) => SQL; edges: (ranges: SQL) => SQL },
): Promise<Row[]> {
  const { levels, edges } = split(buckets);
  const parts = [
    ...levels.map((ranges, level) =>
      ranges.starts.length === 0 ? undefined : queries.slots(level as Level, bucketRows(ranges)),
    ),
    edges.starts.length === 0 ? undefined : queries.edges(bucketRows(edges)),
  ].filter((part): part is SQL => part !== undefined);
  if (parts.length === 0) return [];
  return selectRows<Row>(
    database.db,
    sql.join(
      parts.map((part) => sql`(${part})`),
      sql` union all `,
    ),
  );
}

/** Each level's roll-up table and its alias `t`, in the order of `levelSteps`. */
const responseLevels = [
  { table: responseRollupsDays, t: alias(responseRollupsDays, 't') },
  { table: responseRollupsHours, t: alias(responseRollupsHours, 't') },
  { table: responseRollups, t: alias(responseRollups, 't') },
] as const;
const eventLevels = [
  { table: eventRollupsDays, t: alias(eventRollupsDays, 't') },
  { table: eventRollupsHours, t: alias(eventRollupsHours, 't') },
  { table: eventRollups, t: alias(eventRollups, 't') },
] as const;
const r = alias(responses, 'r');
const e = alias(events, 'e');

/** Score counts per bucket (1-based index) and score, one row for each. */
export async function rollupHistogram(
  database: Database,
  scope: RollupScope,
  buckets: BucketRanges,
): Promise<{ bucket: number; score: number; n: number }[]> {
  const rows = await readSlotsAndEdges<{ bucket: number; score: number; n: number }>(database, buckets, {
    slots: (level, ranges) => {
      const { table, t } = responseLevels[level];
      return sql`select b.i as bucket, c.score, c.n * b.g as n from ${ranges}
      cross join lateral (
        select ${t.score}, sum(${t.responses})::int as n from ${table} ${t}
        where ${t.projectId} = ${scope.projectId} and ${surveysOf(scope, t.surveyId)} and ${t.slot} >= b.s and ${t.slot} < b.e
        group by ${t.score}) as c`;
    },
    edges: (ranges) => sql`select b.i as bucket, c.score, c.n * b.g as n from ${ranges}
      cross join lateral (
        select ${r.score}, count(*)::int as n from ${responses} ${r}
        where ${r.projectId} = ${scope.projectId} and ${scope.surveyId ? sql`${r.surveyId} = ${scope.surveyId}::uuid` : sql`${r.kind} = ${scope.kind}`}
          and ${r.submittedAt} >= b.s and ${r.submittedAt} < b.e and not ${r.quarantined}
        group by ${r.score}) as c`,
  });
  // A bucket's levels and edges each give a row per score: one row per bucket and score.
  const counts = new Map<string, { bucket: number; score: number; n: number }>();
  for (const row of rows) {
    const key = `${row.bucket} ${row.score}`;
    const count = counts.get(key) ?? { bucket: Number(row.bucket), score: Number(row.score), n: 0 };
    count.n += Number(row.n);
    counts.set(key, count);
  }
  return [...counts.values()].filter((row) => row.n !== 0);
}

/** Shown impressions per bucket (1-based index). */
export async function rollupShown(
  database: Database,
  scope: RollupScope,
  buckets: BucketRanges,
): Promise<Map<number, number>> {
  const rows = await readSlotsAndEdges<{ bucket: number; n: number }>(database, buckets, {
    slots: (level, ranges) => {
      const { table, t } = eventLevels[level];
      return sql`select b.i as bucket,
        b.g * (select coalesce(sum(${t.shown}), 0)::int from ${table} ${t}
         where ${t.projectId} = ${scope.projectId} and ${surveysOf(scope, t.surveyId)} and ${t.slot} >= b.s and ${t.slot} < b.e) as n
      from ${ranges}`;
    },
    edges: (ranges) => sql`select b.i as bucket,
        b.g * (select count(*)::int from ${events} ${e}
         where ${e.projectId} = ${scope.projectId} and ${surveysOf(scope, e.surveyId)} and ${e.type} = 'shown'
           and ${e.at} >= b.s and ${e.at} < b.e) as n
      from ${ranges}`,
  });
  const shown = new Map<number, number>();
  for (const row of rows) shown.set(Number(row.bucket), (shown.get(Number(row.bucket)) ?? 0) + Number(row.n));
  return shown;
}
