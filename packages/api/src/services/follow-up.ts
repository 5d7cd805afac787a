/** Working a response: follow-up changes, notes, and the respondent's other responses. */
import {
  type Activity,
  type BulkFollowUpUpdate,
  canTransition,
  type FollowUpStatus,
  type FollowUpUpdate,
  followUpTransitions,
  type Note,
  normalizeTags,
  type QueueCounts,
  type ResponseListQuery,
  type ResponseRecord,
} from '@closeloop/shared';
import { and, asc, desc, eq, inArray, ne, sql } from 'drizzle-orm';
import type { Db, Tx } from '../db/client.ts';
import { responseNotes, responses, secretKeys, staffUsers } from '../db/schema/index.ts';
import { Errors, ValidationError } from '../errors.ts';
import { type ActivityInput, actorOf, listActivity, recordActivity } from './activity.ts';
import type { Auth } from './auth.ts';
import { announce } from './live.ts';
import {
  getResponse,
  requireResponse,
  responseFilters,
  responseNotFound,
  selectRecords,
  toResponseRecord,
} from './responses.ts';
import { enqueueWebhookMessages, followUpEvents } from './webhook-outbox.ts';

/** Refuses an assignee that is not an active agent, admin or owner of the project. */
async function checkAssignee(db: Db, projectId: string, userId: string) {
  const [user] = await db
    .select({ role: staffUsers.role, deactivatedAt: staffUsers.deactivatedAt })
    .from(staffUsers)
    .where(and(eq(staffUsers.projectId, projectId), eq(staffUsers.id, userId)))
    .limit(1);
  if (!user || user.deactivatedAt) {
    throw new ValidationError([
      { path: 'assigneeId', message: 'no active staff user with this id in this project' },
    ]);
  }
  if (user.role === 'viewer') {
    throw new ValidationError([{ path: 'assigneeId', message: 'a viewer cannot own follow-ups' }]);
  }
}

const sameInstant = (a: Date | null, b: Date | null) => (a?.getTime() ?? null) === (b?.getTime() ?? null);

/**
 * Changes a response's follow-up (status, assignee, due date, tags) and records one activity
 * entry per field that changed. Status moves must follow the allowed transitions.
 */
export async function updateFollowUp(
  db: Db,
  auth: Auth,
  responseId: string,
  patch: FollowUpUpdate,
): Promise<ResponseRecord> {
  const projectId = auth.projectId;
  if (patch.assigneeId) await checkAssignee(db, projectId, patch.assigneeId);
  const changed = await db.transaction((tx) => applyFollowUpUpdate(tx, auth, responseId, () => patch));
  if (changed) announce(projectId, { type: 'updated', responseIds: [responseId] });
  const record = await getResponse(db, projectId, responseId);
  if (!record) throw responseNotFound(responseId);
  return record;
}

/** At most this many tags on one response (as tagsSchema allows in one PATCH). */
const maxTagsPerResponse = 20;

/**
 * Changes many follow-ups at once (the inbox's bulk actions), all or nothing: in one transaction,
 * rows locked in id order (so two bulk changes cannot deadlock); a response that is missing or
 * cannot make the status move rolls everything back, and the error names it. Tags are added and
 * removed rather than replaced, so each response keeps its other tags. Returns the responses as
 * they are after the change, in the order given.
 */
export async function bulkUpdateFollowUps(db: Db, auth: Auth, change: BulkFollowUpUpdate) {
  const projectId = auth.projectId;
  const { ids: given, addTags = [], removeTags = [], ...patch } = change;
  const ids = [...new Set(given.map((id) => id.toLowerCase()))];
  if (patch.assigneeId) await checkAssignee(db, projectId, patch.assigneeId);
  const removed = new Set(normalizeTags(removeTags));
  const changedIds = await db.transaction(async (tx) => {
    const changed: string[] = [];
    for (const id of [...ids].sort()) {
      try {
        const didChange = await applyFollowUpUpdate(tx, auth, id, (current) => {
          if (addTags.length === 0 && removed.size === 0) return patch;
          const tags = normalizeTags([...current.tags, ...addTags]).filter((tag) => !removed.has(tag));
          // The same limit as one response's PATCH: adding must not grow a response past it.
          if (tags.length > maxTagsPerResponse) {
            throw new ValidationError(
              [
                {
                  path: 'addTags',
                  message: `response ${id} would have ${tags.length} tags; at most ${maxTagsPerResponse}`,
                },
              ],
              `Response ${id} would have more than ${maxTagsPerResponse} tags; nothing was changed`,
            );
          }
          return { ...patch, tags };
        });
        if (didChange) changed.push(id);
      } catch (error) {
        if (error instanceof Errors.InvalidTransition) {
          throw new Errors.InvalidTransition(`Response ${id}: ${error.message}; nothing was changed`);
        }
        throw error;
      }
    }
    return changed;
  });
  announce(projectId, { type: 'updated', responseIds: changedIds });
  const records = await selectRecords(db).where(
    and(eq(responses.projectId, projectId), inArray(responses.id, ids)),
  );
  const byId = new Map(records.map((row) => [row.response.id, toResponseRecord(row as never)]));
  return ids.flatMap((id) => byId.get(id) ?? []);
}

