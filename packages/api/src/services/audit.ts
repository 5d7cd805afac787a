import type { AuditEntry, AuditQuery } from '@closeloop/shared';
import { and, desc, eq, gte, like, lt, or, type SQL } from 'drizzle-orm';
import type { Db, Tx } from '../db/client.ts';
import { type AuditActorKind, auditLog } from '../db/schema/index.ts';
import { assertTimeRange } from '../errors.ts';
import type { Auth } from '../plugins/auth.ts';
import { decodeCursor, encodeCursor } from './cursor.ts';
import { uuidv7 } from './uuid7.ts';

/** Who acted: a staff user, a secret key, or Closeloop itself (retention). */
export interface AuditActor {
  kind: AuditActorKind;
  id: string | null;
  name: string;
}

/** The actor of a management request: its staff user or secret key. */
export function auditActorOf(auth: Auth): AuditActor {
  return auth.via === 'session'
    ? { kind: 'user', id: auth.userId, name: auth.actorName }
    : { kind: 'secret_key', id: auth.keyId, name: auth.actorName };
}

/** The actor that runs scheduled jobs. */
export const systemActor: AuditActor = { kind: 'system', id: null, name: 'Closeloop' };

export interface AuditInput {
  projectId: string;
  actor: AuditActor;
  /** `area.verb`: survey.created, key.revoked, respondent.erased, auth.signed_in … */
  action: string;
  target?: { type: string; id: string | null } | null;
  /** Ids, counts and field names only: never the personal data the action touched. */
  detail?: Record<string, unknown>;
  at?: Date;
}

/**
 * Appends an entry to the project's audit log. Pass the transaction of the action itself when it
 * has one, so the entry exists exactly when the action happened.
 */
export async function recordAudit(db: Db | Tx, input: AuditInput): Promise<void> {
  await db.insert(auditLog).values({
    projectId: input.projectId,
    id: uuidv7(),
    ...(input.at ? { at: input.at } : {}),
    actorKind: input.actor.kind,
    actorId: input.actor.id,
    actorName: input.actor.name,
    action: input.action,
    targetType: input.target?.type ?? null,
    targetId: input.target?.id ?? null,
    detail: input.detail ?? {},
  });
}

type AuditRow = typeof auditLog.$inferSelect;

function toAuditEntry(row: AuditRow): AuditEntry {
  return {
    id: row.id,
    at: row.at.toISOString(),
    actor: { kind: row.actorKind, id: row.actorId, name: row.actorName },
    action: row.action,
    target: row.targetType ? { type: row.targetType, id: row.targetId } : null,
    detail: row.detail,
  };
}

/** Escapes LIKE wildcards so an action prefix matches literally. */
const likePrefix = (text: string) => `${text.replace(/[\\%_]/g, (char) => `\\${char}`)}%`;

/** One page of the audit log, newest first, with a cursor to the next page. */
export async function listAudit(db: Db, projectId: string, query: AuditQuery) {
  if (query.from && query.to) assertTimeRange(new Date(query.from), new Date(query.to));
  const conditions: SQL[] = [eq(auditLog.projectId, projectId)];
  if (query.action) {
    conditions.push(
      query.action.endsWith('.')
        ? like(auditLog.action, likePrefix(query.action))
        : eq(auditLog.action, query.action),
    );
  }
  if (query.actorKind) conditions.push(eq(auditLog.actorKind, query.actorKind));
  if (query.actorId) conditions.push(eq(auditLog.actorId, query.actorId));
  if (query.from) conditions.push(gte(auditLog.at, new Date(query.from)));
  if (query.to) conditions.push(lt(auditLog.at, new Date(query.to)));
  if (query.cursor) {
    const position = decodeCursor(query.cursor);
    conditions.push(
      or(lt(auditLog.at, position.at), and(eq(auditLog.at, position.at), lt(auditLog.id, position.id)))!,
    );
  }
  const rows = await db
    .select()
    .from(auditLog)
    .where(and(...conditions))
    .orderBy(desc(auditLog.at), desc(auditLog.id))
    .limit(query.limit + 1);
  const page = rows.slice(0, query.limit);
  const last = page.at(-1);
  return {
    data: page.map(toAuditEntry),
    nextCursor: rows.length > query.limit && last ? encodeCursor({ at: last.at, id: last.id }) : null,
  };
}
