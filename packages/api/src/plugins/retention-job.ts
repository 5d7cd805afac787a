import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { applyRetention } from '../services/retention.ts';

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
    let running: Promise<void> | null = null;
    let closing = false;
    const run = () => {
      if (running || closing) return;
      running = applyRetention(app.db, now())
        .then((outcomes) => {
          for (const outcome of outcomes) {
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
        })
        .catch((error: unknown) => app.log.error({ err: error }, 'retention run failed; retrying next time'))
        .finally(() => {
          running = null;
        });
    };
    let timer: NodeJS.Timeout | undefined;
    app.addHook('onReady', async () => {
      run();
      timer = setInterval(run, options.intervalMinutes * 60_000);
      timer.unref();
    });
    app.addHook('preClose', async () => {
      closing = true;
      clearInterval(timer);
      await running;
    });
  },
  { name: 'closeloop-retention-job', dependencies: ['closeloop-database'] },
);
