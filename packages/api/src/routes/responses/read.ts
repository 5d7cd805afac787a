import { responseListQuerySchema, responseListSchema, responseRecordSchema } from '@closeloop/shared';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { projectIdOf } from '../../plugins/auth.ts';
import { listResponses, requireResponse } from '../../services/responses.ts';
import { idParams } from '../params.ts';
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
    async (request) =>
      listResponses(
        app.readDatabaseFor(request).db,
        projectIdOf(request),
        request.query,
        request.auth?.userId,
      ),
  );

  app.get(
    '/v1/responses/:id',
    {
      schema: {
        tags: ['responses'],
        summary: 'Get a response',
        security,
        params: idParams,
        response: { 200: responseRecordSchema, ...errors },
      },
    },
    async (request) => requireResponse(app.db, projectIdOf(request), request.params.id),
  );
};
