import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type StartedServer, startServer } from './harness.ts';

describe('browser-test harness', () => {
  let server: StartedServer;
  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(() => server?.close());

  it('serves the API over HTTP, stops and comes back on the same port', async () => {
    const body = JSON.stringify({
      key: server.publicKey,
      responses: [
        {
          id: crypto.randomUUID(),
          surveyId: server.surveys.nps,
          score: 10,
          context: { url: 'http://127.0.0.1/page' },
          submittedAt: new Date().toISOString(),
        },
      ],
    });
    const first = await fetch(`${server.url}/v1/responses`, { method: 'POST', body });
    expect(first.status).toBe(202);
    const port = server.port;
    await server.stop();
    await expect(fetch(`${server.url}/healthz`)).rejects.toThrow();
    await server.restart();
    expect(server.port).toBe(port);
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    const rows = await server.query<{ score: number }>('select score from responses where project_id = $1', [
      server.projectId,
    ]);
    expect(rows).toEqual([{ score: 10 }]);
  });
});
