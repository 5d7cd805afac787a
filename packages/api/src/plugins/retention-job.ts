import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { applyRetention } from '../services/retention.ts';
import { periodicJob } from './periodic-job.ts';

export interface RetentionJobOptions {
  /** Minutes between runs; 0 turns the job off. */
  intervalMinutes: number;
  /** The clock (tests move it). */
  now?: () => Date;
}

/**
 * Applies the projects' retention periods when the server is ready and then every interval, in
 * every process; advisory locks in the service let one runner at a time work on a project. A
 * failed run is logged and the next one tries again.
 */
export const retentionJobPlugin = fp(
  async (app: FastifyInstance, options: RetentionJobOptions) => {
    if (options.intervalMinutes <= 0) return;
    const now = options.now ?? (() => new Date());
    periodicJob(app, {
      intervalMinutes: options.intervalMinutes,
      atStart: true,
      failure: 'retention run failed; retrying next time',
      work: async () => {
        for (const outcome of await applyRetention(app.db, now())) {
          if (outcome.responses + outcome.respondents > 0) {
            app.log.info(
              {
                projectId: outcome.projectId,
                responses: outcome.responses,
                respondents: outcome.respondents,
              },
              'retention applied',
            );
          }
        }
      },
    });
  },
  { name: 'closeloop-retention-job', dependencies: ['closeloop-database'] },
);
