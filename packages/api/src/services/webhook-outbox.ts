/**
 * The webhook outbox writer: turns changes into messages for the project's subscribed endpoints,
 * inside the transaction that makes the change, so a message exists exactly when its change does.
 */
import { type ResponseRecord, responseRecordSchema, type WebhookEventType } from '@closeloop/shared';
import { and, eq } from 'drizzle-orm';
import { z } from 'zod';
import type { Db, Tx } from '../db/client.ts';
import { anyOf } from '../db/rows.ts';
import { responses, webhookEndpoints, webhookMessages } from '../db/schema/index.ts';
import { selectRecords, toResponseRecord } from './responses.ts';
import { enqueueFollowUpEmails, mayEmailStaff } from './staff-notifications.ts';
import { uuidv7 } from './uuid7.ts';

export interface WebhookEvent {
  type: WebhookEventType;
  responseId: string;
  /** More of `data` beside `response` (a note, the new assignee…). */
  data?: Record<string, unknown>;
  /** Sent only if the response, as this transaction now sees it, passes this test. */
  when?: (response: ResponseRecord) => boolean;
}

/** The JSON of a response exactly as GET /v1/responses/:id answers it (same schema, same encoding). */
export function responseJson(record: ResponseRecord): unknown {
  return z.encode(responseRecordSchema, record);
}

/**
 * Queues a message per event and subscribed, enabled endpoint of the project, and the staff
 * emails follow-up events cause (services/staff-notifications.ts). Call it inside the
 * transaction of the change, after the change: the response is read as that transaction sees it.
 * Costs one query when no endpoint subscribes to the events and they are no follow-up events, and
 * two when new follow-ups opened but nobody wants to hear of them at once (responses are read only
 * for someone to tell).
 */
export async function enqueueWebhookMessages(tx: Tx | Db, projectId: string, events: WebhookEvent[]) {
  if (events.length === 0) return;
  const endpoints = await tx
    .select({ id: webhookEndpoints.id, events: webhookEndpoints.events })
    .from(webhookEndpoints)
    .where(and(eq(webhookEndpoints.projectId, projectId), eq(webhookEndpoints.enabled, true)));
  // Follow-up events may also email staff (an assignee, those who want new follow-ups at once).
  const emailed = (event: WebhookEvent) =>
    event.type === 'followup.assigned' || event.type === 'followup.opened';
  const subscribed = (event: WebhookEvent) =>
    endpoints.some((endpoint) => endpoint.events.includes(event.type));
  const wanted = events.filter((event) => emailed(event) || subscribed(event));
  if (wanted.length === 0) return;
  // Only staff emails could follow: whole responses are read only if someone may get one.
  if (
    !wanted.some(subscribed) &&
    !(await mayEmailStaff(
      tx,
      projectId,
      wanted.map((event) => ({ type: event.type as 'followup.assigned' | 'followup.opened' })),
    ))
  )
    return;
  const ids = [...new Set(wanted.map((event) => event.responseId))];
  const rows = await selectRecords(tx as Db).where(
    and(eq(responses.projectId, projectId), anyOf(responses.id, ids, 'uuid')),
  );
  const recordById = new Map(rows.map((row) => [row.response.id, toResponseRecord(row as never)]));
  const timestamp = new Date().toISOString();
  const messages: (typeof webhookMessages.$inferInsert)[] = [];
  const emails: Parameters<typeof enqueueFollowUpEmails>[2] = [];
  for (const event of wanted) {
    const record = recordById.get(event.responseId);
    if (!record || (event.when && !event.when(record))) continue;
    if (event.type === 'followup.assigned' || event.type === 'followup.opened') {
      emails.push({ type: event.type, response: record });
    }
    const to = endpoints.filter((endpoint) => endpoint.events.includes(event.type));
    if (to.length === 0) continue;
    const body = JSON.stringify({
      type: event.type,
      timestamp,
      data: { response: responseJson(record), ...event.data },
    });
    for (const endpoint of to) {
      messages.push({
        projectId,
        id: uuidv7(),
        endpointId: endpoint.id,
        type: event.type,
        responseId: event.responseId,
        body,
      });
    }
  }
  await enqueueFollowUpEmails(tx, projectId, emails);
  if (messages.length > 0) await tx.insert(webhookMessages).values(messages);
}

/** The follow-up of a response before this transaction changed it. */
export interface FollowUpBefore {
  status: ResponseRecord['followUp']['status'];
  assigneeId: string | null;
}

/**
 * The events of an ingestion: `response.created` for new responses, `response.updated` for
 * responses whose comment arrived now, and `followup.opened` / `followup.assigned` when the
 * follow-up rules opened or assigned them in the same transaction. For new responses the rules'
 * outcome is known (`decided`); for the others it is read from the response as the transaction
 * leaves it.
 */
export function ingestionEvents(
  insertedIds: Iterable<string>,
  completed: Map<string, FollowUpBefore>,
  decided: Map<string, { followUpStatus: string; assigneeId: string | null }> = new Map(),
) {
  const events: WebhookEvent[] = [];
  const followUps = (responseId: string, before: FollowUpBefore) => {
    events.push(
      {
        type: 'followup.opened',
        responseId,
        when: (response) => before.status === 'none' && response.followUp.status !== 'none',
      },
      {
        type: 'followup.assigned',
        responseId,
        when: (response) => before.assigneeId === null && response.followUp.assigneeId !== null,
      },
    );
  };
  for (const responseId of insertedIds) {
    events.push({ type: 'response.created', responseId });
    const outcome = decided.get(responseId);
    if (!outcome) {
      followUps(responseId, { status: 'none', assigneeId: null });
      continue;
    }
    if (outcome.followUpStatus !== 'none') events.push({ type: 'followup.opened', responseId });
    if (outcome.assigneeId !== null) events.push({ type: 'followup.assigned', responseId });
  }
  for (const [responseId, before] of completed) {
    events.push({ type: 'response.updated', responseId });
    followUps(responseId, before);
  }
  return events;
}

/**
 * The events of a follow-up change (PATCH /v1/responses/:id): `followup.opened` (again),
 * `followup.assigned` (to someone), `followup.resolved`; any other change (tags, due date, in
 * progress, unassigned) is a `response.updated`.
 */
export function followUpEvents(
  responseId: string,
  changes: { followUpStatus?: string; assigneeId?: string | null; tags?: string[]; dueAt?: Date | null },
): WebhookEvent[] {
  const events: WebhookEvent[] = [];
  if (changes.followUpStatus === 'open') events.push({ type: 'followup.opened', responseId });
  if (changes.followUpStatus === 'resolved') events.push({ type: 'followup.resolved', responseId });
  if (changes.assigneeId) events.push({ type: 'followup.assigned', responseId });
  const other =
    changes.tags !== undefined ||
    changes.dueAt !== undefined ||
    changes.followUpStatus === 'in_progress' ||
    changes.assigneeId === null;
  if (other || events.length === 0) events.push({ type: 'response.updated', responseId });
  return events;
}
