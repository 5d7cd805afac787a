import { bulkFollowUpUpdateSchema, problemSchema, responseRecordSchema } from '@closeloop/shared';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { authOf } from '../../plugins/auth.ts';
import { bulkUpdateFollowUps } from '../../services/follow-up.ts';
import { managementErrors as errors, managementSecurity as security } from '../security.ts';

/** POST /v1/responses/bulk: one follow-up change for up to 100 responses, all or nothing. */
export const bulkFollowUpRoute: FastifyPluginAsyncZod = async (app) => {
  app.post(
    '/v1/responses/bulk',
    {
      schema: {
        tags: ['follow-up'],
        summary: 'Change the follow-up of many responses at once: status, assignee, due date, tags',
        description:
          'All or nothing: a response that is missing (404) or cannot make the status move (409) changes ' +
          'nothing, and the problem names it. Tags are added and removed, keeping each response’s others. ' +
          'Each change is recorded as activity of its response.',
        security,
        body: bulkFollowUpUpdateSchema,
        response: { 200: z.object({ data: z.array(responseRecordSchema) }), 409: problemSchema, ...errors },
      },
      config: { access: 'agent' },
    },
    async (request) => ({ data: await bulkUpdateFollowUps(app.db, authOf(request), request.body) }),
  );
};
