import type { ResponseListQuery, ResponseRecord } from '@closeloop/shared';
import { and, asc, desc, eq, gte, ilike, inArray, isNull, lt, lte, type SQL, sql } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { respondents, responses, type Traits } from '../db/schema/index.ts';
import { assertTimeRange, Errors, ValidationError } from '../errors.ts';
import { decodeCursor, decodeDueCursor, encodeCursor, encodeDueCursor } from './cursor.ts';

const recordColumns = {
  response: responses,
  respondent: {
    externalId: respondents.externalId,
    email: respondents.email,
    traits: respondents.traits,
    verified: respondents.verified,
  },
};

type RecordRow = {
  response: typeof responses.$inferSelect;
  respondent: {
    externalId: string | null;
    email: string | null;
    traits: Record<string, unknown>;
    verified: boolean;
  } | null;
};

const iso = (date: Date | null) => (date ? date.toISOString() : null);

/** A stored response as the API returns it. */
export function toResponseRecord({ response, respondent }: RecordRow): ResponseRecord {
  return {
    id: response.id,
    surveyId: response.surveyId,
    kind: response.kind,
    score: response.score,
    comment: response.comment,
    respondent: respondent
      ? {
          externalId: respondent.externalId,
          email: respondent.email,
          traits: respondent.traits as Traits,
          verified: respondent.verified,
        }
      : null,
    identity: response.identity,
    claimedRespondent: response.claimedRespondent ?? null,
    quarantined: response.quarantined,
    context: response.context,
    submittedAt: response.submittedAt.toISOString(),
    receivedAt: response.receivedAt.toISOString(),
    updatedAt: response.updatedAt.toISOString(),
    followUp: {
      status: response.followUpStatus,
      assigneeId: response.assigneeId,
      dueAt: iso(response.dueAt),
      resolvedAt: iso(response.resolvedAt),
      tags: response.tags,
    },
  };
}

/** Responses joined with their respondents, ready for `toResponseRecord`. */
export function selectRecords(db: Db) {
  return db
    .select(recordColumns)
    .from(responses)
    .leftJoin(
      respondents,
      and(eq(respondents.projectId, responses.projectId), eq(respondents.id, responses.respondentId)),
    );
}

