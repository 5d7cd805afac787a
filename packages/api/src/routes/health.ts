import { problemSchema } from '@closeloop/shared';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { databaseRetryAfterSeconds } from '../db/unreachable.ts';
import { Errors } from '../errors.ts';
import { answersWithin } from '../plugins/read-database.ts';

/** How long the read replica may take to answer /readyz, in milliseconds. */
const replicaProbeMs = 600;

/**
 * GET /healthz (the process is up) and GET /readyz (the database answers; with DATABASE_READ_URL,
 * also whether the replica does).
 */
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
        description:
          'With a read replica (DATABASE_READ_URL), `readDatabase` says whether it answers. A replica that does ' +
          'not answer leaves the API ready (ingestion and the inbox work on the primary); the reads sent to it ' +
          'answer 503 until it is back.',
        response: {
          200: z.object({
            status: z.literal('ready'),
            database: z.string(),
            readDatabase: z.enum(['ready', 'unreachable']).optional(),
          }),
          503: problemSchema,
        },
      },
    },
    async (_request, reply) => {
      // Answers within a second, whether the database answers, refuses or hangs.
      const replica = app.readDatabase === app.database ? undefined : app.readDatabase;
      const [reachable, replicaAnswers] = await Promise.all([
        app.databaseHealth.check(),
        replica ? answersWithin(replica, replicaProbeMs) : undefined,
      ]);
      if (replicaAnswers === false) app.log.warn('The read replica (DATABASE_READ_URL) does not answer');
      if (!reachable) {
        reply.header('retry-after', databaseRetryAfterSeconds);
        throw new Errors.Unavailable('The database is not reachable');
      }
      return {
        status: 'ready' as const,
        database: app.database.driver,
        ...(replica ? { readDatabase: replicaAnswers ? ('ready' as const) : ('unreachable' as const) } : {}),
      };
    },
  );
};
