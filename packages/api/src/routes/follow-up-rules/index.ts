import { ruleCreateSchema, ruleSchema, ruleUpdateSchema } from '@closeloop/shared';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { projectIdOf } from '../../plugins/auth.ts';
import { createRule, deleteRule, listRules, updateRule } from '../../services/follow-up-rules-admin.ts';
import { idParams } from '../params.ts';
import { managementErrors as errors, managementSecurity as security } from '../security.ts';

/** Follow-up rules: GET|POST /v1/follow-up-rules, PATCH|DELETE /v1/follow-up-rules/:id. */
export const followUpRuleRoutes: FastifyPluginAsyncZod = async (app) => {
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
    async (request) => ({ data: await listRules(app.db, projectIdOf(request)) }),
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
      const rule = await createRule(app.db, projectIdOf(request), request.body);
      return reply.code(201).header('location', `/v1/follow-up-rules/${rule.id}`).send(rule);
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
    async (request) => updateRule(app.db, projectIdOf(request), request.params.id, request.body),
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
      await deleteRule(app.db, projectIdOf(request), request.params.id);
      return reply.code(204).send(null);
    },
  );
};
