/**
 * DATABASE_READ_URL: metrics, segments, response lists, queue counts and exports read from the
 * replica; changes, single responses, sign-ins and keys stay on the primary, and a caller reads
 * its own change from the primary. The "replica" here is a second database on the test server
 * holding different responses of the same project, so every answer shows where it came from.
 * Runs when TEST_DATABASE_URL is set (CI sets it); the embedded-database cases always run.
 */
import { surveyCreateSchema } from '@closeloop/shared';
import { eq } from 'drizzle-orm';
import type { FastifyInstance, InjectOptions } from 'fastify';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { buildApp } from '../src/app.ts';
import { ConfigError, loadConfig } from '../src/config.ts';
import { type Database, openDatabase } from '../src/db/client.ts';
import { projects, surveys } from '../src/db/schema/index.ts';
import { changedCookie } from '../src/plugins/read-database.ts';
import { ingestResponses } from '../src/services/ingest.ts';
import { type CreatedProject, createProject, createSecretKey } from '../src/services/projects.ts';
import { createStaffUser } from '../src/services/staff.ts';
import { aResponse } from './helpers/app.ts';
import { startServer, stopServer } from './helpers/server-process.ts';

const postgresUrl = inject('postgresUrl');
const password = 'correct horse battery';

describe.runIf(postgresUrl)('DATABASE_READ_URL on Postgres', () => {
  const replicaName = `closeloop_replica_${Date.now()}_${process.pid}`;
  let replicaUrl: string;
  let admin: postgres.Sql;
  let primary: Database;
  /** A writable connection to the replica database, to give it content of its own. */
  let replicaWriter: Database;
  let app: FastifyInstance;
  let project: CreatedProject;
  let surveyId: string;
  const onPrimary: string[] = [];
  const onReplica: string[] = [];

  const asKey = (key: string, options: InjectOptions) =>
    app.inject({ ...options, headers: { ...options.headers, authorization: `Bearer ${key}` } });
  const ids = (body: { data: { id: string }[] }) => body.data.map((item) => item.id).sort();

  beforeAll(async () => {
    admin = postgres(postgresUrl!, { max: 1, onnotice: () => {} });
    await admin.unsafe(`create database ${replicaName}`);
    const url = new URL(postgresUrl!);
    url.pathname = `/${replicaName}`;
    replicaUrl = url.toString();
    replicaWriter = await openDatabase({ databaseUrl: replicaUrl });
    await replicaWriter.migrate();

    primary = await openDatabase({ databaseUrl: postgresUrl! });
    project = await createProject(primary.db, { name: 'Replica routing', identityVerification: 'off' });
    const [survey] = await primary.db
      .insert(surveys)
      .values({
        ...surveyCreateSchema.parse({ name: 'NPS', kind: 'nps', texts: { en: { question: 'How likely?' } } }),
        projectId: project.project.id,
      })
      .returning();
    surveyId = survey!.id;
    // The replica holds the same project and survey, but other responses.
    const [projectRow] = await primary.db.select().from(projects).where(eq(projects.id, project.project.id));
    await replicaWriter.db.insert(projects).values(projectRow!);
    await replicaWriter.db.insert(surveys).values(survey!);
    const replicaItems = [2, 3, 10].map((score) =>
      aResponse(surveyId, {
        score,
        comment: 'only on the replica',
        context: { url: 'https://replica.example/' },
      }),
    );
    await ingestResponses(replicaWriter.db, project.project.id, replicaItems);
    onReplica.push(...replicaItems.map((item) => item.id));

    app = await buildApp({
      database: primary,
      config: { databaseReadUrl: replicaUrl, ingestRateLimit: 100_000, ingestSurveyBudget: 0 },
    });
    await app.ready();
    const primaryItems = [9, 1].map((score) =>
      aResponse(surveyId, {
        score,
        comment: 'only on the primary',
        context: { url: 'https://primary.example/' },
      }),
    );
    const sent = await app.inject({
      method: 'POST',
      url: '/v1/responses',
      headers: { 'content-type': 'text/plain' },
      payload: JSON.stringify({ key: project.publicKey, responses: primaryItems }),
    });
    expect(sent.statusCode, sent.body).toBe(202);
    onPrimary.push(...primaryItems.map((item) => item.id));
  }, 60_000);

  afterAll(async () => {
    await app?.close();
    await primary?.close();
    await replicaWriter?.close();
    await admin?.unsafe(`drop database if exists ${replicaName} with (force)`);
    await admin?.end();
  });

  it('stores widget responses on the primary only', async () => {
    const [stored] = await primary.query<{ n: number }>(
      'select count(*)::int as n from responses where project_id = $1',
      [project.project.id],
    );
    expect(stored!.n).toBe(2);
    const [copied] = await replicaWriter.query<{ n: number }>(
      "select count(*)::int as n from responses where project_id = $1 and id = any(string_to_array($2, ',')::uuid[])",
      [project.project.id, onPrimary.join(',')],
    );
    expect(copied!.n).toBe(0);
  });

  it('answers metrics and segments from the replica', async () => {
    const metrics = await asKey(project.secretKey, {
      method: 'GET',
      url: `/v1/metrics?surveyId=${surveyId}`,
    });
    expect(metrics.statusCode, metrics.body).toBe(200);
    // Replica: 2, 3, 10 → one promoter, two detractors of 3 (the primary has 9 and 1).
    expect(metrics.json().total).toMatchObject({
      n: 3,
      distribution: { promoters: 1, passives: 0, detractors: 2 },
    });
    const segments = await asKey(project.secretKey, {
      method: 'GET',
      url: `/v1/metrics/segments?surveyId=${surveyId}&by=page`,
    });
    expect(segments.statusCode, segments.body).toBe(200);
    expect(segments.json().segments.map((s: { value: string; n: number }) => [s.value, s.n])).toEqual([
      ['https://replica.example/', 3],
    ]);
  });

  it('answers response lists, queue counts and exports from the replica', async () => {
    const list = await asKey(project.secretKey, { method: 'GET', url: '/v1/responses?limit=100' });
    expect(list.statusCode, list.body).toBe(200);
    expect(ids(list.json())).toEqual([...onReplica].sort());

    const counts = await asKey(project.secretKey, { method: 'GET', url: '/v1/inbox/counts' });
    expect(counts.statusCode, counts.body).toBe(200);
    expect(counts.json().all).toBe(3);

    const exported = await asKey(project.secretKey, {
      method: 'GET',
      url: '/v1/responses/export?format=ndjson',
    });
    expect(exported.statusCode, exported.body).toBe(200);
    const lines = exported.body
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { id: string });
    expect(lines.map((line) => line.id).sort()).toEqual([...onReplica].sort());
  });

  it('reads a single response from the primary, where the caller has just written', async () => {
    const own = await asKey(project.secretKey, { method: 'GET', url: `/v1/responses/${onPrimary[0]}` });
    expect(own.statusCode, own.body).toBe(200);
    expect(own.json().comment).toBe('only on the primary');
    const replicaOnly = await asKey(project.secretKey, {
      method: 'GET',
      url: `/v1/responses/${onReplica[0]}`,
    });
    expect(replicaOnly.statusCode).toBe(404);
  });

  it('sends a change to the primary, and that caller reads its own change from the primary', async () => {
    const changer = await createSecretKey(primary.db, project.project.id, 'changer');
    const other = await createSecretKey(primary.db, project.project.id, 'bystander');
    const changed = await asKey(changer.key, {
      method: 'PATCH',
      url: `/v1/responses/${onPrimary[1]}`,
      payload: { status: 'resolved' },
    });
    expect(changed.statusCode, changed.body).toBe(200);
    const [row] = await primary.query<{ status: string }>(
      'select follow_up_status as status from responses where id = $1',
      [onPrimary[1]],
    );
    expect(row!.status).toBe('resolved');
    // A secret key gets no cookie: its stickiness is kept by this process.
    expect(changed.cookies.find((cookie) => cookie.name === changedCookie)).toBeUndefined();

    const changerList = await asKey(changer.key, { method: 'GET', url: '/v1/responses?limit=100' });
    expect(ids(changerList.json())).toEqual([...onPrimary].sort());
    const changerCounts = await asKey(changer.key, { method: 'GET', url: '/v1/inbox/counts' });
    expect(changerCounts.json()).toMatchObject({ all: 2, resolved: 1 });
    // Everyone else still reads the replica.
    const otherList = await asKey(other.key, { method: 'GET', url: '/v1/responses?limit=100' });
    expect(ids(otherList.json())).toEqual([...onReplica].sort());
    // A refused change changes nothing, so it does not move the caller to the primary.
    const refused = await asKey(other.key, {
      method: 'PATCH',
      url: `/v1/responses/${onPrimary[1]}`,
      payload: { status: 'sideways' },
    });
    expect(refused.statusCode).toBe(400);
    expect(ids((await asKey(other.key, { method: 'GET', url: '/v1/responses?limit=100' })).json())).toEqual(
      [...onReplica].sort(),
    );
  });

  it('keeps a staff session on the primary after a change, in every process, by a short-lived cookie', async () => {
    const email = `replica-${Date.now()}@staff.example`;
    await createStaffUser(primary.db, project.project.id, { email, name: 'Agent', role: 'admin', password });
    const login = await app.inject({ method: 'POST', url: '/v1/auth/login', payload: { email, password } });
    expect(login.statusCode, login.body).toBe(200);
    const session = `closeloop_session=${login.cookies.find((c) => c.name === 'closeloop_session')!.value}`;
    const csrf = login.json().csrfToken as string;

    const before = await app.inject({
      method: 'GET',
      url: '/v1/responses?limit=100',
      headers: { cookie: session },
    });
    expect(ids(before.json())).toEqual([...onReplica].sort());

    const changed = await app.inject({
      method: 'PATCH',
      url: `/v1/responses/${onPrimary[0]}`,
      headers: { cookie: session, 'x-csrf-token': csrf },
      payload: { tags: ['checked'] },
    });
    expect(changed.statusCode, changed.body).toBe(200);
    const sticky = changed.cookies.find((cookie) => cookie.name === changedCookie);
    expect(sticky).toMatchObject({ maxAge: 5, httpOnly: true, sameSite: 'Lax', path: '/' });

    const after = await app.inject({
      method: 'GET',
      url: '/v1/responses?limit=100',
      headers: { cookie: session },
    });
    expect(ids(after.json())).toEqual([...onPrimary].sort());
    // The cookie alone is enough, as on a process that did not see the change.
    const elsewhere = await asKey(project.secretKey, {
      method: 'GET',
      url: `/v1/metrics?surveyId=${surveyId}`,
      headers: { cookie: `${changedCookie}=1` },
    });
    expect(elsewhere.json().total.n).toBe(2);
  });

  it('refuses a write sent to the read connection', async () => {
    // Postgres refuses it: 25006 read_only_sql_transaction ("cannot execute UPDATE in a read-only transaction").
    const refusal = (attempt: Promise<unknown>) =>
      attempt.then(
        () => null,
        (error: Error & { cause?: unknown }) => error.cause ?? error,
      );
    expect(
      await refusal(
        app.readDatabase.query('update responses set comment = $1 where project_id = $2', [
          'written to the replica',
          project.project.id,
        ]),
      ),
    ).toMatchObject({ code: '25006', message: /read-only transaction/ });
    expect(
      await refusal(
        app.readDb.update(projects).set({ name: 'Renamed' }).where(eq(projects.id, project.project.id)),
      ),
    ).toMatchObject({ code: '25006' });
    const [row] = await replicaWriter.query<{ name: string }>('select name from projects where id = $1', [
      project.project.id,
    ]);
    expect(row!.name).toBe('Replica routing');
  });

  it('reports the replica on /readyz', async () => {
    const ready = await app.inject({ url: '/readyz' });
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toEqual({ status: 'ready', database: 'postgres', readDatabase: 'ready' });
  });

  it('is used by `closeloop start`, named in its banner without credentials, and closed at shutdown', async () => {
    const withPassword = new URL(replicaUrl);
    withPassword.password = 'replica-secret';
    const server = await startServer({
      DATABASE_URL: postgresUrl!,
      DATABASE_READ_URL: withPassword.toString(),
    });
    try {
      const ready = await fetch(`${server.url}/readyz`);
      expect(await ready.json()).toEqual({ status: 'ready', database: 'postgres', readDatabase: 'ready' });
      const metrics = await fetch(`${server.url}/v1/metrics?surveyId=${surveyId}`, {
        headers: { authorization: `Bearer ${project.secretKey}` },
      });
      expect(((await metrics.json()) as { total: { n: number } }).total.n).toBe(3);
      expect(server.output()).toContain(
        `Read replica: 127.0.0.1:${withPassword.port || 5432}/${replicaName}`,
      );
      expect(server.output()).not.toContain('replica-secret');
    } finally {
      await stopServer(server);
    }
    expect(server.child.exitCode).toBe(0);
  }, 60_000);

  it('stays ready when the replica does not answer; only the reads sent to it fail, with 503', async () => {
    // Port 1 on loopback refuses at once.
    const down = await buildApp({
      database: primary,
      config: { databaseReadUrl: 'postgres://postgres@127.0.0.1:1/none' },
    });
    try {
      const ready = await down.inject({ url: '/readyz' });
      expect(ready.statusCode).toBe(200);
      expect(ready.json()).toMatchObject({ status: 'ready', readDatabase: 'unreachable' });
      const auth = { authorization: `Bearer ${project.secretKey}` };
      const metrics = await down.inject({ url: `/v1/metrics?surveyId=${surveyId}`, headers: auth });
      expect(metrics.statusCode).toBe(503);
      expect(metrics.headers['content-type']).toMatch(/problem\+json/);
      // The primary was not taken for unreachable: its routes answer at once.
      const single = await down.inject({ url: `/v1/responses/${onPrimary[0]}`, headers: auth });
      expect(single.statusCode, single.body).toBe(200);
      const stored = await down.inject({
        method: 'POST',
        url: '/v1/responses',
        headers: { 'content-type': 'text/plain' },
        payload: JSON.stringify({ key: project.publicKey, responses: [aResponse(surveyId)] }),
      });
      expect(stored.statusCode, stored.body).toBe(202);
    } finally {
      await down.close();
    }
  });
});

