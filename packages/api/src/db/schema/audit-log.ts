import { index, jsonb, pgTable, primaryKey, text, uuid } from 'drizzle-orm/pg-core';
import { instant } from './columns.ts';
import { projects } from './projects.ts';

/** Who did something to a project. */
export type AuditActorKind = 'user' | 'secret_key' | 'system';

/**
 * The project's append-only audit log of staff and key actions: sign-ins, users and roles, keys,
 * survey and rule changes, exports, erasures, settings. Nothing in the API updates or deletes an
 * entry; entries hold ids and counts, never the personal data an action touched.
 */
export const auditLog = pgTable(
  'audit_log',
  {
    projectId: uuid('project_id')
      .notNull()
      .references(() => projects.id, { onDelete: 'cascade' }),
    /** UUIDv7: entries written in one millisecond keep their order. */
    id: uuid('id').notNull(),
    at: instant('at').notNull().defaultNow(),
    actorKind: text('actor_kind').$type<AuditActorKind>().notNull(),
    /** The staff user or secret key; null for the system (retention). */
    actorId: uuid('actor_id'),
    /** The actor's name at the time, so the log reads the same after renames. */
    actorName: text('actor_name').notNull(),
    /** What happened, e.g. `survey.updated`, `respondent.erased`. */
    action: text('action').notNull(),
    targetType: text('target_type'),
    targetId: text('target_id'),
    detail: jsonb('detail').$type<Record<string, unknown>>().notNull().default({}),
  },
  (table) => [
    primaryKey({ columns: [table.projectId, table.id] }),
    index('audit_log_at_idx').on(table.projectId, table.at, table.id),
    index('audit_log_action_idx').on(table.projectId, table.action, table.at),
  ],
);
