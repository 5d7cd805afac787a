import type { Recontact, SurveyKind, SurveyTexts, Targeting } from '@closeloop/shared';
import { index, jsonb, pgTable, primaryKey, text, uuid } from 'drizzle-orm/pg-core';
import { instant, timestamps } from './columns.ts';
import { projects } from './projects.ts';

export const surveys = pgTable(
  'surveys',
  {
    projectId: uuid('project_id')
      .notNull()
      .references(() => projects.id, { onDelete: 'cascade' }),
    id: uuid('id').notNull().defaultRandom(),
    name: text('name').notNull(),
    kind: text('kind').$type<SurveyKind>().notNull(),
    status: text('status').$type<'active' | 'paused'>().notNull().default('active'),
    defaultLocale: text('default_locale').notNull().default('en'),
    texts: jsonb('texts').$type<Record<string, SurveyTexts>>().notNull(),
    targeting: jsonb('targeting').$type<Targeting>().notNull(),
    recontact: jsonb('recontact').$type<Recontact>().notNull(),
    ...timestamps,
    /** Deleted surveys keep their responses; they vanish from lists and the widget. */
    deletedAt: instant('deleted_at'),
  },
  (table) => [primaryKey({ columns: [table.projectId, table.id] }), index('surveys_id_idx').on(table.id)],
);
