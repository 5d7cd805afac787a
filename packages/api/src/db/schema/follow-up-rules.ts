import type { RuleConditions, RuleEffects } from '@closeloop/shared';
import { boolean, index, integer, jsonb, pgTable, primaryKey, text, uuid } from 'drizzle-orm/pg-core';
import { timestamps } from './columns.ts';
import { projects } from './projects.ts';

/** Rules that open follow-ups at ingestion: conditions → effects, applied in `position` order. */
export const followUpRules = pgTable(
  'follow_up_rules',
  {
    id: uuid('id').notNull().defaultRandom(),
    projectId: uuid('project_id')
      .notNull()
      .references(() => projects.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    enabled: boolean('enabled').notNull().default(true),
    position: integer('position').notNull().default(100),
    conditions: jsonb('conditions').$type<RuleConditions>().notNull(),
    effects: jsonb('effects').$type<RuleEffects>().notNull(),
    /** How many responses this rule has assigned round-robin: the next assignee is this modulo the agents. */
    roundRobinCount: integer('round_robin_count').notNull().default(0),
    ...timestamps,
  },
  (table) => [
    // (project_id, id): a tenant table, distributable by project.
    primaryKey({ columns: [table.projectId, table.id] }),
    index('follow_up_rules_project_idx').on(table.projectId, table.position),
  ],
);
