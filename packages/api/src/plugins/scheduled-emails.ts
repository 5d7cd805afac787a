import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { queueScheduledEmails, type ScheduledOutcome } from '../services/staff-scheduled-emails.ts';

declare module 'fastify' {
  interface FastifyInstance {
    /** The job that queues the daily and weekly staff emails. */
    scheduledEmails: {
      /**
       * Queues what is due at `now` (default: the job's clock), for every project or one; tests
       * call it with their own clock and project.
       */
      run(now?: Date, scope?: { projectId?: string }): Promise<ScheduledOutcome>;
    };
  }
}

export interface ScheduledEmailsOptions {
  /** Seconds between runs; 0 turns the timer off (`run` still works). */
  intervalSeconds: number;
  /** The clock (tests move it). */
  now?: () => Date;
}

/**
 * Queues the daily follow-up summaries, overdue lists and weekly digests when the server is
 * ready and then every interval, in every process: each email is claimed by its dedupe key
 * before it is composed, so one process composes it and nobody gets it twice. Without SMTP
 * nothing is queued. The delivery worker sends what was queued.
 */
export const scheduledEmailsPlugin = fp(
  async (app: FastifyInstance, options: ScheduledEmailsOptions) => {
    const clock = options.now ?? (() => new Date());
    let running: Promise<ScheduledOutcome> | null = null;
    let closing = false;
    const none: ScheduledOutcome = { queued: 0, empty: 0 };

    const run = async (now = clock(), scope: { projectId?: string } = {}): Promise<ScheduledOutcome> => {
      if (closing || !app.mailer) return none;
      while (running) await running.catch(() => none);
      running = queueScheduledEmails(app.database, now, scope);
      try {
        const outcome = await running;
        if (outcome.queued > 0) {
          app.log.info({ queued: outcome.queued }, 'scheduled staff emails queued');
          app.deliveryWorker.wake();
        }
        return outcome;
      } finally {
        running = null;
      }
    };
    app.decorate('scheduledEmails', { run });

    const tick = () => {
      if (running) return;
      run().catch((error: unknown) =>
        app.log.error({ err: error }, 'scheduled staff emails failed; retrying next time'),
      );
    };
    let timer: NodeJS.Timeout | undefined;
    app.addHook('onReady', async () => {
      if (options.intervalSeconds <= 0) return;
      tick();
      timer = setInterval(tick, options.intervalSeconds * 1000);
      timer.unref();
    });
    app.addHook('preClose', async () => {
      closing = true;
      clearInterval(timer);
      await running?.catch(() => none);
    });
  },
  {
    name: 'closeloop-scheduled-emails',
    dependencies: ['closeloop-database', 'closeloop-mailer', 'closeloop-delivery-worker'],
  },
);
