import { sql } from 'drizzle-orm';
import { boolean, jsonb, pgTable, primaryKey, text, unique, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { timestamps } from './columns.ts';
import { projects } from './projects.ts';

export type Traits = Record<string, string | number | boolean | null>;

export const respondents = pgTable(
  'respondents',
  {
    projectId: uuid('project_id')
      .notNull()
      .references(() => projects.id, { onDelete: 'cascade' }),
    id: uuid('id').notNull().defaultRandom(),
    /** The site's own user id; null for a respondent known only by email (one per address) or traits. */
    externalId: text('external_id'),
    email: text('email'),
    traits: jsonb('traits').$type<Traits>().notNull().default({}),
    /** True once a response arrived with a valid signature of this external id. */
    verified: boolean('verified').notNull().default(false),
    ...timestamps,
  },
  (table) => [
    primaryKey({ columns: [table.projectId, table.id] }),
    unique('respondents_external_id_unique').on(table.projectId, table.externalId),
    // A respondent known only by email is one person per address (letter case aside), so their
    // responses form one timeline.
    uniqueIndex('respondents_email_unique')
      .on(table.projectId, sql`lower(${table.email})`)
      .where(sql`${table.externalId} is null and ${table.email} is not null`),
  ],
);
