import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { unsubscribe } from '../../services/staff-notifications.ts';

const page = (title: string, body: string) =>
  `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">` +
  `<title>${title} · Closeloop</title></head><body style="font-family:system-ui,sans-serif;max-width:32rem;margin:3rem auto;padding:0 1rem">` +
  `<h1>${title}</h1>${body}</body></html>`;

const tokenQuery = z.object({ token: z.string().regex(/^[\w-]{20,64}$/, 'not an unsubscribe token') });
const kindText = {
  assigned: 'follow-ups assigned to you',
  new_follow_up: 'new follow-ups',
  daily_follow_ups: 'new follow-ups',
  overdue: 'your overdue follow-ups',
  weekly_digest: 'the weekly digest',
  webhook_disabled: '',
};

/**
 * The unsubscribe link of staff emails, usable without signing in: GET shows a button (so a mail
 * scanner that follows links changes nothing), POST unsubscribes (also RFC 8058 one-click).
 */
export const unsubscribeRoutes: FastifyPluginAsyncZod = async (app) => {
  // The page's form and one-click unsubscribe (RFC 8058) POST a form; its fields are not needed.
  app.addContentTypeParser('application/x-www-form-urlencoded', (_request, payload, done) => {
    payload.resume();
    done(null, undefined);
  });
  app.get(
    '/v1/notifications/unsubscribe',
    {
      schema: {
        tags: ['notifications'],
        summary: 'Unsubscribe page of a staff email',
        querystring: tokenQuery,
      },
    },
    async (request, reply) =>
      reply
        .type('text/html; charset=utf-8')
        .send(
          page(
            'Unsubscribe',
            `<p>Stop these Closeloop emails?</p><form method="post" action="/v1/notifications/unsubscribe?token=${encodeURIComponent(request.query.token)}"><button type="submit">Unsubscribe</button></form>`,
          ),
        ),
  );
  app.post(
    '/v1/notifications/unsubscribe',
    {
      schema: {
        tags: ['notifications'],
        summary: 'Unsubscribe (no sign-in: the token is the proof)',
        querystring: tokenQuery,
      },
    },
    async (request, reply) => {
      const { kind } = await unsubscribe(app.db, request.query.token);
      return reply
        .type('text/html; charset=utf-8')
        .send(
          page(
            'Unsubscribed',
            `<p>You will get no more emails about ${kindText[kind]}. Change this any time in the inbox under Notifications.</p>`,
          ),
        );
    },
  );
};
