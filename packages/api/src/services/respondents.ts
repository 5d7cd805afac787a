/** Privacy requests about one person: export everything stored about them, or erase it. */
import type { EmailMessage, RespondentData } from '@closeloop/shared';
import { and, asc, eq, inArray, isNull, or, type SQL, sql } from 'drizzle-orm';
import type { Db, Tx } from '../db/client.ts';
import {
  emailMessages,
  respondents,
  responseActivity,
  responses,
  webhookMessages,
} from '../db/schema/index.ts';
import { Errors } from '../errors.ts';
import { listActivity } from './activity.ts';
import { type AuditActor, recordAudit } from './audit.ts';
import { listNotes } from './follow-up.ts';
import { deleteResponseCopies } from './response-copies.ts';
import { selectRecords, toResponseRecord } from './responses.ts';

/** How a privacy request names the person: the site's own user id, or an email address. */
export type RespondentLookup = { externalId: string } | { email: string };

const describe = (lookup: RespondentLookup) =>
  'externalId' in lookup ? 'with this external id' : 'with this email address';

function lookupCondition(projectId: string, lookup: RespondentLookup): SQL {
  return and(
    eq(respondents.projectId, projectId),
    'externalId' in lookup
      ? eq(respondents.externalId, lookup.externalId)
      : // Every respondent with the address, whatever its letter case (an identified one too).
        sql`lower(${respondents.email}) = ${lookup.email.toLowerCase()}`,
  )!;
}

/** Responses that only claimed the person's identity (unsigned), kept on the response alone. */
function claimCondition(projectId: string, lookup: RespondentLookup): SQL {
  return and(
    eq(responses.projectId, projectId),
    isNull(responses.respondentId),
    'externalId' in lookup
      ? sql`${responses.claimedRespondent} ->> 'externalId' = ${lookup.externalId}`
      : sql`lower(${responses.claimedRespondent} ->> 'email') = ${lookup.email.toLowerCase()}`,
  )!;
}

/** What an erasure removed, per table: the audit entry records these counts and nothing else. */
export interface ErasureCounts {
  respondents: number;
  responses: number;
  notes: number;
  emailMessages: number;
  activity: number;
  /** Webhook messages about their responses, queued or delivered (with their attempts). */
  webhookMessages: number;
  /** Emails to staff that name their responses, queued or sent. */
  staffEmails: number;
}

/** Deletes the activity of responses and every copy of their content, counting each. */
async function deleteResponseDependents(tx: Tx, projectId: string, responseIds: string[]) {
  const copies = await deleteResponseCopies(tx, projectId, responseIds);
  const activity = responseIds.length
    ? await tx
        .delete(responseActivity)
        .where(
          and(eq(responseActivity.projectId, projectId), inArray(responseActivity.responseId, responseIds)),
        )
        .returning({ id: responseActivity.id })
    : [];
  return { ...copies, activity: activity.length };
}

/**
 * Everything stored about the respondents a lookup names (one for an external id; every one with
 * the address for an email), oldest response first. 404 when there is none. Records the export
 * in the audit log (how many respondents and responses, not who).
 */
export async function exportRespondents(
  db: Db,
  projectId: string,
  lookup: RespondentLookup,
  actor: AuditActor,
): Promise<RespondentData[]> {
  const found = await db
    .select()
    .from(respondents)
    .where(lookupCondition(projectId, lookup))
    .orderBy(asc(respondents.createdAt), asc(respondents.id));
  const claimed = await selectRecords(db)
    .where(claimCondition(projectId, lookup))
    .orderBy(asc(responses.submittedAt), asc(responses.id));
  if (found.length === 0 && claimed.length === 0) {
    throw new Errors.NotFound(`No respondent ${describe(lookup)} in this project`);
  }

  const stored = found.length
    ? await selectRecords(db)
        .where(
          and(
            eq(responses.projectId, projectId),
            inArray(
              responses.respondentId,
              found.map((row) => row.id),
            ),
          ),
        )
        .orderBy(asc(responses.submittedAt), asc(responses.id))
    : [];
  const records = [...stored, ...claimed];
  const responseIds = records.map((row) => row.response.id);
  const [notes, messages, activity, webhook] = responseIds.length
    ? await Promise.all([
        listNotes(db, projectId, responseIds),
        messagesOf(db, projectId, responseIds),
        listActivity(db, projectId, responseIds),
        webhookMessagesOf(db, projectId, responseIds),
      ])
    : [[], [], [], []];

  const result: RespondentData[] = found.map((respondent) => {
    const own = new Set(
      records.filter((row) => row.response.respondentId === respondent.id).map((row) => row.response.id),
    );
    return {
      id: respondent.id,
      externalId: respondent.externalId,
      email: respondent.email,
      traits: respondent.traits,
      verified: respondent.verified,
      createdAt: respondent.createdAt.toISOString(),
      updatedAt: respondent.updatedAt.toISOString(),
      responses: records.filter((row) => own.has(row.response.id)).map((row) => toResponseRecord(row)),
      notes: notes.filter((note) => own.has(note.responseId)),
      emailMessages: messages.filter((message) => own.has(message.responseId)),
      activity: activity.filter((entry) => own.has(entry.responseId)),
      webhookMessages: webhook.filter((message) => own.has(message.responseId)),
    };
  });
  if (claimed.length > 0) {
    // Unsigned claims of this identity: no stored respondent, the responses carry it alone.
    const own = new Set(claimed.map((row) => row.response.id));
    result.push({
      id: null,
      externalId: 'externalId' in lookup ? lookup.externalId : null,
      email: 'email' in lookup ? lookup.email : null,
      traits: {},
      verified: false,
      createdAt: claimed[0]!.response.receivedAt.toISOString(),
      updatedAt: claimed.at(-1)!.response.receivedAt.toISOString(),
      responses: claimed.map((row) => toResponseRecord(row)),
      notes: notes.filter((note) => own.has(note.responseId)),
      emailMessages: messages.filter((message) => own.has(message.responseId)),
      activity: activity.filter((entry) => own.has(entry.responseId)),
      webhookMessages: webhook.filter((message) => own.has(message.responseId)),
    });
  }
  await recordAudit(db, {
    projectId,
    actor,
    action: 'respondent.exported',
    target: { type: 'respondent', id: null },
    detail: {
      by: 'externalId' in lookup ? 'externalId' : 'email',
      respondents: found.length,
      responses: records.length,
    },
  });
  return result;
}

