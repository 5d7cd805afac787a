import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { and, eq } from 'drizzle-orm';
import type { InjectOptions } from 'fastify';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.ts';
import type { Database } from '../src/db/client.ts';
import { webhookEndpoints, webhookMessages } from '../src/db/schema/index.ts';
import { createProject } from '../src/services/projects.ts';
import { aResponse, databaseTargets } from './helpers/app.ts';
import { startWebhookReceiver, type WebhookReceiver } from './helpers/webhook-receiver.ts';

type App = Awaited<ReturnType<typeof buildApp>>;

describe.each(databaseTargets())('webhooks on $name', (target) => {
  let database: Database;
  let app: App;
  let receiver: WebhookReceiver;
  let project: Awaited<ReturnType<typeof createProject>>;
  let surveyId: string;

  const asKey = (options: InjectOptions) =>
    app.inject({ ...options, headers: { authorization: `Bearer ${project.secretKey}` } });

  beforeAll(async () => {
    database = await target.open();
    app = await buildApp({
      database,
      config: { webhookAllowPrivate: true, webhookRetryDelays: [1, 1, 1], deliveryPollIntervalMs: 50 },
    });
    await app.ready();
  }, 60_000);
  afterAll(async () => {
    await app?.close();
    await receiver?.close();
    await database?.close();
  });
  beforeEach(async () => {
    // A project per test, so endpoints and messages of one test never reach another.
    project = await createProject(database.db, { name: 'Shop' });
    const survey = await asKey({
      method: 'POST',
      url: '/v1/surveys',
      payload: { name: 'Checkout NPS', kind: 'nps', texts: { en: { question: 'Q?' } } },
    });
    surveyId = survey.json().id;
    // A receiver per test: retries still due for an earlier test's endpoint cannot reach this one.
    await receiver?.close();
    receiver = await startWebhookReceiver();
  });

  const createWebhook = async (payload: Record<string, unknown>) => {
    const reply = await asKey({ method: 'POST', url: '/v1/webhooks', payload });
    expect(reply.statusCode, reply.body).toBe(201);
    return reply.json() as { id: string; secret: string; url: string; events: string[] };
  };
  const send = async (items: ReturnType<typeof aResponse>[]) => {
    const reply = await app.inject({
      method: 'POST',
      url: '/v1/responses',
      payload: { key: project.publicKey, responses: items },
    });
    return reply;
  };

  it('creates an endpoint with a whsec_ secret shown only at creation', async () => {
    const created = await createWebhook({
      url: `${receiver.url}/hooks`,
      events: ['response.created', 'response.created', 'note.created'],
      description: 'CRM',
    });
    expect(created.secret).toMatch(/^whsec_[A-Za-z0-9+/]{32}$/);
    expect(created).toMatchObject({
      events: ['response.created', 'note.created'],
      enabled: true,
      format: 'standard',
    });
    const read = await asKey({ method: 'GET', url: `/v1/webhooks/${created.id}` });
    expect(read.statusCode).toBe(200);
    expect(read.json()).not.toHaveProperty('secret');
    expect(read.json().description).toBe('CRM');
    const list = await asKey({ method: 'GET', url: '/v1/webhooks' });
    expect(list.json().data.map((hook: { id: string }) => hook.id)).toEqual([created.id]);
    expect(list.body).not.toContain(created.secret);
  });

  it('delivers response.created signed per Standard Webhooks, with the response exactly as GET returns it', async () => {
    const hook = await createWebhook({ url: `${receiver.url}/hooks`, events: ['response.created'] });
    const item = aResponse(surveyId, { score: 9, comment: 'Great', respondent: { externalId: 'u-1' } });
    expect((await send([item])).statusCode).toBe(202);
    const [delivery] = await receiver.waitFor(1);
    const verified = new Webhook(hook.secret).verify(delivery!.body, delivery!.headers) as {
      type: string;
      timestamp: string;
      data: { response: unknown };
    };
    expect(verified.type).toBe('response.created');
    expect(Number.isNaN(Date.parse(verified.timestamp))).toBe(false);
    const read = await asKey({ method: 'GET', url: `/v1/responses/${item.id}` });
    expect(JSON.stringify(verified.data.response)).toBe(read.body);
    expect(delivery!.headers['content-type']).toBe('application/json');
    // A tampered body fails verification.
    expect(() =>
      new Webhook(hook.secret).verify(delivery!.body.replace('Great', 'Bad'), delivery!.headers),
    ).toThrow();
    // A resend of the same response is not a new event.
    expect((await send([item])).statusCode).toBe(202);
    await app.deliveryWorker.drain();
    expect(receiver.received).toHaveLength(1);
  });

  it('sends response.updated when the comment arrives, and follow-up events a rule caused', async () => {
    await createWebhook({
      url: receiver.url,
      events: ['response.created', 'response.updated', 'followup.opened'],
    });
    const item = aResponse(surveyId, { score: 2 });
    await send([item]);
    await send([{ ...item, comment: 'Too slow' }]);
    const received = await receiver.waitFor(3);
    const types = received.map((entry) => JSON.parse(entry.body).type).sort();
    expect(types).toEqual(['followup.opened', 'response.created', 'response.updated']);
    const updated = received.find((entry) => JSON.parse(entry.body).type === 'response.updated')!;
    expect(JSON.parse(updated.body).data.response.comment).toBe('Too slow');
    const ids = new Set(received.map((entry) => entry.headers['webhook-id']));
    expect(ids.size).toBe(3);
  });

  it('sends follow-up and note events from the management API', async () => {
    await createWebhook({
      url: receiver.url,
      events: ['followup.resolved', 'note.created', 'response.updated'],
    });
    const item = aResponse(surveyId, { score: 3 });
    await send([item]);
    await asKey({ method: 'PATCH', url: `/v1/responses/${item.id}`, payload: { tags: ['Billing'] } });
    await asKey({ method: 'POST', url: `/v1/responses/${item.id}/notes`, payload: { body: 'Called back' } });
    await asKey({ method: 'PATCH', url: `/v1/responses/${item.id}`, payload: { status: 'resolved' } });
    const received = await receiver.waitFor(3);
    const bodies = received.map((entry) => JSON.parse(entry.body));
    expect(bodies.map((body) => body.type).sort()).toEqual([
      'followup.resolved',
      'note.created',
      'response.updated',
    ]);
    expect(bodies.find((body) => body.type === 'note.created').data.note.body).toBe('Called back');
    expect(bodies.find((body) => body.type === 'response.updated').data.response.followUp.tags).toEqual([
      'billing',
    ]);
  });

  it('retries a failing receiver with the same webhook-id until it succeeds', async () => {
    const hook = await createWebhook({ url: receiver.url, events: ['response.created'] });
    let calls = 0;
    receiver.answer = (_request, response) => {
      calls++;
      if (calls <= 2) response.writeHead(500).end('try later');
      else response.writeHead(200).end('ok');
    };
    await send([aResponse(surveyId)]);
    const received = await receiver.waitFor(3, 15_000);
    expect(new Set(received.map((entry) => entry.headers['webhook-id'])).size).toBe(1);
    for (const entry of received) new Webhook(hook.secret).verify(entry.body, entry.headers);
    // The log is written right after the answer.
    await expect
      .poll(
        async () =>
          (await asKey({ method: 'GET', url: `/v1/webhooks/${hook.id}/deliveries` })).json().data[0].status,
      )
      .toBe('succeeded');
    const log = (await asKey({ method: 'GET', url: `/v1/webhooks/${hook.id}/deliveries` })).json();
    expect(log.data).toHaveLength(1);
    expect(log.data[0].id).toBe(received[0]!.headers['webhook-id']);
    expect(log.data[0].attempts.map((attempt: { statusCode: number }) => attempt.statusCode)).toEqual([
      500, 500, 200,
    ]);
    expect(log.data[0].attempts[0].response).toBe('try later');
  }, 20_000);

  it('gives up after the last retry, and a manual retry sends the same message again', async () => {
    const hook = await createWebhook({ url: receiver.url, events: ['response.created'] });
    receiver.answer = (_request, response) =>
      response.writeHead(302, { location: 'http://127.0.0.1:1/' }).end();
    await send([aResponse(surveyId)]);
    await receiver.waitFor(4, 15_000);
    const deliveries = async () =>
      (await asKey({ method: 'GET', url: `/v1/webhooks/${hook.id}/deliveries` })).json().data;
    await expect.poll(async () => (await deliveries())[0].status, { timeout: 5000 }).toBe('failed');
    // Redirects are not followed: four attempts at the endpoint, none elsewhere.
    expect((await deliveries())[0].attempts).toHaveLength(4);
    const messageId = (await deliveries())[0].id;
    receiver.answer = (_request, response) => response.writeHead(200).end();
    const retried = await asKey({
      method: 'POST',
      url: `/v1/webhooks/${hook.id}/deliveries/${messageId}/retry`,
    });
    expect(retried.statusCode, retried.body).toBe(202);
    expect(retried.json().status).toBe('pending');
    const received = await receiver.waitFor(5);
    expect(received[4]!.headers['webhook-id']).toBe(messageId);
    await expect.poll(async () => (await deliveries())[0].status).toBe('succeeded');
  }, 25_000);

  it('sends a webhook.test message on request', async () => {
    const hook = await createWebhook({ url: receiver.url, events: ['note.created'] });
    const reply = await asKey({ method: 'POST', url: `/v1/webhooks/${hook.id}/test` });
    expect(reply.statusCode, reply.body).toBe(202);
    const [entry] = await receiver.waitFor(1);
    const body = new Webhook(hook.secret).verify(entry!.body, entry!.headers) as {
      type: string;
      data: unknown;
    };
    expect(body.type).toBe('webhook.test');
    expect(body.data).toEqual({ webhook: { id: hook.id, url: receiver.url } });
  });

  it('signs with the old secret too for a day after rotation', async () => {
    const hook = await createWebhook({ url: receiver.url, events: ['response.created'] });
    const rotated = await asKey({ method: 'POST', url: `/v1/webhooks/${hook.id}/rotate-secret` });
    expect(rotated.statusCode).toBe(200);
    const { secret } = rotated.json();
    expect(secret).not.toBe(hook.secret);
    await send([aResponse(surveyId)]);
    const [entry] = await receiver.waitFor(1);
    expect(entry!.headers['webhook-signature']!.split(' ')).toHaveLength(2);
    new Webhook(secret).verify(entry!.body, entry!.headers);
    new Webhook(hook.secret).verify(entry!.body, entry!.headers);
  });

  it('writes no message when the ingestion is rolled back', async () => {
    const hook = await createWebhook({ url: receiver.url, events: ['response.created'] });
    const item = aResponse(surveyId, { score: 5 });
    await send([item]);
    // The same id with another score: 409, the whole batch (with a new response) rolls back.
    const conflict = await send([aResponse(surveyId), { ...item, score: 6 }]);
    expect(conflict.statusCode).toBe(409);
    const rows = await database.db
      .select({ id: webhookMessages.id })
      .from(webhookMessages)
      .where(and(eq(webhookMessages.projectId, project.project.id), eq(webhookMessages.endpointId, hook.id)));
    expect(rows).toHaveLength(1);
  });

  it('sends nothing to a disabled endpoint, and PATCH changes what it gets', async () => {
    const hook = await createWebhook({ url: receiver.url, events: ['response.created'], enabled: false });
    await send([aResponse(surveyId)]);
    await app.deliveryWorker.drain();
    expect(receiver.received).toHaveLength(0);
    const patched = await asKey({
      method: 'PATCH',
      url: `/v1/webhooks/${hook.id}`,
      payload: { enabled: true, events: ['response.created', 'followup.opened'], description: null },
    });
    expect(patched.statusCode, patched.body).toBe(200);
    expect(patched.json()).toMatchObject({ enabled: true, events: ['response.created', 'followup.opened'] });
    await send([aResponse(surveyId, { score: 1 })]);
    expect((await receiver.waitFor(2)).map((entry) => JSON.parse(entry.body).type).sort()).toEqual([
      'followup.opened',
      'response.created',
    ]);
  });

  it('disables an endpoint that failed every delivery for 5 days', async () => {
    const hook = await createWebhook({ url: receiver.url, events: ['response.created'] });
    await database.db
      .update(webhookEndpoints)
      .set({ failingSince: new Date(Date.now() - 6 * 24 * 3600_000) })
      .where(and(eq(webhookEndpoints.projectId, project.project.id), eq(webhookEndpoints.id, hook.id)));
    receiver.answer = (_request, response) => response.writeHead(503).end();
    await send([aResponse(surveyId)]);
    await receiver.waitFor(1);
    await expect
      .poll(async () => (await asKey({ method: 'GET', url: `/v1/webhooks/${hook.id}` })).json().enabled)
      .toBe(false);
    const read = (await asKey({ method: 'GET', url: `/v1/webhooks/${hook.id}` })).json();
    expect(read.disabledReason).toMatch(/5 days/);
  });

  it('refuses bad input with problem+json naming the field', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ url: receiver.url, events: [] }, 'events'],
      [{ url: receiver.url, events: ['response.deleted'] }, 'events.0'],
      [{ url: 'ftp://example.com/', events: ['response.created'] }, 'url'],
      [{ url: 'not a url', events: ['response.created'] }, 'url'],
      [{ url: receiver.url, events: ['response.created'], format: 'teams' }, 'format'],
      [{ url: receiver.url, events: ['response.created'], secret: 'whsec_mine' }, '(body)'],
    ];
    for (const [payload, path] of cases) {
      const reply = await asKey({ method: 'POST', url: '/v1/webhooks', payload });
      expect(reply.statusCode, JSON.stringify(payload)).toBe(400);
      expect(reply.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(reply.json().errors.map((error: { path: string }) => error.path)).toContain(path);
    }
    const hook = await createWebhook({ url: receiver.url, events: ['response.created'] });
    const empty = await asKey({ method: 'PATCH', url: `/v1/webhooks/${hook.id}`, payload: {} });
    expect(empty.statusCode).toBe(400);
    const missing = await asKey({ method: 'GET', url: `/v1/webhooks/${crypto.randomUUID()}/deliveries` });
    expect(missing.statusCode).toBe(404);
    const badCursor = await asKey({ method: 'GET', url: `/v1/webhooks/${hook.id}/deliveries?cursor=nope` });
    expect(badCursor.statusCode).toBe(400);
  });

  it('keeps each project to its own endpoints', async () => {
    const hook = await createWebhook({ url: receiver.url, events: ['response.created'] });
    const other = await createProject(database.db, { name: 'Other' });
    const asOther = (method: 'GET' | 'PATCH' | 'DELETE' | 'POST', url: string, payload?: object) =>
      app.inject({
        method,
        url,
        headers: { authorization: `Bearer ${other.secretKey}` },
        ...(payload ? { payload } : {}),
      });
    for (const [method, url, payload] of [
      ['GET', `/v1/webhooks/${hook.id}`],
      ['PATCH', `/v1/webhooks/${hook.id}`, { enabled: false }],
      ['POST', `/v1/webhooks/${hook.id}/rotate-secret`],
      ['POST', `/v1/webhooks/${hook.id}/test`],
      ['GET', `/v1/webhooks/${hook.id}/deliveries`],
      ['DELETE', `/v1/webhooks/${hook.id}`],
    ] as const) {
      expect((await asOther(method, url, payload)).statusCode, `${method} ${url}`).toBe(404);
    }
    expect((await asOther('GET', '/v1/webhooks')).json().data).toEqual([]);
    // Another project's responses never reach this endpoint.
    await app.inject({
      method: 'POST',
      url: '/v1/responses',
      payload: { key: other.publicKey, responses: [aResponse(surveyId)] },
    });
    await app.deliveryWorker.drain();
    expect(receiver.received).toHaveLength(0);
  });

  it('posts a Slack Block Kit message for a slack-format endpoint, with the comment escaped', async () => {
    await createWebhook({ url: receiver.url, events: ['followup.opened'], format: 'slack' });
    const item = aResponse(surveyId, {
      score: 2,
      comment: 'Slow <!channel> & <https://evil.example|click>',
      respondent: { externalId: 'cust-42' },
    });
    await send([item]);
    const [entry] = await receiver.waitFor(1);
    const message = JSON.parse(entry!.body) as { text: string; blocks: Record<string, unknown>[] };
    const text = JSON.stringify(message.blocks);
    expect(message.text).toContain('Follow-up opened: NPS 2 on Checkout NPS');
    expect(text).toContain('*Score*');
    expect(text).toContain('*Respondent*');
    expect(text).toContain('Open');
    expect(text).toContain('&lt;!channel&gt; &amp; &lt;https://evil.example|click&gt;');
    expect(text).not.toContain('<!channel>');
    const actions = message.blocks.find((block) => block.type === 'actions') as {
      elements: { url: string }[];
    };
    expect(actions.elements[0]!.url).toMatch(new RegExp(`/inbox/#/responses/${item.id}$`));
    // Slack format still carries the Standard Webhooks headers, and the same retries and log.
    expect(entry!.headers['webhook-id']).toBeTruthy();
  });

  it('the example receiver verifies a signed response.created', async () => {
    const example = fileURLToPath(
      new URL('../../../examples/webhook-receiver/receiver.mjs', import.meta.url),
    );
    const hookSecret = await createWebhook({ url: 'http://127.0.0.1:1/', events: ['response.created'] });
    const child = spawn(process.execPath, [example], {
      env: { ...process.env, WEBHOOK_SECRET: hookSecret.secret, PORT: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      let output = '';
      child.stdout.on('data', (chunk: Buffer) => {
        output += chunk.toString();
      });
      await expect.poll(() => output, { timeout: 10_000 }).toMatch(/listening on (http:\/\/\S+)\//);
      const url = /listening on (http:\/\/\S+)/.exec(output)![1]!;
      await asKey({ method: 'PATCH', url: `/v1/webhooks/${hookSecret.id}`, payload: { url } });
      const item = aResponse(surveyId, { score: 3, comment: 'Checkout was slow' });
      await send([item]);
      await expect.poll(() => output, { timeout: 10_000 }).toContain(`response.created`);
      expect(output).toContain('nps 3: "Checkout was slow"');
    } finally {
      child.kill();
    }
  });
});
