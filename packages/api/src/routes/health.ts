import { problemSchema } from '@closeloop/shared';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { databaseRetryAfterSeconds } from '../db/unreachable.ts';
import { Errors } from '../errors.ts';

/** GET /healthz (the process is up) and GET /readyz (the database answers). */
export const healthRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/healthz',
    {
      schema: {
        tags: ['health'],
        summary: 'The process is up',
        response: { 200: z.object({ status: z.literal('ok') }) },
      },
    },
    async () => ({ status: 'ok' as const }),
  );
  app.get(
    '/readyz',
    {
      schema: {
        tags: ['health'],
        summary: 'The database is reachable',
        response: { 200: z.object({ status: z.literal('ready'), database: z.string() }), 503: problemSchema },
      },
    },
    async (_request, reply) => {
      // Answers within a second, whether the database answers, refuses or hangs.
      if (!(await app.databaseHealth.check())) {
        reply.header('retry-after', databaseRetryAfterSeconds);
        throw new Errors.Unavailable('The database is not reachable');
      }
      return { status: 'ready' as const, database: app.database.driver };
    },
  );
};
