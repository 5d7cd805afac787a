import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { maintainEmbeddedDatabase } from '../services/embedded-maintenance.ts';
import { periodicJob } from './periodic-job.ts';

export interface EmbeddedMaintenanceOptions {
  /** Minutes between runs; 0 turns the job off. */
  intervalMinutes: number;
}

/**
 * The embedded database's stand-in for autovacuum and the checkpointer: every interval (not at
 * start, so short-lived apps never run it), the tables that grew are vacuumed and analyzed and a
 * checkpoint is taken (services/embedded-maintenance.ts). One run at a time; a failed run is
 * logged and the next one tries again. Nothing on Postgres, whose own processes do this.
 */
export const embeddedMaintenancePlugin = fp(
  async (app: FastifyInstance, options: EmbeddedMaintenanceOptions) => {
    if (options.intervalMinutes <= 0 || app.database.driver !== 'pglite') return;
    periodicJob(app, {
      intervalMinutes: options.intervalMinutes,
      atStart: false,
      failure: 'database maintenance failed; retrying next time',
      work: async () => {
        const started = performance.now();
        const { tables, checkpoint } = await maintainEmbeddedDatabase(app.database);
        if (tables.length > 0 || checkpoint) {
          app.log.info(
            { tables, checkpoint, ms: Math.round(performance.now() - started) },
            'database maintained',
          );
        }
      },
    });
  },
  { name: 'closeloop-embedded-maintenance', dependencies: ['closeloop-database'] },
);
