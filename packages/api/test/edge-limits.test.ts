/**
 * The limits on the public edge, tried as an outsider would: batches that stuff a survey from one
 * address, and one address spraying passwords across accounts.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.ts';
import type { Database } from '../src/db/client.ts';
import { createProject } from '../src/services/projects.ts';
import { createStaffUser } from '../src/services/staff.ts';
import { aResponse, databaseTargets } from './helpers/app.ts';
import { password, uniqueEmail } from './helpers/staff.ts';

const ingestLimit = 50;
const addressLimit = 5;

describe.each(databaseTargets())('limits on the public edge on $name', (target) => {
  let database: Database;
  let app: FastifyInstance;
  let publicKey: string;
  let projectId: string;
  let surveyId: string;
  beforeAll(async () => {
    database = await target.open();
    app = await buildApp({
      database,
      config: {
        ingestRateLimit: ingestLimit,
        ingestSurveyBudget: 0,
        loginRateLimit: 3,
        loginAddressRateLimit: addressLimit,
      },
    });
    const created = await createProject(database.db, { name: 'Edge limits', identityVerification: 'off' });
    publicKey = created.publicKey;
    projectId = created.project.id;
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

  const freshAddress = () =>
    `10.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`;
  const stuff = (count: number, remoteAddress: string) =>
    app.inject({
      method: 'POST',
      url: '/v1/responses',
      remoteAddress,
      headers: { 'content-type': 'text/plain' },
      payload: JSON.stringify({
        key: publicKey,
        responses: Array.from({ length: count }, () => aResponse(surveyId, { score: 0 })),
      }),
    });
  const storedResponses = async () => {
    const [row] = await database.query<{ n: number }>(
      'select count(*)::int as n from responses where project_id = $1',
      [projectId],
    );
    return row!.n;
  };

  it('counts the responses of a batch, not requests: batches from one address stop at the limit', async () => {
    const address = freshAddress();
    const before = await storedResponses();
    expect((await stuff(30, address)).statusCode).toBe(202);
    const refused = await stuff(30, address);
    expect(refused.statusCode).toBe(429);
    expect(refused.json().code).toBe('rate_limited');
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expect(Number(refused.headers['retry-after'])).toBeLessThanOrEqual(60);
    // Nothing of the refused batch is stored; another address is not affected.
    expect(await storedResponses()).toBe(before + 30);
    expect((await stuff(30, freshAddress())).statusCode).toBe(202);
  });

  it('refuses a single batch of more events than the limit', async () => {
    const events = Array.from({ length: ingestLimit + 1 }, () => ({
      id: crypto.randomUUID(),
      surveyId,
      type: 'shown',
      at: new Date().toISOString(),
    }));
    const reply = await app.inject({
      method: 'POST',
      url: '/v1/events',
      remoteAddress: freshAddress(),
      payload: { key: publicKey, events },
    });
    expect(reply.statusCode).toBe(429);
    const [row] = await database.query<{ n: number }>(
      'select count(*)::int as n from events where project_id = $1',
      [projectId],
    );
    expect(row!.n).toBe(0);
  });

  const signInFrom = (remoteAddress: string, email: string, secret = 'wrong password', payload?: string) =>
    app.inject({
      method: 'POST',
      url: '/v1/auth/login',
      remoteAddress,
      headers: { 'content-type': 'application/json' },
      payload: payload ?? JSON.stringify({ email, password: secret }),
    });

  it('limits one address spraying passwords across many emails, before reading the body', async () => {
    const address = freshAddress();
    const email = uniqueEmail('sprayed');
    await createStaffUser(database.db, projectId, { email, name: 'Target', role: 'agent', password });
    for (let i = 0; i < addressLimit; i++) {
      expect((await signInFrom(address, uniqueEmail(`guess${i}`))).statusCode).toBe(401);
    }
    const blocked = await signInFrom(address, uniqueEmail('next'));
    expect(blocked.statusCode).toBe(429);
    expect(blocked.json().code).toBe('rate_limited');
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(14 * 60);
    // Not even the right password of a real account gets through from there …
    expect((await signInFrom(address, email, password)).statusCode).toBe(429);
    // … and the body is not read at all: a malformed one is refused as limited, not as invalid.
    expect((await signInFrom(address, email, password, '{"email": [[[[[[')).statusCode).toBe(429);
    // Another address signs in to that account.
    expect((await signInFrom(freshAddress(), email, password)).statusCode).toBe(200);
  });

  it('counts only failures per address: staff signing in again and again are never limited', async () => {
    const address = freshAddress();
    const email = uniqueEmail('regular');
    await createStaffUser(database.db, projectId, { email, name: 'Regular', role: 'agent', password });
    for (let i = 0; i < addressLimit * 2; i++) {
      expect((await signInFrom(address, email, password)).statusCode).toBe(200);
    }
    expect((await signInFrom(address, uniqueEmail('one-miss'))).statusCode).toBe(401);
  });
});
