/**
 * With REDIS_URL, API replicas share their rate-limit counts; when Redis cannot answer, each
 * replica counts on its own and no request fails because of it. Runs when TEST_REDIS_URL is set
 * (CI sets it); the unreachable case needs no Redis at all.
 */
import type { FastifyInstance } from 'fastify';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.ts';
import { databaseTargets, type TestProject, useTestApp } from './helpers/app.ts';

const redisUrl = process.env.TEST_REDIS_URL;

describe('rate limits with Redis', () => {
  const ctx = useTestApp(databaseTargets()[0]!);
  const apps: FastifyInstance[] = [];
  afterAll(async () => {
    for (const app of apps) await app.close();
  });
  const replica = async (url: string) => {
    const app = await buildApp({ database: ctx.database, config: { redisUrl: url, ingestRateLimit: 3 } });
    await app.ready();
    apps.push(app);
    return app;
  };
  // A client address of its own per test, so runs never share a count.
  const clientAddress = () => `10.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}.7`;
  const postEvent = (app: FastifyInstance, project: TestProject, remoteAddress: string) =>
    app.inject({
      method: 'POST',
      url: '/v1/events',
      remoteAddress,
      headers: { 'content-type': 'text/plain' },
      payload: JSON.stringify({
        key: project.publicKey,
        events: [
          {
            id: crypto.randomUUID(),
            surveyId: project.surveyIds.nps,
            type: 'shown',
            at: new Date().toISOString(),
          },
        ],
      }),
    });

  it.runIf(redisUrl)('shares one count between replicas', async () => {
    const [a, b] = [await replica(redisUrl!), await replica(redisUrl!)];
    const project = await ctx.newProject();
    const address = clientAddress();
    const codes = [];
    for (const app of [a, b, a, b]) codes.push((await postEvent(app, project, address)).statusCode);
    expect(codes).toEqual([202, 202, 202, 429]);
  });

  it.runIf(redisUrl)('stores no client address in Redis, only its keyed hash', async () => {
    const app = await replica(redisUrl!);
    const project = await ctx.newProject();
    const address = clientAddress();
    expect((await postEvent(app, project, address)).statusCode).toBe(202);
    const signIn = await app.inject({
      method: 'POST',
      url: '/v1/auth/login',
      remoteAddress: address,
      payload: { email: 'nobody@staff.example', password: 'wrong password' },
    });
    expect(signIn.statusCode).toBe(401);
    const redis = new Redis(redisUrl!);
    try {
      const keys = await redis.keys('closeloop-rate-limit:*');
      expect(keys.filter((key) => key.includes(':events:')).length).toBeGreaterThan(0);
      expect(keys.filter((key) => key.includes('login')).length).toBeGreaterThan(0);
      expect(keys.filter((key) => key.includes(address))).toEqual([]);
    } finally {
      redis.disconnect();
    }
  });

  it('keeps accepting, and limiting per replica, while Redis cannot be reached', async () => {
    const app = await replica('redis://127.0.0.1:1');
    const project = await ctx.newProject();
    const address = clientAddress();
    const replies = [];
    for (let i = 0; i < 4; i++) replies.push(await postEvent(app, project, address));
    expect(replies.map((reply) => reply.statusCode)).toEqual([202, 202, 202, 429]);
    const limited = replies[3]!;
    expect(limited.json()).toMatchObject({
      code: 'rate_limited',
      detail: expect.stringMatching(/^Too many requests; try again in \d+ seconds?$/),
    });
    expect(limited.json().detail).toContain(` ${limited.headers['retry-after']} second`);
  });
});
