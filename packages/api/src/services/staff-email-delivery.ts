/** Sending queued staff emails: claimed like webhook messages, retried on the same schedule. */
import { and, asc, eq, lte, or, sql } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { staffEmails } from '../db/schema/index.ts';
import type { Mailer } from './mail.ts';
import { leaseMs } from './webhook-delivery.ts';

type Claimed = Pick<
  typeof staffEmails.$inferSelect,
  'projectId' | 'id' | 'toAddress' | 'subject' | 'text' | 'html' | 'failedAttempts' | 'unsubscribeTokenHash'
> & { leaseToken: string };

/** Takes up to `limit` due emails for this worker (FOR UPDATE SKIP LOCKED, then a lease). */
export async function claimDueEmails(db: Db, limit: number): Promise<Claimed[]> {
  return db.transaction(async (tx) => {
    const rows = await tx
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
      .where(and(eq(staffEmails.status, 'pending'), lte(staffEmails.nextAttemptAt, sql`now()`)))
      .orderBy(asc(staffEmails.nextAttemptAt))
      .limit(limit)
      .for('update', { skipLocked: true });
    if (rows.length === 0) return [];
    const leaseToken = crypto.randomUUID();
    await tx
      .update(staffEmails)
      .set({ leaseToken, nextAttemptAt: sql`now() + ${`${leaseMs} milliseconds`}::interval` })
      .where(
        or(...rows.map((row) => and(eq(staffEmails.projectId, row.projectId), eq(staffEmails.id, row.id)))),
      );
    return rows.map((row) => ({ ...row, leaseToken }));
  });
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
  const failed = email.failedAttempts + 1;
  const delay = options.mailer ? options.retryDelays[failed - 1] : undefined;
  await db
    .update(staffEmails)
    .set(
      error === null
        ? { status: 'sent', sentAt: new Date(), leaseToken: null }
        : delay === undefined
          ? { status: 'failed', failedAttempts: failed, lastError: error, leaseToken: null }
          : {
              failedAttempts: failed,
              lastError: error,
              leaseToken: null,
              nextAttemptAt: new Date(Date.now() + delay * 1000),
            },
    )
    .where(
      and(
        eq(staffEmails.projectId, email.projectId),
        eq(staffEmails.id, email.id),
        eq(staffEmails.leaseToken, email.leaseToken),
      ),
    );
}
