/**
 * The supported scale-out: several API processes on one Postgres and one Redis. Two real server
 * processes (`closeloop start`) on loopback, one database, one Redis: responses sent through both
 * are stored exactly once, rate limits are shared, a change made through one is seen by the
 * other, and a session signed in on one is valid on the other. Runs when TEST_DATABASE_URL and
 * TEST_REDIS_URL are set (CI sets both).
 */
import { surveyCreateSchema } from '@closeloop/shared';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type Database, openDatabase } from '../src/db/client.ts';
import { surveys } from '../src/db/schema/index.ts';
import { type CreatedProject, createProject } from '../src/services/projects.ts';
import { createStaffUser } from '../src/services/staff.ts';
import { type ServerProcess, startServer, stopServer } from './helpers/server-process.ts';

const postgresUrl = inject('postgresUrl');
const redisUrl = process.env.TEST_REDIS_URL;
const ingestLimit = 6;

const newSurveyIn = (projectId: string, name: string) => ({
  ...surveyCreateSchema.parse({ name, kind: 'nps', texts: { en: { question: 'Q?' } } }),
  projectId,
});

type Process = ServerProcess;

const start = () =>
  startServer({
    DATABASE_URL: postgresUrl ?? '',
    REDIS_URL: redisUrl ?? '',
    // Each request names its own client address, so runs never share a rate-limit count.
    TRUST_PROXY: 'true',
    INGEST_RATE_LIMIT: String(ingestLimit),
  });
const stop = stopServer;

describe.runIf(postgresUrl && redisUrl)('two API processes on one Postgres and Redis', () => {
  let database: Database;
  let project: CreatedProject;
  let surveyId: string;
  let a: Process;
  let b: Process;
  const address = `10.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}.9`;

  beforeAll(async () => {
    database = await openDatabase({ databaseUrl: postgresUrl! });
    await database.migrate();
    project = await createProject(database.db, { name: 'Two processes' });
    const [survey] = await database.db
      .insert(surveys)
      .values(newSurveyIn(project.project.id, 'NPS'))
      .returning({ id: surveys.id });
    surveyId = survey!.id;
    [a, b] = await Promise.all([start(), start()]);
  }, 120_000);

  afterAll(async () => {
    await Promise.all([stop(a), stop(b)]);
    await database?.close();
  });

  const widgetPost = (server: Process, path: string, body: unknown, from = address) =>
    fetch(`${server.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain', 'x-forwarded-for': from },
      body: JSON.stringify(body),
    });
  const aResponse = (id = crypto.randomUUID(), survey = surveyId) => ({
    id,
    surveyId: survey,
    score: 8,
    context: { url: 'https://shop.example/' },
    submittedAt: new Date().toISOString(),
  });
  // Every test but the rate-limit one names an address of its own.
  const freshAddress = () => `10.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}.8`;

  it('stores a response sent through both processes at once exactly once', async () => {
    const response = aResponse();
    const replies = await Promise.all(
      Array.from({ length: 10 }, (_, index) =>
        widgetPost(
          index % 2 ? a : b,
          '/v1/responses',
          { key: project.publicKey, responses: [response] },
          freshAddress(),
        ),
      ),
    );
    expect(replies.map((reply) => reply.status)).toEqual(Array(10).fill(202));
    const [row] = await database.query<{ n: number }>(
      'select count(*)::int as n from responses where project_id = $1 and id = $2',
      [project.project.id, response.id],
    );
    expect(row!.n).toBe(1);
  });

  it('shares the rate limit: the two processes together accept the limit, not twice it', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < ingestLimit * 2; i++) {
      const reply = await widgetPost(i % 2 ? a : b, '/v1/events', {
        key: project.publicKey,
        events: [{ id: crypto.randomUUID(), surveyId, type: 'shown', at: new Date().toISOString() }],
      });
      statuses.push(reply.status);
    }
    expect(statuses.filter((status) => status === 202)).toHaveLength(ingestLimit);
    expect(statuses.slice(ingestLimit)).toEqual(Array(ingestLimit).fill(429));
  });

  it('a survey deleted through one process is refused by the other', async () => {
    const [survey] = await database.db
      .insert(surveys)
      .values(newSurveyIn(project.project.id, 'Soon gone'))
      .returning({ id: surveys.id });
    const send = (server: Process) =>
      widgetPost(
        server,
        '/v1/responses',
        { key: project.publicKey, responses: [aResponse(undefined, survey!.id)] },
        freshAddress(),
      );
    // Made by a third writer: each process learns of it from the NOTIFY, a moment later.
    await expect.poll(async () => (await send(a)).status).toBe(202);
    await expect.poll(async () => (await send(b)).status).toBe(202);
    const deleted = await fetch(`${a.url}/v1/surveys/${survey!.id}`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${project.secretKey}` },
    });
    expect(deleted.status).toBe(204);
    expect((await send(a)).status).toBe(400);
    await expect.poll(async () => (await send(b)).status).toBe(400);
  });

  it('a session signed in on one process is valid on the other', async () => {
    const email = `two-processes-${Date.now()}@staff.example`;
    await createStaffUser(database.db, project.project.id, {
      email,
      name: 'Agent',
      role: 'admin',
      password: 'correct horse battery',
    });
    const login = await fetch(`${a.url}/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forwarded-for': freshAddress() },
      body: JSON.stringify({ email, password: 'correct horse battery' }),
    });
    expect(login.status).toBe(200);
    const cookie = login.headers.getSetCookie().find((value) => value.startsWith('closeloop_session='))!;
    const { csrfToken } = (await login.json()) as { csrfToken: string };
    const headers = { cookie: cookie.split(';')[0]!, 'x-csrf-token': csrfToken };
    const read = await fetch(`${b.url}/v1/surveys`, { headers });
    expect(read.status).toBe(200);
    const change = await fetch(`${b.url}/v1/surveys`, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Made on B', kind: 'csat', texts: { en: { question: 'Happy?' } } }),
    });
    expect(change.status).toBe(201);
  });
});
