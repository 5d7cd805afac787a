/**
 * Retention: responses older than a project's `retentionDays` lose who gave them and what they
 * wrote — comment, respondent link (and so the traits), page URLs, notes, email messages and the
 * text of note and reply activity — while the score, survey, time and locale stay, so trends and
 * metrics stay whole. Webhook messages and staff emails about those responses are deleted, and respondents left
 * without any response too.
 */
import { and, asc, eq, inArray, isNotNull, lt, notExists, or, sql } from 'drizzle-orm';
import type { Db, Tx } from '../db/client.ts';
import { selectRows } from '../db/rows.ts';
import { projects, respondents, responseActivity, responses } from '../db/schema/index.ts';
import { recordAudit, systemActor } from './audit.ts';
import { deleteResponseCopies } from './response-copies.ts';

const dayMs = 24 * 60 * 60 * 1000;
/** Responses handled per transaction, so a first run over years of data never holds long locks. */
const batchSize = 500;
/** First key of the advisory locks that keep two processes off the same project. */
const lockSpace = 0x636c; // "cl"

export interface RetentionOutcome {
  projectId: string;
  /** Responses submitted before this lost their personal data. */
  cutoff: Date;
  responses: number;
  notes: number;
  emailMessages: number;
  respondents: number;
  /** True when another process was applying this project's retention at the same time. */
  skipped: boolean;
}

/**
 * Applies every project's retention period as of `now` (injectable so tests control the clock).
 * Every API process runs this; per project, an advisory lock lets one runner at a time do the
 * work and the others skip it.
 */
export async function applyRetention(db: Db, now: Date = new Date()): Promise<RetentionOutcome[]> {
  const configured = await db
    .select({ id: projects.id, retentionDays: projects.retentionDays })
    .from(projects)
    .where(isNotNull(projects.retentionDays))
    .orderBy(asc(projects.id));
  const outcomes: RetentionOutcome[] = [];
  for (const project of configured) {
    outcomes.push(await applyProjectRetention(db, project.id, project.retentionDays!, now));
  }
  return outcomes;
}

/** Applies one project's retention period, in batches; records one audit entry when it removed anything. */
export async function applyProjectRetention(
  db: Db,
  projectId: string,
  retentionDays: number,
  now: Date,
): Promise<RetentionOutcome> {
  const cutoff = new Date(now.getTime() - retentionDays * dayMs);
  const outcome: RetentionOutcome = {
    projectId,
    cutoff,
    responses: 0,
    notes: 0,
    emailMessages: 0,
    respondents: 0,
    skipped: false,
  };
  for (;;) {
    const batch = await db.transaction(async (tx) => {
      const rows = await selectRows<{ locked: boolean }>(
        tx,
        sql`select pg_try_advisory_xact_lock(${lockSpace}, hashtext(${projectId})) as locked`,
      );
      if (!rows[0]?.locked) return null;
      return scrubBatch(tx, projectId, cutoff);
    });
    if (!batch) {
      outcome.skipped = true;
      break;
    }
    outcome.responses += batch.responses;
    outcome.notes += batch.notes;
    outcome.emailMessages += batch.emailMessages;
    outcome.respondents += batch.respondents;
    if (batch.responses < batchSize) break;
  }
  if (outcome.responses + outcome.notes + outcome.emailMessages + outcome.respondents > 0) {
    await recordAudit(db, {
      projectId,
      actor: systemActor,
      action: 'retention.applied',
      target: null,
      detail: {
        retentionDays,
        cutoff: cutoff.toISOString(),
        rows: {
          responses: outcome.responses,
          notes: outcome.notes,
          emailMessages: outcome.emailMessages,
          respondents: outcome.respondents,
        },
      },
      at: now,
    });
  }
  return outcome;
}

async function scrubBatch(tx: Tx, projectId: string, cutoff: Date) {
  // Responses that still hold something personal. Respondents are locked before responses, the
  // order ingestion and erasure lock them in.
  const candidates = await tx
    .select({ id: responses.id, respondentId: responses.respondentId })
    .from(responses)
    .where(
      and(
        eq(responses.projectId, projectId),
        lt(responses.submittedAt, cutoff),
        or(
          isNotNull(responses.respondentId),
          isNotNull(responses.claimedRespondent),
          isNotNull(responses.comment),
          sql`${responses.url} <> ''`,
        ),
      ),
    )
    .orderBy(asc(responses.submittedAt), asc(responses.id))
    .limit(batchSize);
  if (candidates.length === 0) return { responses: 0, notes: 0, emailMessages: 0, respondents: 0 };
  const respondentIds = [
    ...new Set(candidates.flatMap((row) => (row.respondentId ? [row.respondentId] : []))),
  ];
  if (respondentIds.length > 0) {
    await tx
      .select({ id: respondents.id })
      .from(respondents)
      .where(and(eq(respondents.projectId, projectId), inArray(respondents.id, respondentIds)))
      .orderBy(asc(respondents.id))
      .for('update');
  }
  const ids = candidates.map((row) => row.id);
  const copies = await deleteResponseCopies(tx, projectId, ids);
  // The history keeps that a note was added or a reply sent, not its text or address.
  await tx
    .update(responseActivity)
    .set({ detail: sql`${responseActivity.detail} - 'excerpt' - 'to' - 'subject' - 'body'` })
    .where(
      and(
        eq(responseActivity.projectId, projectId),
        inArray(responseActivity.responseId, ids),
        inArray(responseActivity.type, ['note_added', 'reply_sent']),
      ),
    );
  await tx
    .update(responses)
    .set({
      comment: null,
      respondentId: null,
      claimedRespondent: null,
      clientHash: null,
      url: '',
      context: sql`(${responses.context} - 'url' - 'referrer') || '{"url": ""}'::jsonb`,
    })
    .where(and(eq(responses.projectId, projectId), inArray(responses.id, ids)));
  let removedRespondents = 0;
  if (respondentIds.length > 0) {
    const removed = await tx
      .delete(respondents)
      .where(
        and(
          eq(respondents.projectId, projectId),
          inArray(respondents.id, respondentIds),
          notExists(
            tx
              .select({ one: sql`1` })
              .from(responses)
              .where(and(eq(responses.projectId, projectId), eq(responses.respondentId, respondents.id))),
          ),
        ),
      )
      .returning({ id: respondents.id });
    removedRespondents = removed.length;
  }
  return {
    responses: ids.length,
    notes: copies.notes,
    emailMessages: copies.emailMessages,
    respondents: removedRespondents,
  };
}
