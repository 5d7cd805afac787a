/**
 * The quarantine: responses over the counted budget are stored but left out of metrics and
 * follow-up rules until staff accept them (they count from then on) or reject them (deleted, and
 * the rejection kept in the project's audit log).
 */
import { and, eq, inArray } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { respondents, responses } from '../db/schema/index.ts';
import type { Auth } from '../plugins/auth.ts';
import { auditActorOf, recordAudit } from './audit.ts';
import { catalogOf } from './catalog.ts';
import { applyRules } from './follow-up-rules.ts';

export type QuarantineDecision = 'accept' | 'reject';

/**
 * Accepts or rejects quarantined responses of the caller's project; ids that are not quarantined
 * (or not there) are left alone. Returns the ids decided, in the order given.
 */
export async function decideQuarantined(
  db: Db,
  auth: Auth,
  ids: string[],
  decision: QuarantineDecision,
): Promise<string[]> {
  const projectId = auth.projectId;
  const wanted = [...new Set(ids.map((id) => id.toLowerCase()))];
  const rules = decision === 'accept' ? await catalogOf(db).enabledRules(projectId) : [];
  const decided = await db.transaction(async (tx) => {
    const where = and(
      eq(responses.projectId, projectId),
      inArray(responses.id, wanted),
      eq(responses.quarantined, true),
    );
    let done: string[];
    if (decision === 'reject') {
      done = (await tx.delete(responses).where(where).returning({ id: responses.id })).map((row) => row.id);
    } else {
      const rows = await tx
        .update(responses)
        .set({ quarantined: false, updatedAt: new Date() })
        .where(where)
        .returning();
      done = rows.map((row) => row.id);
      // Counted from now on: the follow-up rules judge it as if it had just arrived.
      const respondentIds = rows.map((row) => row.respondentId).filter((id): id is string => id !== null);
      const traitsOf = new Map(
        respondentIds.length === 0
          ? []
          : (
              await tx
                .select({ id: respondents.id, traits: respondents.traits })
                .from(respondents)
                .where(and(eq(respondents.projectId, projectId), inArray(respondents.id, respondentIds)))
            ).map((row) => [row.id, row.traits]),
      );
      await applyRules(
        tx,
        projectId,
        rows.map((row) => ({
          id: row.id,
          surveyId: row.surveyId,
          kind: row.kind,
          score: row.score,
          comment: row.comment,
          traits: (row.respondentId ? traitsOf.get(row.respondentId) : row.claimedRespondent?.traits) ?? {},
        })),
        { rules },
      );
    }
    if (done.length > 0) {
      await recordAudit(tx, {
        projectId,
        actor: auditActorOf(auth),
        action: decision === 'accept' ? 'quarantine.accepted' : 'quarantine.rejected',
        target: { type: 'response', id: null },
        detail: { count: done.length, responseIds: done },
      });
    }
    return new Set(done);
  });
  return wanted.filter((id) => decided.has(id));
}
