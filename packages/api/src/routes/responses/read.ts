import { responseListQuerySchema, responseListSchema, responseRecordSchema } from '@closeloop/shared';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { Errors } from '../../errors.ts';
import { projectIdOf } from '../../plugins/auth.ts';
import { getResponse, listResponses } from '../../services/responses.ts';
import { managementErrors as errors, managementSecurity as security } from '../security.ts';

/** GET /v1/responses (filters, cursor pagination) and GET /v1/responses/:id. */
export const readResponsesRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/v1/responses',
    {
      schema: {
        tags: ['responses'],
        summary: 'List responses, newest first',
        security,
        querystring: responseListQuerySchema,
        response: { 200: responseListSchema, ...errors },
      },
    },
    async (request) => listResponses(app.db, projectIdOf(request), request.query, request.auth?.userId),
  );

  app.get(
    '/v1/responses/:id',
    {
      schema: {
        tags: ['responses'],
        summary: 'Get a response',
        security,
        params: z.object({ id: z.uuid() }),
        response: { 200: responseRecordSchema, ...errors },
      },
    },
    async (request) => {
      const response = await getResponse(app.db, projectIdOf(request), request.params.id);
      if (!response) throw new Errors.NotFound(`No response ${request.params.id} in this project`);
      return response;
    },
  );
};