async function messagesOf(db: Db, projectId: string, responseIds: string[]): Promise<EmailMessage[]> {
  const rows = await db
    .select()
    .from(emailMessages)
    .where(and(eq(emailMessages.projectId, projectId), inArray(emailMessages.responseId, responseIds)))
    .orderBy(asc(emailMessages.createdAt), asc(emailMessages.id));
  return rows.map((row) => ({
    id: row.id,
    responseId: row.responseId,
    to: row.toAddress,
    subject: row.subject,
    body: row.body,
    sentBy: { kind: row.senderKind, id: row.senderId, name: row.senderName },
    createdAt: row.createdAt.toISOString(),
  }));
}

async function webhookMessagesOf(db: Db, projectId: string, responseIds: string[]) {
  const rows = await db
    .select()
    .from(webhookMessages)
    .where(and(eq(webhookMessages.projectId, projectId), inArray(webhookMessages.responseId, responseIds)))
    .orderBy(asc(webhookMessages.id));
  return rows.map((row) => ({
    id: row.id,
    endpointId: row.endpointId,
    responseId: row.responseId!,
    type: row.type,
    status: row.status,
    body: row.body,
    createdAt: row.createdAt.toISOString(),
  }));
}

/**
 * Erases the respondents a lookup names and everything about them — responses (so metrics no
 * longer count them), notes, email messages, activity — in one transaction, and records in the
 * audit log that an erasure happened: who, when and how many rows, nothing of what was erased.
 * 404 when there is no such respondent.
 */
export async function eraseRespondents(
  db: Db,
  projectId: string,
  lookup: RespondentLookup,
  actor: AuditActor,
): Promise<ErasureCounts> {
  return db.transaction(async (tx) => {
    // Respondents first, then their responses: the order ingestion locks them in.
    const found = await tx
      .select({ id: respondents.id })
      .from(respondents)
      .where(lookupCondition(projectId, lookup))
      .orderBy(asc(respondents.id))
      .for('update');
    const respondentIds = found.map((row) => row.id);
    const owned = await tx
      .select({ id: responses.id })
      .from(responses)
      .where(
        or(
          claimCondition(projectId, lookup),
          respondentIds.length
            ? and(eq(responses.projectId, projectId), inArray(responses.respondentId, respondentIds))
            : undefined,
        ),
      )
      .orderBy(asc(responses.id))
      .for('update');
    if (found.length === 0 && owned.length === 0) {
      throw new Errors.NotFound(`No respondent ${describe(lookup)} in this project`);
    }
    const responseIds = owned.map((row) => row.id);
    const dependents = await deleteResponseDependents(tx, projectId, responseIds);
    if (responseIds.length > 0) {
      await tx
        .delete(responses)
        .where(and(eq(responses.projectId, projectId), inArray(responses.id, responseIds)));
    }
    if (respondentIds.length > 0) {
      await tx
        .delete(respondents)
        .where(and(eq(respondents.projectId, projectId), inArray(respondents.id, respondentIds)));
    }
    const counts: ErasureCounts = {
      respondents: respondentIds.length,
      responses: responseIds.length,
      ...dependents,
    };
    await recordAudit(tx, {
      projectId,
      actor,
      action: 'respondent.erased',
      target: { type: 'respondent', id: null },
      detail: { by: 'externalId' in lookup ? 'externalId' : 'email', rows: counts },
    });
    return counts;
  });
}
