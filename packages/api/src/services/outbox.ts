/**
 * The outbox tables the delivery worker drains (`webhook_messages`, `staff_emails`): due rows are
 * claimed with FOR UPDATE SKIP LOCKED, so replicas never take the same one, and leased to the
 * worker; an attempt's outcome is recorded only while the worker still holds the lease.
 */
import { and, eq, lte, or, type SQL, sql } from 'drizzle-orm';
import type { Db, Tx } from '../db/client.ts';
import type { staffEmails, webhookMessages } from '../db/schema/index.ts';
import { attemptTimeoutMs } from './webhook-http.ts';

/**
 * How long a claimed row stays with its worker. Longer than an attempt can take, so a slow
 * attempt is never made twice at once; a worker that dies leaves it to others after this.
 */
export const leaseMs = attemptTimeoutMs * 3;

type OutboxTable = typeof webhookMessages | typeof staffEmails;

/**
 * Claims due rows in one transaction: `select` reads them (locking FOR UPDATE SKIP LOCKED, at most
 * its limit) under the condition `due`; each gets this claim's lease token, and its next attempt
 * moves past the lease so no other worker takes it meanwhile.
 */
export async function claimDue<Row extends { projectId: string; id: string }>(
  db: Db,
  table: OutboxTable,
  select: (tx: Tx, due: SQL) => Promise<Row[]>,
): Promise<(Row & { leaseToken: string })[]> {
  return db.transaction(async (tx) => {
    const rows = await select(tx, and(eq(table.status, 'pending'), lte(table.nextAttemptAt, sql`now()`))!);
    if (rows.length === 0) return [];
    const leaseToken = crypto.randomUUID();
    await tx
      .update(table as typeof staffEmails)
      .set({ leaseToken, nextAttemptAt: sql`now() + ${`${leaseMs} milliseconds`}::interval` })
      .where(or(...rows.map((row) => and(eq(table.projectId, row.projectId), eq(table.id, row.id)))));
    return rows.map((row) => ({ ...row, leaseToken }));
  });
}

/** The claimed row, while its worker still holds the lease. */
export const heldRow = (
  table: OutboxTable,
  row: { projectId: string; id: string; leaseToken: string },
): SQL =>
  and(eq(table.projectId, row.projectId), eq(table.id, row.id), eq(table.leaseToken, row.leaseToken))!;

/**
 * A row's changes after a failed attempt: retried after the next of `retryDelays` (seconds), or
 * failed when none is left. The lease is given back either way.
 */
export function afterFailedAttempt(failedAttempts: number, retryDelays: readonly number[]) {
  const failed = failedAttempts + 1;
  const delay = retryDelays[failed - 1];
  return delay === undefined
    ? { status: 'failed' as const, failedAttempts: failed, leaseToken: null }
    : { failedAttempts: failed, leaseToken: null, nextAttemptAt: new Date(Date.now() + delay * 1000) };
}
