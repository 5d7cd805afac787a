/** Sending queued staff emails: claimed like webhook messages, retried on the same schedule. */
import { asc } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { staffEmails } from '../db/schema/index.ts';
import type { Mailer } from './mail.ts';
import { afterFailedAttempt, claimDue, heldRow } from './outbox.ts';

type Claimed = Pick<
  typeof staffEmails.$inferSelect,
  'projectId' | 'id' | 'toAddress' | 'subject' | 'text' | 'html' | 'failedAttempts' | 'unsubscribeTokenHash'
> & { leaseToken: string };

/** Takes up to `limit` due emails for this worker (see services/outbox.ts). */
export async function claimDueEmails(db: Db, limit: number): Promise<Claimed[]> {
  return claimDue(db, staffEmails, (tx, due) =>
    tx
      .select({
        projectId: staffEmails.projectId,
        id: staffEmails.id,
        toAddress: staffEmails.toAddress,
        subject: staffEmails.subject,
        text: staffEmails.text,
        html: staffEmails.html,
        failedAttempts: staffEmails.failedAttempts,
        unsubscribeTokenHash: staffEmails.unsubscribeTokenHash,
      })
      .from(staffEmails)
      .where(due)
      .orderBy(asc(staffEmails.nextAttemptAt))
      .limit(limit)
      .for('update', { skipLocked: true }),
  );
}

/** Sends one claimed email and records the outcome (sent, retry later, or failed). */
export async function sendStaffEmail(
  db: Db,
  email: Claimed,
  options: { mailer: Mailer | null; from: string; baseUrl: string; retryDelays: readonly number[] },
) {
  const fill = (text: string) => text.replaceAll('{base}', options.baseUrl);
  let error: string | null = null;
  if (!options.mailer) error = 'SMTP_URL is not set: staff emails cannot be sent';
  else {
    try {
      const unsubscribe = /\{base\}\/v1\/notifications\/unsubscribe\?token=[\w-]+/.exec(email.text)?.[0];
      await options.mailer.send({
        from: options.from,
        to: email.toAddress,
        subject: email.subject,
        text: fill(email.text),
        html: fill(email.html),
        ...(unsubscribe
          ? {
              headers: {
                'List-Unsubscribe': `<${fill(unsubscribe)}>`,
                'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
              },
            }
          : {}),
      });
    } catch (caught) {
      error = `The mail server did not accept it: ${(caught as Error).message}`;
    }
  }
  await db
    .update(staffEmails)
    .set(
      error === null
        ? { status: 'sent', sentAt: new Date(), leaseToken: null }
        : // Without a mail server there is nothing to retry.
          {
            ...afterFailedAttempt(email.failedAttempts, options.mailer ? options.retryDelays : []),
            lastError: error,
          },
    )
    .where(heldRow(staffEmails, email));
}
