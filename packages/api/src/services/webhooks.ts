/** Webhook endpoints of a project, their delivery log, redelivery and test messages. */
import type {
  Delivery,
  DeliveryList,
  DeliveryListQuery,
  Webhook,
  WebhookCreate,
  WebhookUpdate,
  WebhookWithSecret,
} from '@closeloop/shared';
import { and, asc, desc, eq, inArray, lt } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { webhookAttempts, webhookEndpoints, webhookMessages } from '../db/schema/index.ts';
import { Errors, ValidationError } from '../errors.ts';
import { decodeCursor, encodeCursor } from './cursor.ts';
import { uuidv7 } from './uuid7.ts';
import { refuseWebhookUrl } from './webhook-address-guard.ts';
import { newWebhookSecret } from './webhook-signature.ts';

/** How long a rotated-out secret still signs deliveries (beside the new one). */
export const previousSecretGraceMs = 24 * 3600_000;

type EndpointRow = typeof webhookEndpoints.$inferSelect;

const notFound = (id: string) => new Errors.NotFound(`No webhook ${id} in this project`);

function toWebhook(row: EndpointRow): Webhook {
  return {
    id: row.id,
    url: row.url,
    events: row.events,
    description: row.description,
    format: row.format,
    enabled: row.enabled,
    disabledReason: row.disabledReason,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

function checkUrl(url: string, allowPrivate: boolean) {
  const refusal = refuseWebhookUrl(url, allowPrivate);
  if (refusal) throw new ValidationError([{ path: 'url', message: refusal }]);
}

/** Creates an endpoint with a new signing secret (returned here only). */
export async function createWebhook(
  db: Db,
  projectId: string,
  input: WebhookCreate,
  options: { allowPrivate: boolean },
): Promise<WebhookWithSecret> {
  checkUrl(input.url, options.allowPrivate);
  const secret = newWebhookSecret();
  const [row] = await db
    .insert(webhookEndpoints)
    .values({
      projectId,
      url: input.url,
      description: input.description || null,
      events: input.events,
      format: input.format,
      enabled: input.enabled,
      secret,
    })
    .returning();
  return { ...toWebhook(row!), secret };
}

export async function listWebhooks(db: Db, projectId: string): Promise<Webhook[]> {
  const rows = await db
    .select()
    .from(webhookEndpoints)
    .where(eq(webhookEndpoints.projectId, projectId))
    .orderBy(asc(webhookEndpoints.createdAt), asc(webhookEndpoints.id));
  return rows.map(toWebhook);
}

async function findEndpoint(db: Db, projectId: string, id: string): Promise<EndpointRow> {
  const [row] = await db
    .select()
    .from(webhookEndpoints)
    .where(and(eq(webhookEndpoints.projectId, projectId), eq(webhookEndpoints.id, id)));
  if (!row) throw notFound(id);
  return row;
}

export async function getWebhook(db: Db, projectId: string, id: string): Promise<Webhook> {
  return toWebhook(await findEndpoint(db, projectId, id));
}

/** Changes an endpoint; enabling it again clears why it was disabled and its failure streak. */
export async function updateWebhook(
  db: Db,
  projectId: string,
  id: string,
  patch: WebhookUpdate,
  options: { allowPrivate: boolean },
): Promise<Webhook> {
  if (patch.url !== undefined) checkUrl(patch.url, options.allowPrivate);
  const [row] = await db
    .update(webhookEndpoints)
    .set({
      ...(patch.url !== undefined ? { url: patch.url } : {}),
      ...(patch.events !== undefined ? { events: patch.events } : {}),
      ...(patch.description !== undefined ? { description: patch.description || null } : {}),
      ...(patch.format !== undefined ? { format: patch.format } : {}),
      ...(patch.enabled !== undefined ? { enabled: patch.enabled } : {}),
      ...(patch.enabled === true ? { disabledReason: null, failingSince: null } : {}),
      updatedAt: new Date(),
    })
    .where(and(eq(webhookEndpoints.projectId, projectId), eq(webhookEndpoints.id, id)))
    .returning();
  if (!row) throw notFound(id);
  return toWebhook(row);
}

/** Deletes an endpoint with its queued messages and delivery log. */
export async function deleteWebhook(db: Db, projectId: string, id: string): Promise<void> {
  const deleted = await db
    .delete(webhookEndpoints)
    .where(and(eq(webhookEndpoints.projectId, projectId), eq(webhookEndpoints.id, id)))
    .returning({ id: webhookEndpoints.id });
  if (deleted.length === 0) throw notFound(id);
}

/**
 * Gives an endpoint a new secret. For 24 hours deliveries are signed with the old one too, so a
 * receiver can switch without losing messages.
 */
export async function rotateWebhookSecret(db: Db, projectId: string, id: string): Promise<WebhookWithSecret> {
  const secret = newWebhookSecret();
  const row = await db.transaction(async (tx) => {
    const [current] = await tx
      .select({ secret: webhookEndpoints.secret })
      .from(webhookEndpoints)
      .where(and(eq(webhookEndpoints.projectId, projectId), eq(webhookEndpoints.id, id)))
      .for('update');
    if (!current) throw notFound(id);
    const now = new Date();
    const [updated] = await tx
      .update(webhookEndpoints)
      .set({
        secret,
        previousSecret: current.secret,
        previousSecretExpiresAt: new Date(now.getTime() + previousSecretGraceMs),
        updatedAt: now,
      })
      .where(and(eq(webhookEndpoints.projectId, projectId), eq(webhookEndpoints.id, id)))
      .returning();
    return updated!;
  });
  return { ...toWebhook(row), secret };
}

/** Queues a `webhook.test` message to the endpoint (whatever events it subscribes to). */
export async function sendTestMessage(db: Db, projectId: string, id: string): Promise<Delivery> {
  const endpoint = await findEndpoint(db, projectId, id);
  if (!endpoint.enabled) {
    throw new Errors.Conflict('The webhook is disabled; enable it (PATCH enabled: true) to send a test');
  }
  const messageId = uuidv7();
  const now = new Date();
  const body = JSON.stringify({
    type: 'webhook.test',
    timestamp: now.toISOString(),
    data: { webhook: { id: endpoint.id, url: endpoint.url } },
  });
  const [row] = await db
    .insert(webhookMessages)
    .values({ projectId, id: messageId, endpointId: id, type: 'webhook.test', body, nextAttemptAt: now })
    .returning();
  return toDelivery(row!, []);
}

type MessageRow = typeof webhookMessages.$inferSelect;
type AttemptRow = typeof webhookAttempts.$inferSelect;

function toDelivery(message: MessageRow, attempts: AttemptRow[]): Delivery {
  return {
    id: message.id,
    type: message.type,
    status: message.status,
    createdAt: message.createdAt.toISOString(),
    nextAttemptAt: message.status === 'pending' ? message.nextAttemptAt.toISOString() : null,
    attempts: attempts.map((attempt) => ({
      at: attempt.at.toISOString(),
      statusCode: attempt.statusCode,
      durationMs: attempt.durationMs,
      ...(attempt.error !== null ? { error: attempt.error } : { response: attempt.response ?? '' }),
    })),
  };
}

/** The endpoint's messages, newest first, each with its attempts (oldest first). */
export async function listDeliveries(
  db: Db,
  projectId: string,
  endpointId: string,
  query: DeliveryListQuery,
): Promise<DeliveryList> {
  await findEndpoint(db, projectId, endpointId);
  const conditions = [eq(webhookMessages.projectId, projectId), eq(webhookMessages.endpointId, endpointId)];
  if (query.status) conditions.push(eq(webhookMessages.status, query.status));
  // Message ids are UUIDv7, so id order is creation order.
  if (query.cursor) conditions.push(lt(webhookMessages.id, decodeCursor(query.cursor).id));
  const rows = await db
    .select()
    .from(webhookMessages)
    .where(and(...conditions))
    .orderBy(desc(webhookMessages.id))
    .limit(query.limit + 1);
  const page = rows.slice(0, query.limit);
  const attempts =
    page.length === 0
      ? []
      : await db
          .select()
          .from(webhookAttempts)
          .where(
            and(
              eq(webhookAttempts.projectId, projectId),
              inArray(
                webhookAttempts.messageId,
                page.map((row) => row.id),
              ),
            ),
          )
          .orderBy(asc(webhookAttempts.id));
  const byMessage = new Map<string, AttemptRow[]>();
  for (const attempt of attempts)
    byMessage.set(attempt.messageId, [...(byMessage.get(attempt.messageId) ?? []), attempt]);
  const last = page.at(-1);
  return {
    data: page.map((row) => toDelivery(row, byMessage.get(row.id) ?? [])),
    nextCursor: rows.length > query.limit && last ? encodeCursor({ at: last.createdAt, id: last.id }) : null,
  };
}

/**
 * Queues a message again now, with a fresh retry schedule (same webhook-id and body). A message
 * still pending is simply tried now.
 */
export async function retryDelivery(
  db: Db,
  projectId: string,
  endpointId: string,
  messageId: string,
): Promise<Delivery> {
  const endpoint = await findEndpoint(db, projectId, endpointId);
  if (!endpoint.enabled) {
    throw new Errors.Conflict('The webhook is disabled; enable it (PATCH enabled: true) to retry deliveries');
  }
  const [row] = await db
    .update(webhookMessages)
    .set({ status: 'pending', failedAttempts: 0, nextAttemptAt: new Date() })
    .where(
      and(
        eq(webhookMessages.projectId, projectId),
        eq(webhookMessages.endpointId, endpointId),
        eq(webhookMessages.id, messageId),
      ),
    )
    .returning();
  if (!row) throw new Errors.NotFound(`No message ${messageId} for this webhook`);
  const attempts = await db
    .select()
    .from(webhookAttempts)
    .where(and(eq(webhookAttempts.projectId, projectId), eq(webhookAttempts.messageId, messageId)))
    .orderBy(asc(webhookAttempts.id));
  return toDelivery(row, attempts);
}
