import { createHash } from 'node:crypto';
import { problemSchema, widgetConfigSchema } from '@closeloop/shared';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { projectForPublicKey } from '../../plugins/widget-access.ts';
import { widgetConfig } from '../../services/surveys.ts';

/** If-None-Match (RFC 9110 §13.1.2): `*`, or a list of tags compared weakly (`W/` ignored). */
export function matchesEtag(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  if (header.trim() === '*') return true;
  const opaque = etag.replace(/^W\//, '');
  return header.split(',').some((tag) => tag.trim().replace(/^W\//, '') === opaque);
}

/** GET /v1/widget/config — appearance and active surveys for the widget; cacheable. */
export const widgetConfigRoute: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/v1/widget/config',
    {
      schema: {
        tags: ['widget'],
        summary: 'Widget configuration for a public key',
        querystring: z.object({
          key: z.string().max(100).optional().describe('The project public key (pk_…)'),
        }),
        response: {
          200: widgetConfigSchema,
          304: z.void(),
          400: problemSchema,
          401: problemSchema,
          403: problemSchema,
        },
      },
    },
    async (request, reply) => {
      const project = await projectForPublicKey(app, request, request.query.key);
      const config = await widgetConfig(app.db, project);
      const etag = `"${createHash('sha256').update(JSON.stringify(config)).digest('base64url').slice(0, 27)}"`;
      reply.header('cache-control', 'public, max-age=60, stale-while-revalidate=300');
      reply.header('etag', etag);
      if (matchesEtag(request.headers['if-none-match'], etag)) {
        // No body, so no content-type or content-length either.
        reply.removeHeader('content-type');
        return reply.code(304).send();
      }
      return config;
    },
  );
};
