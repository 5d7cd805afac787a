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

/** A roll-up of response scores per survey, slot and score, at one level. */
const responseRollupTable = <Name extends string>(name: Name) =>
  pgTable(name, responseRollupColumns(), (table) => [
    primaryKey({ columns: [table.projectId, table.surveyId, table.slot, table.score] }),
  ]);

/** A roll-up of impressions (shown) and dismissals per survey and slot, at one level. */
const eventRollupTable = <Name extends string>(name: Name) =>
  pgTable(name, eventRollupColumns(), (table) => [
    primaryKey({ columns: [table.projectId, table.surveyId, table.slot] }),
  ]);

/**
 * Scores counted per survey, 15-minute slot and score: what /v1/metrics reads instead of the
 * rows. 15 minutes is the finest step of any UTC offset, so every day, week and month boundary
 * in every time zone falls on a slot boundary. Kept by triggers on `responses` (migration 0011):
 * every insert, delete or change of a counted row adjusts its slot in the same transaction.
 */
export const responseRollups = responseRollupTable('response_rollups');

/** Widget impressions (shown) and dismissals per survey and 15-minute slot, kept by triggers on `events`. */
export const eventRollups = eventRollupTable('event_rollups');

/**
 * The same counts per UTC hour and per UTC day (migration 0017), kept by the same triggers in the
 * same statements' transaction, so a bucket reads its whole days, then the whole hours and quarter
 * hours at its ends.
 */
export const responseRollupsHours = responseRollupTable('response_rollups_hours');
export const responseRollupsDays = responseRollupTable('response_rollups_days');
export const eventRollupsHours = eventRollupTable('event_rollups_hours');
export const eventRollupsDays = eventRollupTable('event_rollups_days');
