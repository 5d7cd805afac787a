import type { Appearance } from '@closeloop/shared';
import { boolean, integer, jsonb, pgTable, text, uuid } from 'drizzle-orm/pg-core';
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
  /**
   * Days a response keeps who gave it and what they wrote; after that the retention job removes
   * the comment, respondent link, traits and page URLs (the score, survey, time and locale stay).
   * Null: kept until erased.
   */
  retentionDays: integer('retention_days'),
  /**
   * idsec_…: the key of the HMAC that the site's backend signs external ids with. Kept as given
   * (not hashed) because verifying an HMAC needs the key itself; null until one is made.
   */
  identitySecret: text('identity_secret'),
  /** `required`: only signed identities change a stored respondent; `off`: unsigned ones may too. */
  identityVerification: text('identity_verification')
    .$type<'off' | 'required'>()
    .notNull()
    .default('required'),
  ...timestamps,
});
