import { index, pgTable, text, uuid } from 'drizzle-orm/pg-core';
import { instant } from './columns.ts';
import { projects } from './projects.ts';
import { keysOfResponsePart } from './responses.ts';

/** Email replies sent to respondents (also recorded as `reply_sent` activity). */
export const emailMessages = pgTable(
  'email_messages',
  {
    id: uuid('id').notNull().defaultRandom(),
    projectId: uuid('project_id')
      .notNull()
      .references(() => projects.id, { onDelete: 'cascade' }),
    responseId: uuid('response_id').notNull(),
    senderKind: text('sender_kind').$type<'user' | 'secret_key'>().notNull(),
    senderId: uuid('sender_id'),
    senderName: text('sender_name').notNull(),
    toAddress: text('to_address').notNull(),
    subject: text('subject').notNull(),
    body: text('body').notNull(),
    /** The Message-ID the mail server accepted. */
    messageId: text('message_id'),
    createdAt: instant('created_at').notNull().defaultNow(),
  },
  (table) => [
    ...keysOfResponsePart(table),
    index('email_messages_response_idx').on(table.projectId, table.responseId),
  ],
);
