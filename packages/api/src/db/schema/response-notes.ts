import { foreignKey, index, pgTable, primaryKey, text, uuid } from 'drizzle-orm/pg-core';
import { instant } from './columns.ts';
import { projects } from './projects.ts';
import { responses } from './responses.ts';

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
    // (project_id, id): a tenant table, distributable by project.
    primaryKey({ columns: [table.projectId, table.id] }),
    foreignKey({
      columns: [table.projectId, table.responseId],
      foreignColumns: [responses.projectId, responses.id],
    }).onDelete('cascade'),
    index('response_notes_response_idx').on(table.projectId, table.responseId, table.createdAt),
  ],
);
