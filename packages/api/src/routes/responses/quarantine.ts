import { quarantineDecisionSchema } from '@closeloop/shared';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { decideQuarantined } from '../../services/quarantine.ts';
import { managementErrors as errors, managementSecurity as security } from '../security.ts';

/**
 * The quarantine queue's decisions: POST /v1/responses/quarantine/accept (the responses count
 * from now on) and …/reject (deleted; the rejection is kept in the audit log).
 */
export const quarantineRoutes: FastifyPluginAsyncZod = async (app) => {
  app.post(
    '/v1/responses/quarantine/accept',
    {
      schema: {
        tags: ['responses'],
        summary: 'Accept quarantined responses: they count for metrics and follow-up rules from now on',
        security,
        body: quarantineDecisionSchema,
        response: { 200: z.object({ accepted: z.array(z.uuid()) }), ...errors },
      },
      config: { access: 'agent' },
    },
    async (request) => ({
      accepted: await decideQuarantined(app.db, request.auth!, request.body.ids, 'accept'),
    }),
  );

  app.post(
    '/v1/responses/quarantine/reject',
    {
      schema: {
        tags: ['responses'],
        summary: 'Reject quarantined responses: they are deleted, and the rejection is logged',
        security,
        body: quarantineDecisionSchema,
        response: { 200: z.object({ rejected: z.array(z.uuid()) }), ...errors },
      },
      config: { access: 'agent' },
    },
    async (request, reply) => {
      const rejected = await decideQuarantined(app.db, request.auth!, request.body.ids, 'reject');
      request.log.info(
        { rejected: rejected.length, by: request.auth!.actorName },
        'quarantined responses rejected',
      );
      return reply.send({ rejected });
    },
  );
};
