import { acceptedSchema, eventBatchSchema, problemSchema } from '@closeloop/shared';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { itemsIn, publicKeyInBody } from '../../plugins/widget-access.ts';
import { eventsBodyLimit } from '../../plugins/widget-body-limits.ts';
import { ingestEvents } from '../../services/ingest.ts';

/** POST /v1/events — impressions and dismissals for response rates. */
export const createEventsRoute: FastifyPluginAsyncZod = async (app) => {
  app.post(
    '/v1/events',
    {
      schema: {
        tags: ['widget'],
        summary: 'Store widget events (shown, dismissed)',
        body: eventBatchSchema,
        response: {
          202: acceptedSchema,
          400: problemSchema,
          401: problemSchema,
          403: problemSchema,
          413: problemSchema,
          429: problemSchema,
        },
      },
      // The largest valid batch, not the 1 MiB of other routes.
      bodyLimit: eventsBodyLimit,
      // The limit counts events, not requests: a batch of 100 takes 100 turns.
      preValidation: [
        app.rateLimits.limit({
          name: 'events',
          max: app.config.ingestRateLimit,
          timeWindow: 60_000,
          weigh: itemsIn('events'),
        }),
        publicKeyInBody(app),
      ],
    },
    async (request, reply) => {
      const project = request.widgetProject!;
      const accepted = await ingestEvents(app.db, project.id, request.body.events);
      return reply.code(202).send({ accepted });
    },
  );
};
