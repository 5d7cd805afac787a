import { sql } from 'drizzle-orm';
import { boolean, index, integer, pgTable, primaryKey, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { instant, timestamps } from './columns.ts';
import { projects } from './projects.ts';

/** What each staff member is told by email. A user without a row has the defaults. */
export const notificationSettings = pgTable(
  'notification_settings',
  {
    projectId: uuid('project_id')
      .notNull()
      .references(() => projects.id, { onDelete: 'cascade' }),
    userId: uuid('user_id').notNull(),
    /** A follow-up assigned to me, at once. */
    assigned: boolean('assigned').notNull().default(true),
    /** A new open follow-up in my project. */
    newFollowUps: text('new_follow_ups').$type<'off' | 'immediately' | 'daily'>().notNull().default('off'),
    /** My overdue follow-ups, once a day. */
    overdue: boolean('overdue').notNull().default(true),
    weeklyDigest: boolean('weekly_digest').notNull().default(true),
    /** IANA time zone the daily and weekly emails follow. */
    timeZone: text('time_zone').notNull().default('UTC'),
    ...timestamps,
  },
  (table) => [primaryKey({ columns: [table.projectId, table.userId] })],
);

/**
 * Emails to staff, queued in the transaction of what caused them and sent by the delivery worker.
 * `dedupeKey` makes each email once-only (a digest per user and week, an assignment per change).
 */
export const staffEmails = pgTable(
  'staff_emails',
  {
    projectId: uuid('project_id')
      .notNull()
      .references(() => projects.id, { onDelete: 'cascade' }),
    /** UUIDv7. */
    id: uuid('id').notNull(),
    userId: uuid('user_id').notNull(),
    kind: text('kind')
      .$type<
        'assigned' | 'new_follow_up' | 'daily_follow_ups' | 'overdue' | 'weekly_digest' | 'webhook_disabled'
      >()
      .notNull(),
    dedupeKey: text('dedupe_key').notNull(),
    toAddress: text('to_address').notNull(),
    subject: text('subject').notNull(),
    text: text('text').notNull(),
    html: text('html').notNull(),
    /**
     * The responses the email names (a digest: every one it lists). Erasing a respondent deletes
     * the emails naming any of their responses, found by these ids rather than by their text.
     */
    responseIds: uuid('response_ids').array().notNull().default(sql`'{}'::uuid[]`),
    /** SHA-256 of the token in the email's unsubscribe link. */
    unsubscribeTokenHash: text('unsubscribe_token_hash'),
    /** `preparing`: claimed by a scheduler run composing it; `skipped`: a daily email with nothing to tell. */
    status: text('status')
      .$type<'preparing' | 'pending' | 'sent' | 'failed' | 'skipped'>()
      .notNull()
      .default('pending'),
    failedAttempts: integer('failed_attempts').notNull().default(0),
    nextAttemptAt: instant('next_attempt_at').notNull().defaultNow(),
    leaseToken: uuid('lease_token'),
    lastError: text('last_error'),
    sentAt: instant('sent_at'),
    createdAt: instant('created_at').notNull().defaultNow(),
  },
  (table) => [
    primaryKey({ columns: [table.projectId, table.id] }),
    uniqueIndex('staff_emails_dedupe_unique').on(table.projectId, table.dedupeKey),
    index('staff_emails_due_idx').on(table.nextAttemptAt).where(sql`${table.status} = 'pending'`),
    index('staff_emails_unsubscribe_idx').on(table.unsubscribeTokenHash),
    index('staff_emails_response_ids_idx').using('gin', table.responseIds),
  ],
);
