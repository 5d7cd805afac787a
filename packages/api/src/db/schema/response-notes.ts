import { index, pgTable, text, uuid } from 'drizzle-orm/pg-core';
import { instant } from './columns.ts';
import { projects } from './projects.ts';
import { keysOfResponsePart } from './responses.ts';

/** Internal notes on a response; never shown to the respondent. */
export const responseNotes = pgTable(
  'response_notes',
  {
    id: uuid('id').notNull().defaultRandom(),
    projectId: uuid('project_id')
      .notNull()
      .references(() => projects.id, { onDelete: 'cascade' }),
    responseId: uuid('response_id').notNull(),
    /** The staff user who wrote it, or null when written with a secret key. */
    authorUserId: uuid('author_user_id'),
    authorKeyId: uuid('author_key_id'),
    body: text('body').notNull(),
    createdAt: instant('created_at').notNull().defaultNow(),
  },
  (table) => [
    ...keysOfResponsePart(table),
    index('response_notes_response_idx').on(table.projectId, table.responseId, table.createdAt),
  ],
);
