import { acceptedSchema, eventBatchSchema } from '@closeloop/shared';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { widgetBatchChecks } from '../../plugins/widget-access.ts';
import { eventsBodyLimit } from '../../plugins/widget-body-limits.ts';
import { ingestEvents } from '../../services/ingest.ts';
import { widgetBatchErrors } from '../security.ts';

/** POST /v1/events — impressions and dismissals for response rates. */
export const createEventsRoute: FastifyPluginAsyncZod = async (app) => {
  app.post(
    '/v1/events',
    {
      schema: {
        tags: ['widget'],
        summary: 'Store widget events (shown, dismissed)',
        body: eventBatchSchema,
        response: { 202: acceptedSchema, ...widgetBatchErrors },
      },
      // The largest valid batch, not the 1 MiB of other routes.
      bodyLimit: eventsBodyLimit,
      preValidation: widgetBatchChecks(app, 'events'),
    },
    async (request, reply) => {
      const project = request.widgetProject!;
      const accepted = await ingestEvents(app.db, project.id, request.body.events);
      return reply.code(202).send({ accepted });
    },
  );
};