/** Escapes LIKE wildcards so `q` matches literally. */
function likePattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (char) => `\\${char}`)}%`;
}

/** The WHERE conditions of a response filter (shared by the list and the export). */
export function responseFilters(
  projectId: string,
  query: Omit<ResponseListQuery, 'limit' | 'cursor' | 'queue'> & Pick<Partial<ResponseListQuery>, 'queue'>,
  /** The signed-in staff user, for `assignee=me` and `queue=mine`. */
  viewerUserId?: string | null,
): SQL[] {
  if (query.from && query.to) assertTimeRange(new Date(query.from), new Date(query.to));
  if (query.minScore !== undefined && query.maxScore !== undefined && query.minScore > query.maxScore)
    throw new ValidationError([{ path: 'minScore', message: 'must be at most maxScore' }]);
  const conditions: SQL[] = [eq(responses.projectId, projectId)];
  if (query.surveyId) conditions.push(eq(responses.surveyId, query.surveyId));
  if (query.kind) conditions.push(eq(responses.kind, query.kind));
  if (query.minScore !== undefined) conditions.push(gte(responses.score, query.minScore));
  if (query.maxScore !== undefined) conditions.push(lte(responses.score, query.maxScore));
  if (query.status) conditions.push(eq(responses.followUpStatus, query.status));
  if (query.assignee === 'me' || query.queue === 'mine') {
    if (!viewerUserId) {
      const path = query.queue === 'mine' ? 'queue' : 'assignee';
      throw new ValidationError([{ path, message: '"me"/"mine" needs a staff session; give a user id' }]);
    }
    conditions.push(eq(responses.assigneeId, viewerUserId));
  }
  if (query.queue && query.queue !== 'all' && query.queue !== 'resolved') {
    conditions.push(inArray(responses.followUpStatus, ['open', 'in_progress']));
    if (query.queue === 'overdue') conditions.push(lt(responses.dueAt, sql`now()`));
  }
  if (query.queue === 'resolved') conditions.push(eq(responses.followUpStatus, 'resolved'));
  if (query.assignee === 'none') conditions.push(isNull(responses.assigneeId));
  else if (query.assignee && query.assignee !== 'me')
    conditions.push(eq(responses.assigneeId, query.assignee));
  // Tags are stored in lower case, so the filter is case-insensitive.
  const tag = query.tag?.trim().toLowerCase();
  if (tag) conditions.push(sql`${responses.tags} @> array[${tag}]::text[]`);
  if (query.from) conditions.push(gte(responses.submittedAt, new Date(query.from)));
  if (query.to) conditions.push(lt(responses.submittedAt, new Date(query.to)));
  if (query.q) conditions.push(ilike(responses.comment, likePattern(query.q)));
  if (query.hasComment === true) conditions.push(sql`${responses.comment} <> ''`);
  if (query.quarantined !== undefined) conditions.push(eq(responses.quarantined, query.quarantined));
  if (query.hasComment === false) conditions.push(sql`coalesce(${responses.comment}, '') = ''`);
  return conditions;
}

/** One page of responses, newest first (or by due date), with a cursor to the next page. */
export async function listResponses(
  db: Db,
  projectId: string,
  query: ResponseListQuery,
  viewerUserId?: string | null,
) {
  if (query.sort === 'due') return listByDue(db, projectId, query, viewerUserId);
  const conditions = responseFilters(projectId, query, viewerUserId);
  if (query.cursor) {
    const position = decodeCursor(query.cursor);
    // A row comparison walks the (project_id, submitted_at, id) index; an OR of the two would not.
    conditions.push(
      sql`(${responses.submittedAt}, ${responses.id}) < (${position.at.toISOString()}::timestamptz, ${position.id}::uuid)`,
    );
  }
  const rows = await selectRecords(db)
    .where(and(...conditions))
    .orderBy(desc(responses.submittedAt), desc(responses.id))
    .limit(query.limit + 1);
  const page = rows.slice(0, query.limit);
  const last = page.at(-1);
  const nextCursor =
    rows.length > query.limit && last
      ? encodeCursor({ at: last.response.submittedAt, id: last.response.id })
      : null;
  return { data: page.map((row) => toResponseRecord(row as RecordRow)), nextCursor };
}

/** The due date as sorted: none sorts after every date. */
const dueKey = sql`coalesce(${responses.dueAt}, 'infinity'::timestamptz)`;

/**
 * The triage order: the earliest due date first (so the most overdue is on top), responses without
 * a due date last, and newest first among equals. Keyset paging on (due, submitted_at, id).
 */
async function listByDue(db: Db, projectId: string, query: ResponseListQuery, viewerUserId?: string | null) {
  const conditions = responseFilters(projectId, query, viewerUserId);
  if (query.cursor) {
    const position = decodeDueCursor(query.cursor);
    const due = position.due ? sql`${position.due.toISOString()}::timestamptz` : sql`'infinity'::timestamptz`;
    conditions.push(
      sql`(${dueKey} > ${due} or (${dueKey} = ${due} and (${responses.submittedAt}, ${responses.id}) < (${position.at.toISOString()}::timestamptz, ${position.id}::uuid)))`,
    );
  }
  const rows = await selectRecords(db)
    .where(and(...conditions))
    .orderBy(asc(dueKey), desc(responses.submittedAt), desc(responses.id))
    .limit(query.limit + 1);
  const page = rows.slice(0, query.limit);
  const last = page.at(-1);
  const nextCursor =
    rows.length > query.limit && last
      ? encodeDueCursor({ at: last.response.submittedAt, id: last.response.id, due: last.response.dueAt })
      : null;
  return { data: page.map((row) => toResponseRecord(row as RecordRow)), nextCursor };
}

/** One response of a project, or undefined. */
export async function getResponse(
  db: Db,
  projectId: string,
  id: string,
): Promise<ResponseRecord | undefined> {
  const [row] = await selectRecords(db)
    .where(and(eq(responses.projectId, projectId), eq(responses.id, id)))
    .limit(1);
  return row ? toResponseRecord(row as RecordRow) : undefined;
}

/** The 404 for a response id the project does not hold. */
export const responseNotFound = (id: string) => new Errors.NotFound(`No response ${id} in this project`);

/** GET /v1/responses/:id: one response of the project, or a 404. */
export async function requireResponse(db: Db, projectId: string, id: string): Promise<ResponseRecord> {
  const response = await getResponse(db, projectId, id);
  if (!response) throw responseNotFound(id);
  return response;
}
