import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { createMailer, type Mailer } from '../services/mail.ts';

declare module 'fastify' {
  interface FastifyInstance {
    /** SMTP mailer for replies to respondents; null when SMTP_URL is not set. */
    mailer: Mailer | null;
  }
}

/** Decorates the app with the mailer configured by SMTP_URL and closes its connections on shutdown. */
export const mailerPlugin = fp(
  async (app: FastifyInstance) => {
    const mailer = createMailer(app.config.smtpUrl);
    app.decorate('mailer', mailer);
    if (mailer) app.addHook('onClose', async () => mailer.close());
  },
  { name: 'closeloop-mailer' },
);
