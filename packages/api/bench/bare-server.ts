/**
 * The baseline of `pnpm bench`: a bare Fastify 5 route that parses the same body (JSON sent as
 * text/plain) and answers 202, in a process of its own. Prints `listening <port>` when ready.
 */
import type { AddressInfo } from 'node:net';
import Fastify from 'fastify';

const bare = Fastify({ bodyLimit: 1_048_576 });
bare.addContentTypeParser('text/plain', { parseAs: 'string' }, bare.getDefaultJsonParser('error', 'error'));
bare.post('/v1/responses', async (request, reply) => {
  const body = request.body as { responses?: { id: string }[] };
  return reply.code(202).send({ accepted: (body.responses ?? []).map((item) => item.id) });
});
await bare.listen({ host: '127.0.0.1', port: 0 });
console.log(`listening ${(bare.server.address() as AddressInfo).port}`);
process.once('SIGTERM', () => bare.close().then(() => process.exit(0)));
