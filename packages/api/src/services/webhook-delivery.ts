/**
 * The webhook delivery worker's steps: claim due messages (FOR UPDATE SKIP LOCKED, so replicas
 * never take the same one), attempt each, record the attempt and schedule the next.
 */
import type { WebhookFormat } from '@closeloop/shared';
import { and, asc, eq, isNotNull, sql } from 'drizzle-orm';
import type { Db, Tx } from '../db/client.ts';
import { surveys, webhookAttempts, webhookEndpoints, webhookMessages } from '../db/schema/index.ts';
import { afterFailedAttempt, claimDue, heldRow } from './outbox.ts';
import { uuidv7 } from './uuid7.ts';
import { type AttemptResult, postWebhook } from './webhook-http.ts';
import { webhookHeaders } from './webhook-signature.ts';
import { slackMessage } from './webhook-slack.ts';

/** An endpoint failing every attempt for this long is disabled and its owners told. */
export const disableAfterFailingMs = 5 * 24 * 3600_000;

export interface DeliveryOptions {
  /** Seconds before each retry; after the last, the message has failed. */
  retryDelays: readonly number[];
  allowPrivate: boolean;
  /** The inbox's address, for links in Slack messages. */
  inboxUrl: string;
  timeoutMs?: number;
  /** Called in the transaction that disables an endpoint (to queue emails to its owners). */
  onEndpointDisabled?: (tx: Tx, endpoint: { projectId: string; id: string; url: string }) => Promise<void>;
}

const claimColumns = {
  projectId: webhookMessages.projectId,
  id: webhookMessages.id,
  endpointId: webhookMessages.endpointId,
  body: webhookMessages.body,
  failedAttempts: webhookMessages.failedAttempts,
  url: webhookEndpoints.url,
  format: webhookEndpoints.format,
  secret: webhookEndpoints.secret,
  previousSecret: webhookEndpoints.previousSecret,
  previousSecretExpiresAt: webhookEndpoints.previousSecretExpiresAt,
};
export interface ClaimedMessage {
  projectId: string;
  id: string;
  endpointId: string;
  body: string;
  failedAttempts: number;
  url: string;
  format: WebhookFormat;
  secret: string;
  previousSecret: string | null;
  previousSecretExpiresAt: Date | null;
  leaseToken: string;
}

/**
 * Takes up to `limit` due messages of enabled endpoints for this worker: rows another worker has
 * locked are skipped, and each taken row gets a lease so nobody else takes it while it is tried.
 */
export async function claimDueMessages(db: Db, limit: number): Promise<ClaimedMessage[]> {
  return claimDue(db, webhookMessages, (tx, due) =>
    tx
      .select(claimColumns)
      .from(webhookMessages)
      .innerJoin(
        webhookEndpoints,
        and(
          eq(webhookEndpoints.projectId, webhookMessages.projectId),
          eq(webhookEndpoints.id, webhookMessages.endpointId),
        ),
      )
      .where(and(due, eq(webhookEndpoints.enabled, true)))
      .orderBy(asc(webhookMessages.nextAttemptAt))
      .limit(limit)
      .for('update', { of: webhookMessages, skipLocked: true }),
  );
}

/** What is sent for a message: its queued body, or the Slack message made from it. */
async function bodyToSend(db: Db, message: ClaimedMessage, options: DeliveryOptions): Promise<string> {
  if (message.format !== 'slack') return message.body;
  const surveyId = (JSON.parse(message.body) as { data?: { response?: { surveyId?: string } } }).data
    ?.response?.surveyId;
  let surveyName: string | null = null;
  if (surveyId) {
    const [survey] = await db
      .select({ name: surveys.name })
      .from(surveys)
      .where(and(eq(surveys.projectId, message.projectId), eq(surveys.id, surveyId)));
    surveyName = survey?.name ?? null;
  }
  return slackMessage(message.body, { surveyName, inboxUrl: options.inboxUrl });
}

/** Makes one attempt at a claimed message and records it. */
export async function attemptDelivery(db: Db, message: ClaimedMessage, options: DeliveryOptions) {
  const at = new Date();
  const secrets = [message.secret];
  if (message.previousSecret && message.previousSecretExpiresAt && message.previousSecretExpiresAt > at) {
    secrets.push(message.previousSecret);
  }
  let result: AttemptResult;
  try {
    const body = await bodyToSend(db, message, options);
    result = await postWebhook(message.url, webhookHeaders(secrets, message.id, body, at), body, {
      allowPrivate: options.allowPrivate,
      ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
    });
  } catch (error) {
    result = { ok: false, statusCode: null, durationMs: 0, error: `Not sent: ${(error as Error).message}` };
  }
  await recordAttempt(db, message, at, result, options);
  return result;
}

async function recordAttempt(
  db: Db,
  message: ClaimedMessage,
  at: Date,
  result: AttemptResult,
  options: DeliveryOptions,
) {
  const ofMessage = heldRow(webhookMessages, message);
  const ofEndpoint = and(
    eq(webhookEndpoints.projectId, message.projectId),
    eq(webhookEndpoints.id, message.endpointId),
  );
  await db.transaction(async (tx) => {
    await tx.insert(webhookAttempts).values({
      projectId: message.projectId,
      id: uuidv7(),
      messageId: message.id,
      at,
      statusCode: result.statusCode,
      durationMs: result.durationMs,
      response: result.error === undefined ? (result.response ?? '') : null,
      error: result.error ?? null,
    });
    if (result.ok) {
      await tx.update(webhookMessages).set({ status: 'succeeded', leaseToken: null }).where(ofMessage);
      await tx
        .update(webhookEndpoints)
        .set({ failingSince: null })
        .where(and(ofEndpoint, isNotNull(webhookEndpoints.failingSince)));
      return;
    }
    await tx
      .update(webhookMessages)
      .set(afterFailedAttempt(message.failedAttempts, options.retryDelays))
      .where(ofMessage);
    const [endpoint] = await tx
      .update(webhookEndpoints)
      .set({
        failingSince: sql`coalesce(${webhookEndpoints.failingSince}, ${at.toISOString()}::timestamptz)`,
      })
      .where(ofEndpoint)
      .returning({
        failingSince: webhookEndpoints.failingSince,
        enabled: webhookEndpoints.enabled,
        url: webhookEndpoints.url,
      });
    if (
      endpoint?.enabled &&
      endpoint.failingSince &&
      at.getTime() - endpoint.failingSince.getTime() >= disableAfterFailingMs
    ) {
      await tx
        .update(webhookEndpoints)
        .set({
          enabled: false,
          disabledReason: 'Every delivery failed for 5 days',
          updatedAt: new Date(),
        })
        .where(ofEndpoint);
      await options.onEndpointDisabled?.(tx, {
        projectId: message.projectId,
        id: message.endpointId,
        url: endpoint.url,
      });
    }
  });
}
