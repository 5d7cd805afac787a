/**
 * Webhook delivery across real server processes on one Postgres: two processes deliver each
 * message once, and a process killed with SIGKILL while a delivery is in flight leaves the message
 * to a restarted process, which delivers it (same webhook-id) once its lease has run out. Runs when
 * TEST_DATABASE_URL is set (CI sets it).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { surveyCreateSchema } from '@closeloop/shared';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type Database, openDatabase } from '../src/db/client.ts';
import { surveys } from '../src/db/schema/index.ts';
import { type CreatedProject, createProject } from '../src/services/projects.ts';
import { createWebhook } from '../src/services/webhooks.ts';
import { type ServerProcess, startServer, stopServer } from './helpers/server-process.ts';

const postgresUrl = inject('postgresUrl');

type Process = ServerProcess;

const start = () =>
  startServer({
    DATABASE_URL: postgresUrl ?? '',
    REDIS_URL: '',
    TRUST_PROXY: 'true',
    INGEST_RATE_LIMIT: '100000',
    INGEST_SURVEY_BUDGET: '0',
    WEBHOOK_ALLOW_PRIVATE: 'true',
    DELIVERY_POLL_INTERVAL_MS: '200',
    SCHEDULED_EMAILS_INTERVAL_SECONDS: '0',
  });
const stop = stopServer;

describe.runIf(postgresUrl)('webhook delivery across server processes', () => {
  let database: Database;
  let project: CreatedProject;
  let surveyId: string;
  let receiver: http.Server;
  let receiverUrl: string;
  /** webhook-id → how many requests carried it. */
  const seen = new Map<string, number>();
  /** Requests left open (never answered) while this is true. */
  let hang = false;
  const hanging: http.ServerResponse[] = [];
  const processes: Process[] = [];

  beforeAll(async () => {
    database = await openDatabase({ databaseUrl: postgresUrl! });
    await database.migrate();
    project = await createProject(database.db, { name: 'Webhook processes' });
    const [survey] = await database.db
      .insert(surveys)
      .values({
        ...surveyCreateSchema.parse({ name: 'NPS', kind: 'nps', texts: { en: { question: 'Q?' } } }),
        projectId: project.project.id,
      })
      .returning({ id: surveys.id });
    surveyId = survey!.id;
    receiver = http.createServer((request, response) => {
      request.resume();
      request.on('end', () => {
        const id = String(request.headers['webhook-id']);
        seen.set(id, (seen.get(id) ?? 0) + 1);
        if (hang) hanging.push(response);
        else response.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
    await createWebhook(
      database.db,
      project.project.id,
      { url: receiverUrl, events: ['response.created'], format: 'standard', enabled: true },
      { allowPrivate: true },
    );
    processes.push(...(await Promise.all([start(), start()])));
  }, 120_000);

  afterAll(async () => {
    await Promise.all(processes.map((process) => stop(process)));
    for (const response of hanging) response.destroy();
    await new Promise((resolve) => receiver?.close(resolve));
    await database?.close();
  });

  /** Sends responses, again while a busy process answers 503 (as the widget does). */
  const send = async (server: Process, ids: string[]) => {
    for (let attempt = 1; ; attempt++) {
      const reply = await post(server, ids);
      if (reply.status !== 503 || attempt === 10) return reply;
      await new Promise((resolve) => setTimeout(resolve, 300));
    }
  };
  const post = (server: Process, ids: string[]) =>
    fetch(`${server.url}/v1/responses`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: JSON.stringify({
        key: project.publicKey,
        responses: ids.map((id) => ({
          id,
          surveyId,
          score: 8,
          context: { url: 'https://shop.example/' },
          submittedAt: new Date().toISOString(),
        })),
      }),
    });
  const messagesOf = (responseIds: string[]) =>
    database.query<{ id: string; status: string; succeeded: number }>(
      `select m.id, m.status, (select count(*)::int from webhook_attempts a
         where a.project_id = m.project_id and a.message_id = m.id and a.status_code between 200 and 299) as succeeded
       from webhook_messages m where m.project_id = $1 and m.response_id = any(string_to_array($2, ',')::uuid[])`,
      [project.project.id, responseIds.join(',')],
    );

  it('two processes deliver each message once', async () => {
    const ids = Array.from({ length: 30 }, () => crypto.randomUUID());
    const replies = await Promise.all(ids.map((id, index) => send(processes[index % 2]!, [id])));
    expect(replies.map((reply) => reply.status)).toEqual(Array(30).fill(202));
    await expect
      .poll(async () => (await messagesOf(ids)).filter((message) => message.status === 'succeeded').length, {
        timeout: 20_000,
      })
      .toBe(30);
    // A moment longer: no process sends any of them again.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const messages = await messagesOf(ids);
    expect(messages.map((message) => seen.get(message.id))).toEqual(Array(30).fill(1));
    expect(messages.map((message) => message.succeeded)).toEqual(Array(30).fill(1));
  }, 60_000);

  it('a process killed with SIGKILL mid-delivery: after a restart the message is delivered, once', async () => {
    // Only one process, so the one killed is the one holding the message.
    await stop(processes.pop());
    hang = true;
    const id = crypto.randomUUID();
    expect((await send(processes[0]!, [id])).status).toBe(202);
    // Committed, claimed and in flight: the receiver holds the request open.
    await expect.poll(() => hanging.length, { timeout: 10_000 }).toBe(1);
    const [message] = await messagesOf([id]);
    expect(seen.get(message!.id)).toBe(1);
    await stop(processes.pop(), 'SIGKILL');
    for (const response of hanging.splice(0)) response.destroy();
    hang = false;

    processes.push(await start());
    // The dead process's lease (30 s) runs out, then the new process delivers it.
    await expect
      .poll(async () => (await messagesOf([id]))[0]!.status, { timeout: 45_000, interval: 500 })
      .toBe('succeeded');
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const [delivered] = await messagesOf([id]);
    // The same webhook-id, sent again once, and recorded as delivered once.
    expect(delivered!.id).toBe(message!.id);
    expect(seen.get(message!.id)).toBe(2);
    expect(delivered!.succeeded).toBe(1);
  }, 90_000);
});
