import {
  normalizeTags,
  type RuleConditions,
  type RuleEffects,
  ruleCreateSchema,
  ruleSchema,
  ruleUpdateSchema,
} from '@closeloop/shared';
import { and, asc, eq, isNull } from 'drizzle-orm';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { followUpRules, staffUsers, surveys } from '../../db/schema/index.ts';
import { Errors, type FieldError, ValidationError } from '../../errors.ts';
import { projectIdOf } from '../../plugins/auth.ts';
import { toRule } from '../../services/follow-up-rules.ts';
import { managementErrors as errors, managementSecurity as security } from '../security.ts';

const idParams = z.object({ id: z.uuid() });
const notFound = (id: string) => new Errors.NotFound(`No follow-up rule ${id} in this project`);

const withUniqueTags = (effects: RuleEffects): RuleEffects => ({
  ...effects,
  addTags: normalizeTags(effects.addTags),
});

/** Follow-up rules: GET|POST /v1/follow-up-rules, PATCH|DELETE /v1/follow-up-rules/:id. */
export const followUpRuleRoutes: FastifyPluginAsyncZod = async (app) => {
  /** Checks what the schemas cannot: the survey and the assignee belong to the project. */
  const checkRule = async (projectId: string, conditions?: RuleConditions, effects?: RuleEffects) => {
    const problems: FieldError[] = [];
    if (conditions?.surveyId) {
      const [survey] = await app.db
        .select({ id: surveys.id })
        .from(surveys)
        .where(
          and(
            eq(surveys.projectId, projectId),
            eq(surveys.id, conditions.surveyId),
            isNull(surveys.deletedAt),
          ),
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
      const [user] = await app.db
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
  };

  app.get(
    '/v1/follow-up-rules',
    {
      schema: {
        tags: ['follow-up'],
        summary: 'List follow-up rules, in the order they apply',
        security,
        response: { 200: z.object({ data: z.array(ruleSchema) }), ...errors },
      },
    },
    async (request) => {
      const rows = await app.db
        .select()
        .from(followUpRules)
        .where(eq(followUpRules.projectId, projectIdOf(request)))
        .orderBy(asc(followUpRules.position), asc(followUpRules.createdAt));
      return { data: rows.map(toRule) };
    },
  );

  app.post(
    '/v1/follow-up-rules',
    {
      schema: {
        tags: ['follow-up'],
        summary: 'Create a follow-up rule (applies to responses stored from now on)',
        security,
        body: ruleCreateSchema,
        response: { 201: ruleSchema, ...errors },
      },
      config: { access: 'admin' },
    },
    async (request, reply) => {
      const projectId = projectIdOf(request);
      await checkRule(projectId, request.body.conditions, request.body.effects);
      const [row] = await app.db
        .insert(followUpRules)
        .values({ ...request.body, effects: withUniqueTags(request.body.effects), projectId })
        .returning();
      return reply.code(201).header('location', `/v1/follow-up-rules/${row!.id}`).send(toRule(row!));
    },
  );

  app.patch(
    '/v1/follow-up-rules/:id',
    {
      schema: {
        tags: ['follow-up'],
        summary: 'Change a follow-up rule',
        security,
        params: idParams,
        body: ruleUpdateSchema,
        response: { 200: ruleSchema, ...errors },
      },
      config: { access: 'admin' },
    },
    async (request) => {
      const projectId = projectIdOf(request);
      const where = and(eq(followUpRules.projectId, projectId), eq(followUpRules.id, request.params.id));
      const [current] = await app.db.select().from(followUpRules).where(where);
      if (!current) throw notFound(request.params.id);
      await checkRule(projectId, request.body.conditions, request.body.effects);
      const [row] = await app.db
        .update(followUpRules)
        .set({
          ...request.body,
          ...(request.body.effects ? { effects: withUniqueTags(request.body.effects) } : {}),
          updatedAt: new Date(),
        })
        .where(where)
        .returning();
      if (!row) throw notFound(request.params.id);
      return toRule(row);
    },
  );

  app.delete(
    '/v1/follow-up-rules/:id',
    {
      schema: {
        tags: ['follow-up'],
        summary: 'Delete a follow-up rule (follow-ups it opened stay)',
        security,
        params: idParams,
        response: { 204: z.null(), ...errors },
      },
      config: { access: 'admin' },
    },
    async (request, reply) => {
      const [row] = await app.db
        .delete(followUpRules)
        .where(
          and(eq(followUpRules.projectId, projectIdOf(request)), eq(followUpRules.id, request.params.id)),
        )
        .returning({ id: followUpRules.id });
      if (!row) throw notFound(request.params.id);
      return reply.code(204).send(null);
    },
  );
};
