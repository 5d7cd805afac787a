import type { ServerResponse } from 'node:http';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { projectIdOf } from '../../plugins/auth.ts';
import { watch } from '../../services/live.ts';
import { managementErrors as errors, managementSecurity as security } from '../security.ts';

/** How often a comment line keeps an idle stream open through proxies. */
const heartbeatMs = 25_000;

/**
 * GET /v1/inbox/events: server-sent events for the inbox. `created` when responses arrive,
 * `updated` when follow-ups change; `data` is `{ "type", "responseIds" }`. The inbox refetches
 * what it shows, so the events carry ids only, never response content.
 */
export const inboxEventsRoute: FastifyPluginAsyncZod = async (app) => {
  const streams = new Set<ServerResponse>();
  // Open streams end when the server shuts down, so they never hold the shutdown open.
  app.addHook('preClose', async () => {
    for (const stream of streams) stream.end();
  });

  app.get(
    '/v1/inbox/events',
    {
      schema: {
        tags: ['follow-up'],
        summary: 'Live inbox updates as server-sent events (text/event-stream)',
        description:
          'Events: `created` (new responses) and `updated` (follow-up changes), each with data ' +
          '`{"type":"created","responseIds":["…"]}`. A comment line every 25 s keeps the stream open. ' +
          'Changes are heard from the replica serving the stream.',
        security,
        produces: ['text/event-stream'],
        response: { 200: z.string().describe('An event stream'), ...errors },
      },
    },
    async (request, reply) => {
      const projectId = projectIdOf(request);
      reply.hijack();
      const stream = reply.raw;
      stream.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-store',
        'x-request-id': request.id,
        // Proxies (nginx) would otherwise hold the events back in a buffer.
        'x-accel-buffering': 'no',
      });
      stream.write('retry: 5000\n: connected\n\n');
      streams.add(stream);
      const stop = watch(projectId, (change) => {
        stream.write(`event: ${change.type}\ndata: ${JSON.stringify(change)}\n\n`);
      });
      const heartbeat = setInterval(() => stream.write(': keep-alive\n\n'), heartbeatMs);
      const end = () => {
        clearInterval(heartbeat);
        stop();
        streams.delete(stream);
      };
      stream.on('close', end);
    },
  );
};
