import fastifyUnderPressure from '@fastify/under-pressure';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';

export interface UnderPressureOptions {
  /** The database is the embedded PGlite, which runs in this thread. */
  embeddedDatabase: boolean;
}

/** 503 (problem+json, with the reason) instead of collapse when the event loop stalls. */
export const underPressurePlugin = fp(
  async (app: FastifyInstance, options: UnderPressureOptions) => {
    await app.register(fastifyUnderPressure, {
      // PGlite runs in this thread: its queries block the event loop by design, so event-loop
      // delay says nothing about overload there and would turn slow aggregations into 503s.
      maxEventLoopDelay: options.embeddedDatabase ? 0 : 1000,
      exposeStatusRoute: false,
      pressureHandler: (_request, _reply, type, value) => {
        throw Object.assign(new Error(`The server is overloaded (${type}: ${value}); retry shortly`), {
          statusCode: 503,
          code: 'unavailable',
        });
      },
    });
  },
  { name: 'closeloop-under-pressure' },
);
