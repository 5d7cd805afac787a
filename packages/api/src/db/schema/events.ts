import { sql } from 'drizzle-orm';
import { foreignKey, index, pgTable, primaryKey, text, uuid } from 'drizzle-orm/pg-core';
import { instant } from './columns.ts';
import { projects } from './projects.ts';
import { surveys } from './surveys.ts';

/** Widget impressions and dismissals, for response rates. */
export const events = pgTable(
  'events',
  {
    projectId: uuid('project_id')
      .notNull()
      .references(() => projects.id, { onDelete: 'cascade' }),
    id: uuid('id').notNull(),
    surveyId: uuid('survey_id').notNull(),
    type: text('type').$type<'shown' | 'dismissed'>().notNull(),
    at: instant('at').notNull(),
    receivedAt: instant('received_at').notNull().defaultNow(),
  },
  (table) => [
    primaryKey({ columns: [table.projectId, table.id] }),
    foreignKey({
      columns: [table.projectId, table.surveyId],
      foreignColumns: [surveys.projectId, surveys.id],
    }),
    index('events_survey_at_idx').on(table.projectId, table.surveyId, table.at),
    // Impressions for response rates: /v1/metrics counts them per bucket with index-only range
    // scans of this index alone (dismissals are not in it).
    index('events_shown_idx')
      .on(table.projectId, table.surveyId, table.at)
      .where(sql`${table.type} = 'shown'`),
  ],
);
