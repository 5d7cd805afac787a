import { integer, pgTable, primaryKey, smallint, uuid } from 'drizzle-orm/pg-core';
import { instant } from './columns.ts';
import { projects } from './projects.ts';

const responseRollupColumns = () => ({
  projectId: uuid('project_id')
    .notNull()
    .references(() => projects.id, { onDelete: 'cascade' }),
  surveyId: uuid('survey_id').notNull(),
  /** The start of the slot (UTC, a multiple of the level's step: 15 minutes, an hour or a day). */
  slot: instant('slot').notNull(),
  score: smallint('score').notNull(),
  responses: integer('responses').notNull(),
});

const eventRollupColumns = () => ({
  projectId: uuid('project_id')
    .notNull()
    .references(() => projects.id, { onDelete: 'cascade' }),
  surveyId: uuid('survey_id').notNull(),
  slot: instant('slot').notNull(),
  shown: integer('shown').notNull(),
  dismissed: integer('dismissed').notNull(),
});

/**
 * Scores counted per survey, 15-minute slot and score: what /v1/metrics reads instead of the
 * rows. 15 minutes is the finest step of any UTC offset, so every day, week and month boundary
 * in every time zone falls on a slot boundary. Kept by triggers on `responses` (migration 0011):
 * every insert, delete or change of a counted row adjusts its slot in the same transaction.
 */
export const responseRollups = pgTable(
  'response_rollups',
  {
    projectId: uuid('project_id')
      .notNull()
      .references(() => projects.id, { onDelete: 'cascade' }),
    surveyId: uuid('survey_id').notNull(),
    /** The start of the slot (UTC, a multiple of 15 minutes). */
    slot: instant('slot').notNull(),
    score: smallint('score').notNull(),
    responses: integer('responses').notNull(),
  },
  (table) => [primaryKey({ columns: [table.projectId, table.surveyId, table.slot, table.score] })],
);

/** Widget impressions (shown) and dismissals per survey and 15-minute slot, kept by triggers on `events`. */
export const eventRollups = pgTable(
  'event_rollups',
  {
    projectId: uuid('project_id')
      .notNull()
      .references(() => projects.id, { onDelete: 'cascade' }),
    surveyId: uuid('survey_id').notNull(),
    slot: instant('slot').notNull(),
    shown: integer('shown').notNull(),
    dismissed: integer('dismissed').notNull(),
  },
  (table) => [primaryKey({ columns: [table.projectId, table.surveyId, table.slot] })],
);

/**
 * The same counts per UTC hour and per UTC day (migration 0017), kept by the same triggers in the
 * same statements' transaction, so a bucket reads its whole days, then the whole hours and quarter
 * hours at its ends.
 */
export const responseRollupsHours = pgTable('response_rollups_hours', responseRollupColumns(), (table) => [
  primaryKey({ columns: [table.projectId, table.surveyId, table.slot, table.score] }),
]);

export const responseRollupsDays = pgTable('response_rollups_days', responseRollupColumns(), (table) => [
  primaryKey({ columns: [table.projectId, table.surveyId, table.slot, table.score] }),
]);

export const eventRollupsHours = pgTable('event_rollups_hours', eventRollupColumns(), (table) => [
  primaryKey({ columns: [table.projectId, table.surveyId, table.slot] }),
]);

export const eventRollupsDays = pgTable('event_rollups_days', eventRollupColumns(), (table) => [
  primaryKey({ columns: [table.projectId, table.surveyId, table.slot] }),
]);
