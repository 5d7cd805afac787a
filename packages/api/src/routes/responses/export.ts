import { responseListQuerySchema } from '@closeloop/shared';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { projectIdOf } from '../../plugins/auth.ts';
import { exportResponses } from '../../services/export.ts';
import { managementErrors, managementSecurity } from '../security.ts';

const exportQuerySchema = responseListQuerySchema
  .omit({ limit: true, cursor: true })
  .extend({ format: z.enum(['csv', 'ndjson']).default('csv') });

/** GET /v1/responses/export?format=csv|ndjson — streamed, with the list's filters. */
export const exportResponsesRoute: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/v1/responses/export',
    {
      schema: {
        tags: ['responses'],
        summary: 'Export responses as CSV or NDJSON (streamed, oldest first)',
        description:
          'UTF-8 with a header row (CSV). Cells starting with = + - @, tab or carriage return are prefixed ' +
          'with an apostrophe so spreadsheets do not run them as formulas. The tags cell lists the tags ' +
          'separated by ", " (a tag never holds a comma).',
        security: managementSecurity,
        querystring: exportQuerySchema,
        // /openapi.json names the media types of the 200 (see openapi.ts).
        response: { 200: z.string().describe('CSV or NDJSON, streamed'), ...managementErrors },
      },
    },
    async (request, reply) => {
      const { format, ...filters } = request.query;
      const stream = await exportResponses(
        app.readDatabaseFor(request).db,
        projectIdOf(request),
        filters,
        format,
        request.auth?.userId,
      );
      const stamp = new Date().toISOString().slice(0, 10);
      reply
        .header(
          'content-type',
          format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson; charset=utf-8',
        )
        .header('content-disposition', `attachment; filename="responses-${stamp}.${format}"`)
        .header('cache-control', 'no-store');
      // Streams bypass the serializer; the schema above documents the body.
      return reply.send(stream as never);
    },
  );
};
