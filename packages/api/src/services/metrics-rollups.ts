/**
 * Headline metrics from the roll-ups (`response_rollups`, `event_rollups`: per survey and
 * 15-minute slot), so their cost grows with the slots in range, not with the responses.
 *
 * A bucket [start, end) is read from the roll-ups for the whole slots it holds, and from the rows
 * for what is left at its edges: only the range's own `from` and `to` are ever off a slot
 * boundary (every day, week and month boundary of every time zone in use falls on a quarter hour),
 * so at most two short row ranges are read per query.
 */
import type { SurveyKind } from '@closeloop/shared';
import { type SQL, sql } from 'drizzle-orm';
import { type AnyPgColumn, alias } from 'drizzle-orm/pg-core';
import type { Database } from '../db/client.ts';
import { instantsArray, selectRows } from '../db/rows.ts';
import { eventRollups, events, responseRollups, responses, surveys } from '../db/schema/index.ts';

const slotMs = 15 * 60_000;

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
}

/** Splits buckets into the whole slots they hold and the row ranges at their edges. */
function split(buckets: BucketRanges) {
  const whole: IndexedRanges = { starts: [], ends: [], index: [] };
  const edges: IndexedRanges = { starts: [], ends: [], index: [] };
  const add = (target: IndexedRanges, start: number, end: number, index: number) => {
    if (start >= end) return;
    target.starts.push(new Date(start));
    target.ends.push(new Date(end));
    target.index.push(index);
  };
  buckets.starts.forEach((startDate, i) => {
    const start = startDate.getTime();
    const end = buckets.ends[i]!.getTime();
    const firstSlot = Math.ceil(start / slotMs) * slotMs;
    const lastSlot = Math.floor(end / slotMs) * slotMs;
    if (firstSlot >= lastSlot) {
      add(edges, start, end, i + 1);
      return;
    }
    add(edges, start, firstSlot, i + 1);
    add(whole, firstSlot, lastSlot, i + 1);
    add(edges, lastSlot, end, i + 1);
  });
  return { whole, edges };
}

/** Ranges as rows b(s, e, i): start, end and bucket index. */
const bucketRows = (ranges: IndexedRanges) =>
  sql`unnest(${instantsArray(ranges.starts)}::timestamptz[], ${instantsArray(ranges.ends)}::timestamptz[], ${`{${ranges.index.join(',')}}`}::int[]) as b(s, e, i)`;

/** Which surveys, by their id column. */
const surveysOf = (scope: RollupScope, column: AnyPgColumn) =>
  scope.surveyId
    ? sql`${column} = ${scope.surveyId}::uuid`
    : sql`${column} in (select ${surveys.id} from ${surveys} where ${surveys.projectId} = ${scope.projectId} and ${surveys.kind} = ${scope.kind})`;

/**
 * Reads buckets in two queries run together: `slots` over the rows b(s, e, i) of whole slots (from
 * a roll-up) and `edges` over the rows of the edge ranges (from the raw table).
 */
async function readSlotsAndEdges<Row>(
  database: Database,
  buckets: BucketRanges,
  queries: { slots: (ranges: SQL) => SQL; edges: (ranges: SQL) => SQL },
): Promise<Row[]> {
  const { whole, edges } = split(buckets);
  const read = (ranges: IndexedRanges, query: (ranges: SQL) => SQL) =>
    ranges.starts.length === 0 ? [] : selectRows<Row>(database.db, query(bucketRows(ranges)));
  const [fromSlots, fromEdges] = await Promise.all([read(whole, queries.slots), read(edges, queries.edges)]);
  return [...fromSlots, ...fromEdges];
}

const rr = alias(responseRollups, 't');
const er = alias(eventRollups, 't');
const r = alias(responses, 'r');
const e = alias(events, 'e');

/** Score counts per bucket (1-based index) and score. */
export async function rollupHistogram(
  database: Database,
  scope: RollupScope,
  buckets: BucketRanges,
): Promise<{ bucket: number; score: number; n: number }[]> {
  const rows = await readSlotsAndEdges<{ bucket: number; score: number; n: number }>(database, buckets, {
    slots: (ranges) => sql`select b.i as bucket, c.score, c.n from ${ranges}
      cross join lateral (
        select ${rr.score}, sum(${rr.responses})::int as n from ${responseRollups} ${rr}
        where ${rr.projectId} = ${scope.projectId} and ${surveysOf(scope, rr.surveyId)} and ${rr.slot} >= b.s and ${rr.slot} < b.e
        group by ${rr.score}) as c`,
    edges: (ranges) => sql`select b.i as bucket, c.score, c.n from ${ranges}
      cross join lateral (
        select ${r.score}, count(*)::int as n from ${responses} ${r}
        where ${r.projectId} = ${scope.projectId} and ${scope.surveyId ? sql`${r.surveyId} = ${scope.surveyId}::uuid` : sql`${r.kind} = ${scope.kind}`}
          and ${r.submittedAt} >= b.s and ${r.submittedAt} < b.e and not ${r.quarantined}
        group by ${r.score}) as c`,
  });
  return rows
    .map((row) => ({ bucket: Number(row.bucket), score: Number(row.score), n: Number(row.n) }))
    .filter((row) => row.n !== 0);
}

/** Shown impressions per bucket (1-based index). */
export async function rollupShown(
  database: Database,
  scope: RollupScope,
  buckets: BucketRanges,
): Promise<Map<number, number>> {
  const rows = await readSlotsAndEdges<{ bucket: number; n: number }>(database, buckets, {
    slots: (ranges) => sql`select b.i as bucket,
        (select coalesce(sum(${er.shown}), 0)::int from ${eventRollups} ${er}
         where ${er.projectId} = ${scope.projectId} and ${surveysOf(scope, er.surveyId)} and ${er.slot} >= b.s and ${er.slot} < b.e) as n
      from ${ranges}`,
    edges: (ranges) => sql`select b.i as bucket,
        (select count(*)::int from ${events} ${e}
         where ${e.projectId} = ${scope.projectId} and ${surveysOf(scope, e.surveyId)} and ${e.type} = 'shown'
           and ${e.at} >= b.s and ${e.at} < b.e) as n
      from ${ranges}`,
  });
  const shown = new Map<number, number>();
  for (const row of rows) shown.set(Number(row.bucket), (shown.get(Number(row.bucket)) ?? 0) + Number(row.n));
  return shown;
}
