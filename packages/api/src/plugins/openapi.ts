import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { jsonSchemaTransform } from 'fastify-type-provider-zod';
import { documentProblems } from '../openapi.ts';

/**
 * `/openapi.json`, generated from the routes' zod schemas (so it cannot drift from the code), and
 * the `/docs` reference. Registered before the routes, so it sees every one of them.
 */
export const openApiPlugin = fp(
  async (app: FastifyInstance) => {
    await app.register(fastifySwagger, {
      openapi: {
        openapi: '3.1.0',
        info: {
          title: 'Closeloop API',
          version: '1.0.0',
          description:
            'Collect CSAT, NPS and CES responses and follow them up. Errors are RFC 9457 problem+json; ' +
            'every response carries x-request-id.',
        },
        tags: [
          {
            name: 'webhooks',
            description:
              'Endpoints that receive events as they happen (response.created, response.updated, followup.opened, ' +
              'followup.assigned, followup.resolved, note.created), signed per Standard Webhooks (webhook-id, ' +
              'webhook-timestamp, webhook-signature: v1,<base64 HMAC-SHA256 of "id.timestamp.body">), or as Slack ' +
              'messages (format slack). Written in the transaction of the change, delivered by every API process ' +
              '(FOR UPDATE SKIP LOCKED), retried after about 5 s, 5 min, 30 min, 2 h, 5 h, 10 h and 10 h with the same ' +
              'webhook-id; an endpoint failing everything for 5 days is disabled and its owners are emailed. ' +
              'https only, and never to loopback, private, link-local or metadata addresses. In the inbox: #/webhooks.',
          },
          {
            name: 'notifications',
            description:
              'Staff email notifications (with SMTP_URL): a follow-up assigned to me (at once); new open follow-ups ' +
              '(off, at once, or a daily summary); my overdue follow-ups (daily); and a weekly digest (Mondays) with ' +
              "each survey's score, 95 % interval and change against the week before (the numbers of GET /v1/metrics " +
              'for that week), response counts, the newest detractor comments and open and overdue follow-ups. Daily ' +
              "and weekly emails come at 8:00 in the user's timeZone. Every email has plain-text and HTML parts, " +
              'inbox links and an unsubscribe link that works without signing in. In the inbox: #/notifications.',
          },
        ],
        components: {
          securitySchemes: {
            secretKey: {
              type: 'http',
              scheme: 'bearer',
              description: 'A secret key (sk_…); acts as an admin',
            },
            session: {
              type: 'apiKey',
              in: 'cookie',
              name: 'closeloop_session',
              description: 'A staff session (POST /v1/auth/login); changes also need the x-csrf-token header',
            },
          },
        },
      },
      transform: jsonSchemaTransform,
      transformObject: documentProblems,
    });
    await app.register(fastifySwaggerUi, { routePrefix: '/docs', staticCSP: true });
    app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  },
  { name: 'closeloop-openapi' },
);