describe('without DATABASE_READ_URL', () => {
  it('reads everything from the one database, as before', async () => {
    const database = await openDatabase({});
    await database.migrate();
    const app = await buildApp({ database });
    try {
      await app.ready();
      expect(app.readDatabase).toBe(app.database);
      expect(app.readDb).toBe(app.db);
      const ready = await app.inject({ url: '/readyz' });
      expect(ready.json()).toEqual({ status: 'ready', database: 'pglite' });
    } finally {
      await app.close();
      await database.close();
    }
  });

  it('refuses a read replica of the embedded database at start', async () => {
    const database = await openDatabase({});
    await database.migrate();
    try {
      await expect(buildApp({ database, config: { databaseReadUrl: 'postgres://h/db' } })).rejects.toThrow(
        /DATABASE_READ_URL: needs DATABASE_URL/,
      );
    } finally {
      await database.close();
    }
  });
});

describe('DATABASE_READ_URL configuration', () => {
  it('takes a postgres:// URL beside DATABASE_URL', () => {
    const config = loadConfig({
      DATABASE_URL: 'postgres://u@primary/db',
      DATABASE_READ_URL: 'postgresql://u@replica/db',
    });
    expect(config.databaseReadUrl).toBe('postgresql://u@replica/db');
    expect(
      loadConfig({ DATABASE_URL: 'postgres://u@primary/db', DATABASE_READ_URL: '' }).databaseReadUrl,
    ).toBe(undefined);
  });

  it('names DATABASE_READ_URL when it is not a postgres:// URL', () => {
    for (const bad of ['mysql://u@replica/db', 'replica:5432']) {
      expect(() => loadConfig({ DATABASE_URL: 'postgres://u@primary/db', DATABASE_READ_URL: bad })).toThrow(
        /DATABASE_READ_URL/,
      );
    }
  });

  it('stops with a clear message when it is set without DATABASE_URL', () => {
    expect(() => loadConfig({ DATABASE_READ_URL: 'postgres://u@replica/db' })).toThrow(ConfigError);
    expect(() => loadConfig({ DATABASE_READ_URL: 'postgres://u@replica/db' })).toThrow(
      /DATABASE_READ_URL: needs DATABASE_URL/,
    );
  });
});
