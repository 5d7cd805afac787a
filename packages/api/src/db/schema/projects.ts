import type { Appearance } from '@closeloop/shared';
import { boolean, jsonb, pgTable, text, uuid } from 'drizzle-orm/pg-core';
import { timestamps } from './columns.ts';

export const projects = pgTable('projects', {
  id: uuid('id').primaryKey().defaultRandom(),
  name: text('name').notNull(),
  /** pk_…: safe to embed in pages; identifies the project to the widget endpoints. */
  publicKey: text('public_key').notNull().unique(),
  /** Origins allowed to call the widget endpoints; empty = any origin. */
  allowedOrigins: text('allowed_origins').array().notNull().default([]),
  appearance: jsonb('appearance').$type<Appearance>().notNull(),
  /** The project made on the first start of an empty embedded database. */
  isDemo: boolean('is_demo').notNull().default(false),
  ...timestamps,
});
