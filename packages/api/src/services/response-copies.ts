/**
 * What repeats a response's personal content elsewhere: its notes, the email messages (replies)
 * sent about it, the webhook messages that carry it, and the staff emails that name it. Erasure
 * and retention both remove these for a set of responses, in the caller's transaction.
 */
import { and, arrayOverlaps, eq, inArray } from 'drizzle-orm';
import type { Tx } from '../db/client.ts';
import { emailMessages, responseNotes, staffEmails, webhookMessages } from '../db/schema/index.ts';

export interface RemovedCopies {
  notes: number;
  emailMessages: number;
  webhookMessages: number;
  staffEmails: number;
}

/** Deletes the notes, email messages, webhook messages and staff emails of these responses. */
export async function deleteResponseCopies(
  tx: Tx,
  projectId: string,
  responseIds: string[],
): Promise<RemovedCopies> {
  if (responseIds.length === 0) return { notes: 0, emailMessages: 0, webhookMessages: 0, staffEmails: 0 };
  const notes = await tx
    .delete(responseNotes)
    .where(and(eq(responseNotes.projectId, projectId), inArray(responseNotes.responseId, responseIds)))
    .returning({ id: responseNotes.id });
  const messages = await tx
    .delete(emailMessages)
    .where(and(eq(emailMessages.projectId, projectId), inArray(emailMessages.responseId, responseIds)))
    .returning({ id: emailMessages.id });
  // Webhook messages repeat the response as it was sent (comment, respondent).
  const webhook = await tx
    .delete(webhookMessages)
    .where(and(eq(webhookMessages.projectId, projectId), inArray(webhookMessages.responseId, responseIds)))
    .returning({ id: webhookMessages.id });
  // Staff emails list the responses they name (a digest: several); naming any of these makes the
  // email a copy of their data.
  const emails = await tx
    .delete(staffEmails)
    .where(and(eq(staffEmails.projectId, projectId), arrayOverlaps(staffEmails.responseIds, responseIds)))
    .returning({ id: staffEmails.id });
  return {
    notes: notes.length,
    emailMessages: messages.length,
    webhookMessages: webhook.length,
    staffEmails: emails.length,
  };
}
