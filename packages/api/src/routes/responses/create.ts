import { acceptedSchema, problemSchema, responseBatchSchema } from '@closeloop/shared';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { widgetBatchChecks } from '../../plugins/widget-access.ts';
import { responsesBodyLimit } from '../../plugins/widget-body-limits.ts';
import { ingestResponses } from '../../services/ingest.ts';
import { widgetBatchErrors } from '../security.ts';

/** POST /v1/responses — exactly-once ingestion; 202 only after commit. */
export const createResponsesRoute: FastifyPluginAsyncZod = async (app) => {
  app.post(
    '/v1/responses',
    {
      schema: {
        tags: ['widget'],
        summary: 'Store responses (JSON sent as application/json or text/plain)',
        description:
          'Re-sending a response id never stores it twice; a later send with the same id adds a comment. ' +
          'An invalid item rejects the whole request and nothing is stored.',
        body: responseBatchSchema,
        response: { 202: acceptedSchema, 409: problemSchema, ...widgetBatchErrors },
      },
      // The largest valid batch, not the 1 MiB of other routes.
      bodyLimit: responsesBodyLimit,
      preValidation: widgetBatchChecks(app, 'responses'),
    },
    async (request, reply) => {
      const project = request.widgetProject!;
      const accepted = await ingestResponses(app.db, project.id, request.body.responses, {
        identity: { secret: project.identitySecret, verification: project.identityVerification },
        clientAddress: request.ip,
        budget: {
          perAddressPerHour: app.config.ingestSurveyBudget,
          perRespondentPerDay: app.config.ingestRespondentBudget,
        },
      });
      return reply.code(202).send({ accepted });
    },
  );
};
