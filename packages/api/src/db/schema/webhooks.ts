import type { WebhookEventType, WebhookFormat, WebhookMessageType } from '@closeloop/shared';
import { sql } from 'drizzle-orm';
import { boolean, foreignKey, index, integer, pgTable, primaryKey, text, uuid } from 'drizzle-orm/pg-core';
import { instant, timestamps } from './columns.ts';
import { projects } from './projects.ts';

/** Where a project's events are sent. */
export const webhookEndpoints = pgTable(
  'webhook_endpoints',
  {
    projectId: uuid('project_id')
      .notNull()
      .references(() => projects.id, { onDelete: 'cascade' }),
    id: uuid('id').notNull().defaultRandom(),
    url: text('url').notNull(),
    description: text('description'),
    events: text('events').array().$type<WebhookEventType[]>().notNull(),
    format: text('format').$type<WebhookFormat>().notNull().default('standard'),
    /** whsec_…: kept as given, since every delivery is signed with it (HMAC needs the key itself). */
    secret: text('secret').notNull(),
    /** The secret before the last rotation; deliveries carry a signature with it too until it expires. */
    previousSecret: text('previous_secret'),
    previousSecretExpiresAt: instant('previous_secret_expires_at'),
    enabled: boolean('enabled').notNull().default(true),
    disabledReason: text('disabled_reason'),
    /** Since when every attempt has failed; null after a success. */
    failingSince: instant('failing_since'),
    ...timestamps,
  },
  (table) => [primaryKey({ columns: [table.projectId, table.id] })],
);

/**
 * The transactional outbox: one row per event and endpoint, written in the transaction of the
 * change that caused it. `body` is the exact text every attempt sends.
 */
export const webhookMessages = pgTable(
  'webhook_messages',
  {
    projectId: uuid('project_id').notNull(),
    /** UUIDv7, the webhook-id header. */
    id: uuid('id').notNull(),
    endpointId: uuid('endpoint_id').notNull(),
    type: text('type').$type<WebhookMessageType>().notNull(),
    /** The response the event is about (erasing a respondent deletes its messages). */
    responseId: uuid('response_id'),
    body: text('body').notNull(),
    status: text('status').$type<'pending' | 'succeeded' | 'failed'>().notNull().default('pending'),
    /** Failed attempts since the message was (re)queued: the position in the retry schedule. */
    failedAttempts: integer('failed_attempts').notNull().default(0),
    nextAttemptAt: instant('next_attempt_at').notNull().defaultNow(),
    /** Set by the worker that claimed the message; its result counts only while it still holds it. */
    leaseToken: uuid('lease_token'),
    createdAt: instant('created_at').notNull().defaultNow(),
  },
  (table) => [
    primaryKey({ columns: [table.projectId, table.id] }),
    foreignKey({
      columns: [table.projectId, table.endpointId],
      foreignColumns: [webhookEndpoints.projectId, webhookEndpoints.id],
    }).onDelete('cascade'),
    index('webhook_messages_due_idx').on(table.nextAttemptAt).where(sql`${table.status} = 'pending'`),
    index('webhook_messages_endpoint_idx').on(table.projectId, table.endpointId, table.id),
    index('webhook_messages_response_idx').on(table.projectId, table.responseId),
  ],
);

/** Every attempt to deliver a message. */
export const webhookAttempts = pgTable(
  'webhook_attempts',
  {
    projectId: uuid('project_id').notNull(),
    /** UUIDv7, so attempts list in the order they were made. */
    id: uuid('id').notNull(),
    messageId: uuid('message_id').notNull(),
    at: instant('at').notNull(),
    statusCode: integer('status_code'),
    durationMs: integer('duration_ms').notNull(),
    /** The first 1 KB of the receiver's answer. */
    response: text('response'),
    error: text('error'),
  },
  (table) => [
    primaryKey({ columns: [table.projectId, table.id] }),
    foreignKey({
      columns: [table.projectId, table.messageId],
      foreignColumns: [webhookMessages.projectId, webhookMessages.id],
    }).onDelete('cascade'),
    index('webhook_attempts_message_idx').on(table.projectId, table.messageId, table.id),
  ],
);
