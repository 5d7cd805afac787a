import { timestamp } from 'drizzle-orm/pg-core';

/** Millisecond precision so timestamps survive a round trip through JavaScript and cursors. */
export const instant = (name: string) => timestamp(name, { withTimezone: true, precision: 3, mode: 'date' });

/** created_at / updated_at, spread into every table that changes. */
export const timestamps = {
  createdAt: instant('created_at').notNull().defaultNow(),
  updatedAt: instant('updated_at').notNull().defaultNow(),
};
