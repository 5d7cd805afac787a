import { randomUUID } from 'node:crypto';
import type { FastifyInstance, RawRequestDefaultExpression } from 'fastify';
import fp from 'fastify-plugin';

const requestIdPattern = /^[\w.:-]{1,128}$/;

/**
 * The id of a request (Fastify's `genReqId`): a well-formed x-request-id from a proxy or client is
 * kept, so logs correlate across hops; anything else is replaced by a random UUID.
 */
export function requestIdOf(request: RawRequestDefaultExpression): string {
  const incoming = request.headers['x-request-id'];
  return typeof incoming === 'string' && requestIdPattern.test(incoming) ? incoming : randomUUID();
}

/** Every response carries its request's id as x-request-id. */
export const requestIdPlugin = fp(
  async (app: FastifyInstance) => {
    app.addHook('onRequest', async (request, reply) => {
      reply.header('x-request-id', request.id);
    });
  },
  { name: 'closeloop-request-id' },
);
