import type { AddressInfo } from 'node:net';
import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.ts';
import { aResponse, databaseTargets, useTestApp } from './helpers/app.ts';

/** A raw TCP client, so the test controls exactly what the server has received when it closes. */
async function connect(port: number) {
  const socket = net.connect(port, '127.0.0.1');
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  let received = '';
  socket.on('data', (chunk) => {
    received += chunk.toString('utf8');
  });
  const ended = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  return { socket, ended, received: () => received };
}

describe.each(databaseTargets())('shutdown on $name', (target) => {
  const ctx = useTestApp(target);

  it('closes although a browser holds a connection it has not sent a request on', async () => {
    const app = await buildApp({ database: ctx.database });
    await app.listen({ host: '127.0.0.1', port: 0 });
    const client = await connect((app.server.address() as AddressInfo).port);

    await app.close();
    await client.ended;
    expect(client.received()).toBe('');
  });

  it('finishes a response that is in flight when it closes, and stores it', async () => {
    const project = await ctx.newProject();
    const app = await buildApp({ database: ctx.database, config: { ingestRateLimit: 100_000 } });
    await app.listen({ host: '127.0.0.1', port: 0 });
    const client = await connect((app.server.address() as AddressInfo).port);
    const response = aResponse(project.surveyIds.nps, { score: 4 });
    const body = JSON.stringify({ key: project.publicKey, responses: [response] });
    const half = Math.floor(body.length / 2);
    client.socket.write(
      `POST /v1/responses HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: text/plain\r\n` +
        `content-length: ${Buffer.byteLength(body)}\r\n\r\n${body.slice(0, half)}`,
    );
    // The request is in flight (headers in, body half-way) when the server starts closing.
    await new Promise((resolve) => setTimeout(resolve, 50));
    const closed = app.close();
    client.socket.write(body.slice(half));

    await closed;
    await client.ended;
    expect(client.received()).toMatch(/^HTTP\/1\.1 202 /);
    const stored = await ctx.database.query<{ score: number }>(
      'select score from responses where project_id = $1 and id = $2',
      [project.projectId, response.id],
    );
    expect(stored).toEqual([{ score: 4 }]);
  });
});
