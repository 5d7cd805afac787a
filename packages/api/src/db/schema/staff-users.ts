import type { StaffRole } from '@closeloop/shared';
import { sql } from 'drizzle-orm';
import { index, pgTable, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { instant, timestamps } from './columns.ts';
import { projects } from './projects.ts';

/**
 * Support staff of a project. A person belongs to one project; the email is unique across the
 * installation so signing in needs only email and password.
 */
export const staffUsers = pgTable(
  'staff_users',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    projectId: uuid('project_id')
      .notNull()
      .references(() => projects.id, { onDelete: 'cascade' }),
    /** Stored lower-case. */
    email: text('email').notNull(),
    name: text('name').notNull(),
    role: text('role').$type<StaffRole>().notNull(),
    /** `scrypt$N$r$p$salt$hash` (base64url); see services/passwords.ts. */
    passwordHash: text('password_hash').notNull(),
    lastLoginAt: instant('last_login_at'),
    /** Deactivated users keep their name on the activity they wrote but cannot sign in. */
    deactivatedAt: instant('deactivated_at'),
    ...timestamps,
  },
  (table) => [
    uniqueIndex('staff_users_email_unique').on(sql`lower(${table.email})`),
    index('staff_users_project_idx').on(table.projectId),
  ],
);
