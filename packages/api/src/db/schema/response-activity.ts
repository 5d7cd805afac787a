import type { ActivityType } from '@closeloop/shared';
import { index, jsonb, pgTable, text, uuid } from 'drizzle-orm/pg-core';
import { instant } from './columns.ts';
import { projects } from './projects.ts';
import { keysOfResponsePart } from './responses.ts';

/** Every change to a response's follow-up: who (user, secret key or rule), what, when. */
export const responseActivity = pgTable(
  'response_activity',
  {
    id: uuid('id').notNull().defaultRandom(),
    projectId: uuid('project_id')
      .notNull()
      .references(() => projects.id, { onDelete: 'cascade' }),
    responseId: uuid('response_id').notNull(),
    type: text('type').$type<ActivityType>().notNull(),
    actorKind: text('actor_kind').$type<'user' | 'secret_key' | 'rule'>().notNull(),
    /** The staff user, secret key or rule id. */
    actorId: uuid('actor_id'),
    /** The actor's name when it acted, so history reads the same after renames and deletions. */
    actorName: text('actor_name').notNull(),
    detail: jsonb('detail').$type<Record<string, unknown>>().notNull().default({}),
    createdAt: instant('created_at').notNull().defaultNow(),
  },
  (table) => [
    ...keysOfResponsePart(table),
    index('response_activity_response_idx').on(table.projectId, table.responseId, table.createdAt),
  ],
);
