import type { FastifyInstance } from 'fastify';

/**
 * Runs `work` every `intervalMinutes` once the app is ready (and at once when `atStart`), one run
 * at a time: a tick that finds a run still going skips. A failed run is logged with `failure` and
 * the next tick tries again. Closing stops the timer and waits for a run in progress.
 */
export function periodicJob(
  app: FastifyInstance,
  options: { intervalMinutes: number; atStart: boolean; failure: string; work: () => Promise<void> },
) {
  let running: Promise<void> | null = null;
  let closing = false;
  const run = () => {
    if (running || closing) return;
    running = options
      .work()
      .catch((error: unknown) => app.log.error({ err: error }, options.failure))
      .finally(() => {
        running = null;
      });
  };
  let timer: NodeJS.Timeout | undefined;
  app.addHook('onReady', async () => {
    if (options.atStart) run();
    timer = setInterval(run, options.intervalMinutes * 60_000);
    timer.unref();
  });
  app.addHook('preClose', async () => {
    closing = true;
    clearInterval(timer);
    await running;
  });
}