/**
 * The change of one follow-up inside a transaction: locks the row, applies what differs from the
 * stored values, records the activity. `patchFor` sees the stored row (bulk tags add to it).
 * Returns whether anything changed.
 */
async function applyFollowUpUpdate(
  tx: Tx,
  auth: Auth,
  responseId: string,
  patchFor: (current: typeof responses.$inferSelect) => FollowUpUpdate,
): Promise<boolean> {
  const projectId = auth.projectId;
  const [current] = await tx
    .select()
    .from(responses)
    .where(and(eq(responses.projectId, projectId), eq(responses.id, responseId)))
    .for('update');
  if (!current) throw responseNotFound(responseId);
  const patch = patchFor(current);
  const actor = actorOf(auth);
  const now = new Date();
  const changes: Partial<typeof responses.$inferInsert> = {};
  const activity: ActivityInput[] = [];

  if (patch.status !== undefined && patch.status !== current.followUpStatus) {
    const from: FollowUpStatus = current.followUpStatus;
    if (!canTransition(from, patch.status)) {
      throw new Errors.InvalidTransition(
        `A follow-up cannot go from ${from} to ${patch.status}; from ${from} it can go to ${followUpTransitions[from].join(' or ')}`,
      );
    }
    changes.followUpStatus = patch.status;
    changes.resolvedAt = patch.status === 'resolved' ? now : null;
    activity.push({ responseId, type: 'status_changed', actor, detail: { from, to: patch.status } });
  }
  if (patch.assigneeId !== undefined && patch.assigneeId !== current.assigneeId) {
    changes.assigneeId = patch.assigneeId;
    activity.push({
      responseId,
      type: 'assignee_changed',
      actor,
      detail: { from: current.assigneeId, to: patch.assigneeId },
    });
  }
  if (patch.dueAt !== undefined) {
    const dueAt = patch.dueAt === null ? null : new Date(patch.dueAt);
    if (!sameInstant(dueAt, current.dueAt)) {
      changes.dueAt = dueAt;
      activity.push({
        responseId,
        type: 'due_changed',
        actor,
        detail: { from: current.dueAt?.toISOString() ?? null, to: dueAt?.toISOString() ?? null },
      });
    }
  }
  if (patch.tags !== undefined) {
    const tags = normalizeTags(patch.tags).sort();
    const before = [...current.tags].sort();
    if (tags.join('\u0000') !== before.join('\u0000')) {
      changes.tags = tags;
      activity.push({
        responseId,
        type: 'tags_changed',
        actor,
        detail: {
          added: tags.filter((tag) => !before.includes(tag)),
          removed: before.filter((tag) => !tags.includes(tag)),
        },
      });
    }
  }
  if (activity.length === 0) return false;
  await tx
    .update(responses)
    .set({ ...changes, updatedAt: now })
    .where(and(eq(responses.projectId, projectId), eq(responses.id, responseId)));
  await recordActivity(tx, projectId, activity);
  await enqueueWebhookMessages(tx, projectId, followUpEvents(responseId, changes));
  return true;
}

/** Adds an internal note to a response. */
export async function addNote(db: Db, auth: Auth, responseId: string, body: string): Promise<Note> {
  const projectId = auth.projectId;
  const note = await db.transaction(async (tx) => {
    const [exists] = await tx
      .select({ id: responses.id })
      .from(responses)
      .where(and(eq(responses.projectId, projectId), eq(responses.id, responseId)));
    if (!exists) throw responseNotFound(responseId);
    const [row] = await tx
      .insert(responseNotes)
      .values({ projectId, responseId, body, authorUserId: auth.userId, authorKeyId: auth.keyId })
      .returning();
    await recordActivity(tx, projectId, [
      {
        responseId,
        type: 'note_added',
        actor: actorOf(auth),
        detail: { noteId: row!.id, excerpt: body.length > 140 ? `${body.slice(0, 140)}…` : body },
      },
    ]);
    await enqueueWebhookMessages(tx, projectId, [
      { type: 'note.created', responseId, data: { note: toNote(row!, auth) } },
    ]);
    return row!;
  });
  return toNote(note, auth);
}

