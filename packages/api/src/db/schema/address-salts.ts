import { date, pgTable, text } from 'drizzle-orm/pg-core';
import { instant } from './columns.ts';

/**
 * One random salt per UTC day, the key of that day's client-address hashes. Salts of past days
 * are deleted, so an old hash can no longer be linked to an address.
 */
export const addressSalts = pgTable('address_salts', {
  day: date('day', { mode: 'string' }).primaryKey(),
  salt: text('salt').notNull(),
  createdAt: instant('created_at').notNull().defaultNow(),
});
