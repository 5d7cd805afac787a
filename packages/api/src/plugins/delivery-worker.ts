import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { claimDueEmails, sendStaffEmail } from '../services/staff-email-delivery.ts';
import { enqueueWebhookDisabledEmails } from '../services/staff-notifications.ts';
import { attemptDelivery, claimDueMessages, type DeliveryOptions } from '../services/webhook-delivery.ts';

declare module 'fastify' {
  interface FastifyInstance {
    /** The background worker that delivers queued webhooks. */
    deliveryWorker: {
      /** Looks for due work now instead of at the next poll (after a change queued some). */
      wake(): void;
      /** Resolves once everything due now has been attempted (tests). */
      drain(): Promise<void>;
    };
  }
}

export interface DeliveryWorkerOptions {
  /** false: never start the loop (a process that only serves requests, or a test driving it). */
  enabled: boolean;
}

/** Messages taken per round; more rounds follow at once while there are more. */
const batchSize = 10;

/** The address of the inbox, for links in messages. */
export function inboxUrlOf(app: FastifyInstance): string {
  if (app.config.publicUrl) return `${app.config.publicUrl}/inbox/`;
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : app.config.port;
  const host = app.config.host === '0.0.0.0' || app.config.host === '::' ? 'localhost' : app.config.host;
  return `http://${host.includes(':') ? `[${host}]` : host}:${port}/inbox/`;
}

/**
 * Runs the webhook and staff email delivery loop in this process while the app is up. Every replica runs one; the
 * claim (FOR UPDATE SKIP LOCKED plus a lease) keeps them from taking the same message. On close it
 * stops taking work and waits for the attempts in flight (at most the 10 s attempt timeout).
 */
export const deliveryWorkerPlugin = fp(
  async (app: FastifyInstance, options: DeliveryWorkerOptions) => {
    const deliveryOptions: DeliveryOptions = {
      retryDelays: app.config.webhookRetryDelays,
      allowPrivate: app.config.webhookAllowPrivate,
      get inboxUrl() {
        return inboxUrlOf(app);
      },
      onEndpointDisabled: enqueueWebhookDisabledEmails,
    };
    let stopped = !options.enabled;
    let timer: NodeJS.Timeout | undefined;
    let running: Promise<number> | null = null;
    let wakeAgain = false;

    /** One round: claim, attempt in parallel, record. Resolves with the number claimed. */
    const round = async (): Promise<number> => {
      const claimed = await claimDueMessages(app.db, batchSize);
      const emails = await claimDueEmails(app.db, batchSize);
      const baseUrl = inboxUrlOf(app).replace(/\/inbox\/$/, '');
      await Promise.all([
        ...claimed.map((message) =>
          attemptDelivery(app.db, message, deliveryOptions).catch((error: unknown) =>
            app.log.error({ err: error, messageId: message.id }, 'webhook attempt could not be recorded'),
          ),
        ),
        ...emails.map((email) =>
          sendStaffEmail(app.db, email, {
            mailer: app.mailer,
            from: app.config.mailFrom,
            baseUrl,
            retryDelays: app.config.webhookRetryDelays,
          }).catch((error: unknown) =>
            app.log.error({ err: error, emailId: email.id }, 'staff email could not be recorded'),
          ),
        ),
      ]);
      return Math.max(claimed.length, emails.length);
    };

    const schedule = (delayMs: number) => {
      if (stopped) return;
      clearTimeout(timer);
      timer = setTimeout(tick, delayMs);
      timer.unref();
    };

    const tick = async () => {
      if (stopped || running) return;
      wakeAgain = false;
      let claimed = 0;
      running = round().catch((error: unknown) => {
        app.log.error({ err: error }, 'webhook delivery round failed');
        return 0;
      });
      try {
        claimed = await running;
      } finally {
        running = null;
      }
      schedule(claimed === batchSize || wakeAgain ? 0 : app.config.deliveryPollIntervalMs);
    };

    app.decorate('deliveryWorker', {
      wake: () => {
        if (stopped) return;
        if (running) wakeAgain = true;
        else schedule(0);
      },
      drain: async () => {
        while (running) await running;
        while ((await round()) > 0) {}
      },
    });

    // A change that may have queued messages wakes the worker, so deliveries start within
    // milliseconds rather than at the next poll.
    app.addHook('onResponse', async (request, reply) => {
      if (request.method !== 'GET' && request.method !== 'HEAD' && reply.statusCode < 300) {
        app.deliveryWorker.wake();
      }
    });
    app.addHook('onReady', async () => schedule(0));
    // preClose runs before the database closes (onClose), so attempts in flight can be recorded.
    app.addHook('preClose', async () => {
      stopped = true;
      clearTimeout(timer);
      while (running) await running;
    });
  },
  { name: 'closeloop-delivery-worker', dependencies: ['closeloop-database', 'closeloop-mailer'] },
);