function toNote(note: typeof responseNotes.$inferSelect, auth: Auth): Note {
  return {
    id: note.id,
    responseId: note.responseId,
    body: note.body,
    author: actorOf(auth),
    createdAt: note.createdAt.toISOString(),
  };
}

/** The notes of one response (or of several), oldest first. */
export async function listNotes(db: Db, projectId: string, responseId: string | string[]): Promise<Note[]> {
  const ofResponses = Array.isArray(responseId)
    ? inArray(responseNotes.responseId, responseId)
    : eq(responseNotes.responseId, responseId);
  const rows = await db
    .select({ note: responseNotes, userName: staffUsers.name, keyName: secretKeys.name })
    .from(responseNotes)
    .leftJoin(staffUsers, eq(staffUsers.id, responseNotes.authorUserId))
    .leftJoin(secretKeys, eq(secretKeys.id, responseNotes.authorKeyId))
    .where(and(eq(responseNotes.projectId, projectId), ofResponses))
    .orderBy(asc(responseNotes.createdAt), asc(responseNotes.id));
  return rows.map(({ note, userName, keyName }) => ({
    id: note.id,
    responseId: note.responseId,
    body: note.body,
    author: note.authorUserId
      ? { kind: 'user', id: note.authorUserId, name: userName ?? 'Deleted user' }
      : { kind: 'secret_key', id: note.authorKeyId, name: `Secret key "${keyName ?? '?'}"` },
    createdAt: note.createdAt.toISOString(),
  }));
}

/** GET /v1/responses/:id/notes: a response's notes, oldest first, or a 404 without the response. */
export async function notesOfResponse(db: Db, projectId: string, responseId: string): Promise<Note[]> {
  await requireResponse(db, projectId, responseId);
  return listNotes(db, projectId, responseId);
}

/** GET /v1/responses/:id/activity: a response's activity, oldest first, or a 404 without the response. */
export async function activityOfResponse(db: Db, projectId: string, responseId: string): Promise<Activity[]> {
  await requireResponse(db, projectId, responseId);
  return listActivity(db, projectId, responseId);
}

/** The other responses of the same respondent, newest first (at most 50). */
export async function respondentHistory(db: Db, projectId: string, responseId: string) {
  const [current] = await db
    .select({ respondentId: responses.respondentId })
    .from(responses)
    .where(and(eq(responses.projectId, projectId), eq(responses.id, responseId)));
  if (!current) throw responseNotFound(responseId);
  if (!current.respondentId) return [];
  const rows = await selectRecords(db)
    .where(
      and(
        eq(responses.projectId, projectId),
        eq(responses.respondentId, current.respondentId),
        ne(responses.id, responseId),
      ),
    )
    .orderBy(desc(responses.submittedAt))
    .limit(50);
  return rows.map((row) => toResponseRecord(row));
}

/** Counts of the inbox queues under the same filters as the list (queue and assignee aside). */
export async function queueCounts(
  db: Db,
  auth: Auth,
  query: Omit<ResponseListQuery, 'limit' | 'cursor' | 'queue' | 'assignee'>,
): Promise<QueueCounts> {
  const conditions = responseFilters(auth.projectId, query);
  const unresolved = sql`${responses.followUpStatus} in ('open', 'in_progress')`;
  const [row] = await db
    .select({
      open: sql<number>`count(*) filter (where ${unresolved})`.mapWith(Number),
      mine: auth.userId
        ? sql<number>`count(*) filter (where ${unresolved} and ${responses.assigneeId} = ${auth.userId})`.mapWith(
            Number,
          )
        : sql<null>`null`,
      overdue: sql<number>`count(*) filter (where ${unresolved} and ${responses.dueAt} < now())`.mapWith(
        Number,
      ),
      resolved: sql<number>`count(*) filter (where ${responses.followUpStatus} = 'resolved')`.mapWith(Number),
      all: sql<number>`count(*)`.mapWith(Number),
    })
    .from(responses)
    .where(and(...conditions));
  return {
    open: row?.open ?? 0,
    mine: auth.userId ? (row?.mine ?? 0) : null,
    overdue: row?.overdue ?? 0,
    resolved: row?.resolved ?? 0,
    all: row?.all ?? 0,
  };
}
