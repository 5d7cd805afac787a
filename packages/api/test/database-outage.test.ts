/**
 * The database becoming unreachable while the API runs: through a TCP proxy in front of the test
 * Postgres, the database first hangs (accepts, never answers) and then refuses connections. Widget
 * and management requests are answered 503 with Retry-After within 2 s, none hangs, /readyz
 * answers within 1 s, and once the database is back the API serves again without a restart; an
 * answer sent again after a 503 is stored once. Runs when TEST_DATABASE_URL is set (CI sets it).
 */
import net from 'node:net';
import type { FastifyInstance, InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { buildApp } from '../src/app.ts';
import { type Database, openDatabase } from '../src/db/client.ts';
import { createProject } from '../src/services/projects.ts';

const postgresUrl = inject('postgresUrl');

/** A TCP proxy to Postgres that can pass traffic, hang every connection, or refuse them. */
function databaseProxy(upstream: URL) {
  let mode: 'up' | 'hang' | 'refuse' = 'up';
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    sockets.add(client);
    client.on('close', () => sockets.delete(client));
    client.on('error', () => {});
    if (mode === 'refuse') return client.destroy();
    if (mode === 'hang') return; // accepted, never answered
    const server = net.connect(Number(upstream.port || 5432), upstream.hostname);
    sockets.add(server);
    server.on('close', () => sockets.delete(server));
    server.on('error', () => client.destroy());
    client.on('close', () => server.destroy());
    server.on('close', () => client.destroy());
    client.on('data', (chunk) => mode === 'up' && server.write(chunk));
    server.on('data', (chunk) => mode === 'up' && client.write(chunk));
  });
  return {
    listen: () =>
      new Promise<number>((resolve) =>
        server.listen(0, '127.0.0.1', () => resolve((server.address() as net.AddressInfo).port)),
      ),
    /** Open connections stop passing anything; new ones are accepted and left unanswered. */
    hang: () => {
      mode = 'hang';
    },
    /** Every connection is cut and new ones are closed at once. */
    refuse: () => {
      mode = 'refuse';
      for (const socket of sockets) socket.destroy();
    },
    restore: () => {
      mode = 'up';
    },
    close: () => {
      for (const socket of sockets) socket.destroy();
      return new Promise((resolve) => server.close(resolve));
    },
  };
}

describe.runIf(postgresUrl)('database outage', () => {
  const proxy = databaseProxy(new URL(postgresUrl ?? 'postgres://localhost'));
  let direct: Database;
  let app: FastifyInstance;
  let project: Awaited<ReturnType<typeof createProject>>;
  let surveyId: string;
  beforeAll(async () => {
    direct = await openDatabase({ databaseUrl: postgresUrl! });
    const port = await proxy.listen();
    const viaProxy = new URL(postgresUrl!);
    viaProxy.host = `127.0.0.1:${port}`;
    app = await buildApp({
      config: { databaseUrl: viaProxy.toString(), ingestRateLimit: 100_000, ingestSurveyBudget: 0 },
      deliveryWorker: false,
    });
    await app.ready();
    project = await createProject(direct.db, { name: 'Outage', identityVerification: 'off' });
    const survey = await app.inject({
      method: 'POST',
      url: '/v1/surveys',
      headers: { authorization: `Bearer ${project.secretKey}` },
      payload: { name: 'NPS', kind: 'nps', texts: { en: { question: 'Recommend us?' } } },
    });
    surveyId = survey.json().id;
  }, 60_000);
  afterAll(async () => {
    proxy.restore();
    await app?.close();
    await proxy.close();
    await direct?.close();
  });

  const answer = (id: string) => ({
    key: project.publicKey,
    responses: [
      {
        id,
        surveyId,
        score: 9,
        context: { url: 'https://shop.example/' },
        submittedAt: new Date().toISOString(),
      },
    ],
  });
  const timed = async (request: InjectOptions) => {
    const started = performance.now();
    const reply = await app.inject(request);
    return { reply, ms: performance.now() - started };
  };
  const sendAnswer = (id: string) => timed({ method: 'POST', url: '/v1/responses', payload: answer(id) });
  const listSurveys = () =>
    timed({ method: 'GET', url: '/v1/surveys', headers: { authorization: `Bearer ${project.secretKey}` } });
  const expectUnavailable = ({ reply, ms }: Awaited<ReturnType<typeof timed>>, withinMs: number) => {
    expect(reply.statusCode, reply.body).toBe(503);
    expect(reply.json().code).toBe('unavailable');
    expect(Number(reply.headers['retry-after'])).toBeGreaterThan(0);
    expect(ms).toBeLessThan(withinMs);
  };

  it('answers 503 with Retry-After within 2 s while the database hangs or refuses, and recovers by itself', async () => {
    const first = crypto.randomUUID();
    expect((await sendAnswer(first)).reply.statusCode).toBe(202);

    proxy.hang();
    const lost = crypto.randomUUID();
    const [ingest, management, ready] = await Promise.all([
      sendAnswer(lost),
      listSurveys(),
      timed({ url: '/readyz' }),
    ]);
    expectUnavailable(ingest, 2000);
    expectUnavailable(management, 2000);
    expectUnavailable(ready, 1000);
    // Known to be down now: answered at once.
    expectUnavailable(await sendAnswer(crypto.randomUUID()), 300);

    proxy.refuse();
    expectUnavailable(await timed({ url: '/readyz' }), 1000);
    expectUnavailable(await listSurveys(), 2000);

    proxy.restore();
    const deadline = Date.now() + 10_000;
    while ((await app.inject({ url: '/readyz' })).statusCode !== 200) {
      expect(Date.now()).toBeLessThan(deadline);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    // The widget sends the answer again after the 503: stored once.
    for (let i = 0; i < 2; i++) {
      const again = await sendAnswer(lost);
      expect(again.reply.statusCode, again.reply.body).toBe(202);
    }
    expect((await listSurveys()).reply.statusCode).toBe(200);
    const rows = await direct.query<{ n: number }>('select count(*)::int as n from responses where id = $1', [
      lost,
    ]);
    expect(rows[0]!.n).toBe(1);
  }, 60_000);
});
