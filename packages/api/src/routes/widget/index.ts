import fastifyCors from '@fastify/cors';
import type { FastifyInstance } from 'fastify';
import { createEventsRoute } from '../events/create.ts';
import { createResponsesRoute } from '../responses/create.ts';
import { widgetConfigRoute } from './config.ts';

/**
 * The widget's endpoints (public key), with CORS: preflights are answered for any origin; the
 * request itself is refused (403) when the project's allowlist does not hold the origin. The
 * refusal stays readable for the widget.
 */
export async function widgetRoutes(widget: FastifyInstance) {
  await widget.register(fastifyCors, {
    origin: true,
    methods: ['GET', 'POST'],
    maxAge: 86400,
    // The widget honours Retry-After on 429 and 503.
    exposedHeaders: ['retry-after'],
    // An OPTIONS request that is not a preflight gets the route's own answer, not a text/plain 400.
    strictPreflight: false,
  });
  // While the database cannot be reached: 503 with Retry-After at once, never a hanging request.
  widget.addHook('onRequest', widget.databaseHealth.guard);
  await widget.register(widgetConfigRoute);
  await widget.register(createResponsesRoute);
  await widget.register(createEventsRoute);
}
