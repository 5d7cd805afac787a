import type { Activity, ActivityType, Actor } from '@closeloop/shared';
import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import type { Db, Tx } from '../db/client.ts';
import { responseActivity } from '../db/schema/index.ts';
import type { Auth } from './auth.ts';
import { uuidv7 } from './uuid7.ts';

/** The actor of a management request. */
export function actorOf(auth: Auth): Actor {
  return auth.via === 'session'
    ? { kind: 'user', id: auth.userId, name: auth.actorName }
    : { kind: 'secret_key', id: auth.keyId, name: auth.actorName };
}

export interface ActivityInput {
  responseId: string;
  type: ActivityType;
  actor: Actor;
  detail: Record<string, unknown>;
}

/** Appends activity entries (inside the transaction that made the change). */
export async function recordActivity(tx: Db | Tx, projectId: string, entries: ActivityInput[]) {
  if (entries.length === 0) return;
  // One JSON parameter for every entry (many entries when rules apply to a whole ingestion group).
  await tx.execute(sql`
    insert into ${responseActivity} (id, project_id, response_id, type, actor_kind, actor_id, actor_name, detail)
    select a.id, ${projectId}::uuid, a.response_id, a.type, a.actor_kind, a.actor_id, a.actor_name, a.detail
    from json_to_recordset(${JSON.stringify(
      entries.map((entry) => ({
        // Time-ordered ids keep the order of entries written in one transaction (same created_at).
        id: uuidv7(),
        response_id: entry.responseId,
        type: entry.type,
        actor_kind: entry.actor.kind,
        actor_id: entry.actor.id,
        actor_name: entry.actor.name,
        detail: entry.detail,
      })),
    )}::json) as a(id uuid, response_id uuid, type text, actor_kind text, actor_id uuid, actor_name text, detail jsonb)`);
}

/** The activity of one response (or of several), oldest first. */
export async function listActivity(
  db: Db,
  projectId: string,
  responseId: string | string[],
): Promise<Activity[]> {
  const ofResponses = Array.isArray(responseId)
    ? inArray(responseActivity.responseId, responseId)
    : eq(responseActivity.responseId, responseId);
  const rows = await db
    .select()
    .from(responseActivity)
    .where(and(eq(responseActivity.projectId, projectId), ofResponses))
    .orderBy(asc(responseActivity.createdAt), asc(responseActivity.id));
  return rows.map((row) => ({
    id: row.id,
    responseId: row.responseId,
    type: row.type,
    actor: { kind: row.actorKind, id: row.actorId, name: row.actorName },
    detail: row.detail,
    createdAt: row.createdAt.toISOString(),
  }));
}
