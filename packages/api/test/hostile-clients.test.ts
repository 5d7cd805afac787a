/**
 * Four hostile clients holding the public key, each sending bodies of 400 000 nested brackets or
 * bodies far over the limit as fast as they are answered, while a visitor's widget sends its
 * answers over the same loopback server: every genuine answer is accepted. Short and bounded.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.ts';
import type { Database } from '../src/db/client.ts';
import { createProject } from '../src/services/projects.ts';
import { aResponse, databaseTargets } from './helpers/app.ts';

const hostileClients = 4;
const attackMs = 3000;

describe.each(databaseTargets())('hostile clients on $name', (target) => {
  let database: Database;
  let app: FastifyInstance;
  let base: string;
  let publicKey: string;
  let surveyId: string;
  beforeAll(async () => {
    database = await target.open();
    // Behind a proxy that sets X-Forwarded-For, so each client has an address of its own.
    app = await buildApp({
      database,
      config: { trustProxy: true, ingestSurveyBudget: 0 },
      deliveryWorker: false,
    });
    base = await app.listen({ port: 0, host: '127.0.0.1' });
    const created = await createProject(database.db, { name: 'Under attack', identityVerification: 'off' });
    publicKey = created.publicKey;
    const survey = await app.inject({
      method: 'POST',
      url: '/v1/surveys',
      headers: { authorization: `Bearer ${created.secretKey}` },
      payload: { name: 'NPS', kind: 'nps', texts: { en: { question: 'Recommend us?' } } },
    });
    surveyId = survey.json().id;
  }, 60_000);
  afterAll(async () => {
    await app?.close();
    await database?.close();
  });

  const post = (path: string, body: string, address: string) =>
    fetch(`${base}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain;charset=UTF-8', 'x-forwarded-for': address },
      body,
    });

  it('accepts every genuine answer while four clients send nesting bombs and oversized bodies', async () => {
    const nesting = `{"key":"${publicKey}","events":${'['.repeat(400_000)}${']'.repeat(400_000)}}`;
    const deepButSmall = `{"key":"${publicKey}","responses":[${'['.repeat(15_000)}${']'.repeat(15_000)}]}`;
    const oversized = `{"key":"${publicKey}","responses":[],"pad":"${'x'.repeat(900_000)}"}`;
    const stopAt = Date.now() + attackMs;
    const hostileStatuses: number[] = [];
    const attacker = async (index: number) => {
      const bodies = [
        ['/v1/events', nesting],
        ['/v1/responses', deepButSmall],
        ['/v1/responses', oversized],
        ['/v1/auth/login', nesting],
      ] as const;
      for (let round = 0; Date.now() < stopAt; round++) {
        const [path, body] = bodies[(index + round) % bodies.length]!;
        try {
          const reply = await post(path, body, `203.0.113.${index + 1}`);
          hostileStatuses.push(reply.status);
          await reply.arrayBuffer();
        } catch {
          // The server may cut an oversized upload short; that is its right.
        }
      }
    };
    const genuine = async () => {
      const statuses: number[] = [];
      const times: number[] = [];
      while (Date.now() < stopAt) {
        const started = performance.now();
        const reply = await post(
          '/v1/responses',
          JSON.stringify({
            key: publicKey,
            responses: [aResponse(surveyId, { score: 9, comment: 'Fast and easy' })],
          }),
          '198.51.100.7',
        );
        statuses.push(reply.status);
        times.push(performance.now() - started);
        await reply.arrayBuffer();
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      return { statuses, times };
    };
    const [visitor] = await Promise.all([
      genuine(),
      ...Array.from({ length: hostileClients }, (_, index) => attacker(index)),
    ]);
    expect(visitor.statuses.length).toBeGreaterThan(5);
    expect(visitor.statuses.filter((status) => status !== 202)).toEqual([]);
    expect(Math.max(...visitor.times)).toBeLessThan(1000);
    // The attackers were refused as bad requests (or, once they had sent enough, rate limited),
    // never with a server error.
    expect(hostileStatuses.length).toBeGreaterThan(hostileClients);
    expect(hostileStatuses.filter((status) => ![400, 413, 429].includes(status))).toEqual([]);
    expect(hostileStatuses.filter((status) => status === 400 || status === 413).length).toBeGreaterThan(0);
  }, 60_000);
});
