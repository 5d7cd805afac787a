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
import type { Database } from '../db/client.ts';

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

/** A Postgres array literal of instants. */
const instants = (values: Date[]) => `{${values.map((value) => `"${value.toISOString()}"`).join(',')}}`;

/** Splits buckets into the whole slots they hold and the row ranges at their edges. */
function split(buckets: BucketRanges) {
  const whole = { starts: [] as Date[], ends: [] as Date[], index: [] as number[] };
  const edges = { starts: [] as Date[], ends: [] as Date[], index: [] as number[] };
  const add = (target: typeof whole, start: number, end: number, index: number) => {
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

/** Buckets as rows b(s, e, i) from three array parameters $2, $3, $4. */
const bucketRows = 'unnest($2::timestamptz[], $3::timestamptz[], $4::int[]) as b(s, e, i)';

/** Which surveys: $1 = project, $5 = survey id or kind. */
const surveysOf = (scope: RollupScope, column: string) =>
  scope.surveyId
    ? `${column} = $5::uuid`
    : `${column} in (select id from surveys where project_id = $1 and kind = $5)`;

/** Score counts per bucket (1-based index) and score. */
export async function rollupHistogram(
  database: Database,
  scope: RollupScope,
  buckets: BucketRanges,
): Promise<{ bucket: number; score: number; n: number }[]> {
  const { whole, edges } = split(buckets);
  const target = scope.surveyId ?? scope.kind;
  const [fromRollups, fromRows] = await Promise.all([
    whole.starts.length === 0
      ? []
      : database.query<{ bucket: number; score: number; n: number }>(
          `select b.i as bucket, c.score, c.n from ${bucketRows}
           cross join lateral (
             select t.score, sum(t.responses)::int as n from response_rollups t
             where t.project_id = $1 and ${surveysOf(scope, 't.survey_id')} and t.slot >= b.s and t.slot < b.e
             group by t.score) as c`,
          [
            scope.projectId,
            instants(whole.starts),
            instants(whole.ends),
            `{${whole.index.join(',')}}`,
            target,
          ],
        ),
    edges.starts.length === 0
      ? []
      : database.query<{ bucket: number; score: number; n: number }>(
          `select b.i as bucket, c.score, c.n from ${bucketRows}
           cross join lateral (
             select r.score, count(*)::int as n from responses r
             where r.project_id = $1 and ${scope.surveyId ? 'r.survey_id = $5::uuid' : 'r.kind = $5'}
               and r.submitted_at >= b.s and r.submitted_at < b.e and not r.quarantined
             group by r.score) as c`,
          [
            scope.projectId,
            instants(edges.starts),
            instants(edges.ends),
            `{${edges.index.join(',')}}`,
            target,
          ],
        ),
  ]);
  return [...fromRollups, ...fromRows]
    .map((row) => ({ bucket: Number(row.bucket), score: Number(row.score), n: Number(row.n) }))
    .filter((row) => row.n !== 0);
}

/** Shown impressions per bucket (1-based index). */
export async function rollupShown(
  database: Database,
  scope: RollupScope,
  buckets: BucketRanges,
): Promise<Map<number, number>> {
  const { whole, edges } = split(buckets);
  const target = scope.surveyId ?? scope.kind;
  const [fromRollups, fromRows] = await Promise.all([
    whole.starts.length === 0
      ? []
      : database.query<{ bucket: number; n: number }>(
          `select b.i as bucket,
             (select coalesce(sum(t.shown), 0)::int from event_rollups t
              where t.project_id = $1 and ${surveysOf(scope, 't.survey_id')} and t.slot >= b.s and t.slot < b.e) as n
           from ${bucketRows}`,
          [
            scope.projectId,
            instants(whole.starts),
            instants(whole.ends),
            `{${whole.index.join(',')}}`,
            target,
          ],
        ),
    edges.starts.length === 0
      ? []
      : database.query<{ bucket: number; n: number }>(
          `select b.i as bucket,
             (select count(*)::int from events e
              where e.project_id = $1 and ${surveysOf(scope, 'e.survey_id')} and e.type = 'shown'
                and e.at >= b.s and e.at < b.e) as n
           from ${bucketRows}`,
          [
            scope.projectId,
            instants(edges.starts),
            instants(edges.ends),
            `{${edges.index.join(',')}}`,
            target,
          ],
        ),
  ]);
  const shown = new Map<number, number>();
  for (const row of [...fromRollups, ...fromRows])
    shown.set(Number(row.bucket), (shown.get(Number(row.bucket)) ?? 0) + Number(row.n));
  return shown;
}
