/** Managing a project's follow-up rules (what they do to responses is in follow-up-rules.ts). */
import {
  normalizeTags,
  type Rule,
  type RuleConditions,
  type RuleEffects,
  type ruleCreateSchema,
  type ruleUpdateSchema,
} from '@closeloop/shared';
import { and, asc, eq, isNull } from 'drizzle-orm';
import type { z } from 'zod';
import type { Db } from '../db/client.ts';
import { followUpRules, staffUsers, surveys } from '../db/schema/index.ts';
import { Errors, type FieldError, ValidationError } from '../errors.ts';
import { toRule } from './follow-up-rules.ts';

const notFound = (id: string) => new Errors.NotFound(`No follow-up rule ${id} in this project`);

const withUniqueTags = (effects: RuleEffects): RuleEffects => ({
  ...effects,
  addTags: normalizeTags(effects.addTags),
});

/** Checks what the schemas cannot: the survey and the assignee belong to the project. */
async function checkRule(db: Db, projectId: string, conditions?: RuleConditions, effects?: RuleEffects) {
  const problems: FieldError[] = [];
  if (conditions?.surveyId) {
    const [survey] = await db
      .select({ id: surveys.id })
      .from(surveys)
      .where(
        and(eq(surveys.projectId, projectId), eq(surveys.id, conditions.surveyId), isNull(surveys.deletedAt)),
      );
    if (!survey)
      problems.push({ path: 'conditions.surveyId', message: 'no survey with this id in this project' });
  }
  if (
    conditions &&
    conditions.scoreAtLeast !== null &&
    conditions.scoreAtMost !== null &&
    conditions.scoreAtLeast > conditions.scoreAtMost
  ) {
    problems.push({ path: 'conditions.scoreAtLeast', message: 'must not be above scoreAtMost' });
  }
  if (effects?.assign?.type === 'user') {
    const [user] = await db
      .select({ role: staffUsers.role })
      .from(staffUsers)
      .where(
        and(
          eq(staffUsers.projectId, projectId),
          eq(staffUsers.id, effects.assign.userId),
          isNull(staffUsers.deactivatedAt),
        ),
      );
    if (!user || user.role === 'viewer') {
      problems.push({
        path: 'effects.assign.userId',
        message: 'no active agent, admin or owner with this id in this project',
      });
    }
  }
  if (problems.length > 0) throw new ValidationError(problems);
}

/** The project's follow-up rules, in the order they apply. */
export async function listRules(db: Db, projectId: string): Promise<Rule[]> {
  const rows = await db
    .select()
    .from(followUpRules)
    .where(eq(followUpRules.projectId, projectId))
    .orderBy(asc(followUpRules.position), asc(followUpRules.createdAt));
  return rows.map(toRule);
}

/** Creates a follow-up rule (applies to responses stored from then on). */
export async function createRule(
  db: Db,
  projectId: string,
  input: z.output<typeof ruleCreateSchema>,
): Promise<Rule> {
  await checkRule(db, projectId, input.conditions, input.effects);
  const [row] = await db
    .insert(followUpRules)
    .values({ ...input, effects: withUniqueTags(input.effects), projectId })
    .returning();
  return toRule(row!);
}

/** Changes a follow-up rule; 404 when the project has no such rule. */
export async function updateRule(
  db: Db,
  projectId: string,
  id: string,
  changes: z.output<typeof ruleUpdateSchema>,
): Promise<Rule> {
  const where = and(eq(followUpRules.projectId, projectId), eq(followUpRules.id, id));
  const [current] = await db.select().from(followUpRules).where(where);
  if (!current) throw notFound(id);
  await checkRule(db, projectId, changes.conditions, changes.effects);
  const [row] = await db
    .update(followUpRules)
    .set({
      ...changes,
      ...(changes.effects ? { effects: withUniqueTags(changes.effects) } : {}),
      updatedAt: new Date(),
    })
    .where(where)
    .returning();
  if (!row) throw notFound(id);
  return toRule(row);
}

/** Deletes a follow-up rule (the follow-ups it opened stay); 404 when there is none. */
export async function deleteRule(db: Db, projectId: string, id: string): Promise<void> {
  const [row] = await db
    .delete(followUpRules)
    .where(and(eq(followUpRules.projectId, projectId), eq(followUpRules.id, id)))
    .returning({ id: followUpRules.id });
  if (!row) throw notFound(id);
}
