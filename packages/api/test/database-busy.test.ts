/**
 * A busy database is not an outage. While every connection of the app's pool waits on a slow
 * statement (here: an advisory lock another session holds), requests queue, the database-health
 * guard checks the database over a connection of its own, finds it answering, and the requests are
 * answered 202/200 once the pool frees up: no 503. When the guard does answer 503 (the check gets
 * no answer) and the handler finishes later, that late answer is neither sent nor logged as a
 * warning or an error. The outage itself (hang, refuse, recover) is database-outage.test.ts.
 * The embedded database is checked without queueing behind its statements.
 */
import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { buildApp } from '../src/app.ts';
import { type Database, openDatabase } from '../src/db/client.ts';
import { createProject } from '../src/services/projects.ts';

const postgresUrl = inject('postgresUrl');
/** The app's pool size (db/client.ts). */
const poolSize = 10;

/** Polls `condition` until it holds; fails the test with `what` if it never does. */
async function until(what: string, condition: () => Promise<boolean>) {
  const deadline = Date.now() + 20_000;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`Never happened: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe.runIf(postgresUrl)('a busy Postgres', () => {
  let direct: Database;
  /** One session that holds the advisory lock the pool's statements wait on. */
  let holder: postgres.Sql;
  let lockKey = 4_212_000;
  beforeAll(async () => {
    direct = await openDatabase({ databaseUrl: postgresUrl! });
    holder = postgres(postgresUrl!, { max: 1, onnotice: () => {} });
  });
  afterAll(async () => {
    await holder?.end();
    await direct?.close();
  });

  /** An app on `database` with a project and survey, logging at debug into `lines`. */
  async function appWithSurvey(database: Database) {
    const lines: { level: number; msg?: string; err?: { code?: string } }[] = [];
    const stream = new Writable({
      write(chunk, _encoding, done) {
        for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line));
        done();
      },
    });
    const app = await buildApp({
      config: { databaseUrl: postgresUrl!, ingestRateLimit: 100_000, ingestSurveyBudget: 0 },
      database,
      logger: { level: 'debug', stream },
      deliveryWorker: false,
    });
    await app.ready();
    const project = await createProject(direct.db, { name: 'Busy', identityVerification: 'off' });
    const survey = await app.inject({
      method: 'POST',
      url: '/v1/surveys',
      headers: { authorization: `Bearer ${project.secretKey}` },
      payload: { name: 'NPS', kind: 'nps', texts: { en: { question: 'Recommend us?' } } },
    });
    expect(survey.statusCode, survey.body).toBe(201);
    const surveyId: string = survey.json().id;
    const sendAnswer = (id: string) =>
      app.inject({
        method: 'POST',
        url: '/v1/responses',
        payload: {
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
        },
      });
    const listSurveys = () =>
      app.inject({
        method: 'GET',
        url: '/v1/surveys',
        headers: { authorization: `Bearer ${project.secretKey}` },
      });
    return { app, lines, sendAnswer, listSurveys };
  }

  /** Takes the lock and has every connection of the app's pool wait on it; returns the release. */
  async function occupyPool(app: FastifyInstance) {
    const key = ++lockKey;
    await holder`select pg_advisory_lock(${key})`;
    const waiting = Array.from({ length: poolSize }, () =>
      app.database.query('select pg_advisory_xact_lock_shared($1)', [key]),
    );
    await until('every pooled connection waits on the lock', async () => {
      const [row] = await direct.query<{ n: number }>(
        `select count(*)::int as n from pg_stat_activity
         where datname = current_database() and application_name = 'closeloop'
           and wait_event_type = 'Lock' and query like '%pg_advisory_xact_lock_shared%'`,
      );
      return row!.n >= poolSize;
    });
    return async () => {
      await holder`select pg_advisory_unlock(${key})`;
      await Promise.allSettled(waiting);
    };
  }

  it('answers requests that waited for a full pool, and never 503: the check has its own connection', async () => {
    const database = await openDatabase({ databaseUrl: postgresUrl! });
    let pingsAnswered = 0;
    const counted: Database = {
      ...database,
      ping: async () => {
        await database.ping();
        pingsAnswered++;
      },
    };
    const { app, sendAnswer, listSurveys } = await appWithSurvey(counted);
    let release: (() => Promise<void>) | undefined;
    try {
      release = await occupyPool(app);
      const ids = Array.from({ length: 5 }, () => crypto.randomUUID());
      const replies = Promise.all([...ids.map((id) => sendAnswer(id)), listSurveys()]);
      // Requests unanswered after a moment have the database checked: wait for that check.
      await until(
        'the guard has checked the database',
        async () => pingsAnswered > 0 || !app.databaseHealth.reachable,
      );
      expect(app.databaseHealth.reachable).toBe(true);
      expect(await app.databaseHealth.check()).toBe(true);
      const ready = await app.inject({ url: '/readyz' });
      expect(ready.statusCode, ready.body).toBe(200);

      await release();
      release = undefined;
      const answered = await replies;
      expect(answered.map((reply) => reply.statusCode)).toEqual([202, 202, 202, 202, 202, 200]);
      const [stored] = await direct.query<{ n: number }>(
        'select count(*)::int as n from responses where id = any($1::uuid[])',
        [`{${ids.join(',')}}`],
      );
      expect(stored!.n).toBe(ids.length);
    } finally {
      await release?.();
      await app.close();
      await database.close();
    }
  }, 60_000);

  it('a handler that finishes after the guard answered 503 neither answers again nor logs a warning', async () => {
    // The database "hangs" for the guard's check only; the pool is held as above.
    const database = await openDatabase({ databaseUrl: postgresUrl! });
    const hung: Database = { ...database, ping: () => new Promise<void>(() => {}) };
    const { app, lines, sendAnswer } = await appWithSurvey(hung);
    let release: (() => Promise<void>) | undefined;
    try {
      // The project and survey are cached now: the next request waits in its handler, not before.
      expect((await sendAnswer(crypto.randomUUID())).statusCode).toBe(202);
      release = await occupyPool(app);
      const id = crypto.randomUUID();
      const reply = await sendAnswer(id);
      expect(reply.statusCode, reply.body).toBe(503);
      expect(reply.json().code).toBe('unavailable');
      expect(Number(reply.headers['retry-after'])).toBeGreaterThan(0);

      await release();
      release = undefined;
      // The handler goes on once the pool frees up, stores the answer and tries to answer 202.
      await until('the handler answered after the 503', async () =>
        lines.some((line) => line.err?.code === 'FST_ERR_REP_ALREADY_SENT'),
      );
      const [stored] = await direct.query<{ n: number }>(
        'select count(*)::int as n from responses where id = $1',
        [id],
      );
      expect(stored!.n).toBe(1);
      const loud = lines.filter((line) => line.level >= 40 && !/cannot be reached/.test(line.msg ?? ''));
      expect(loud).toEqual([]);
    } finally {
      await release?.();
      await app.close();
      await database.close();
    }
  }, 60_000);
});

describe('the embedded database', () => {
  it('is checked without waiting for running statements, and counts as unreachable once closed', async () => {
    const database = await openDatabase({});
    await database.migrate();
    const app = await buildApp({ database, deliveryWorker: false });
    try {
      await app.ready();
      const slow = database.query('select pg_sleep(0.3)');
      expect(await app.databaseHealth.check()).toBe(true);
      await slow;
    } finally {
      await app.close();
      await database.close();
    }
    await expect(database.ping()).rejects.toThrow(/closed/);
  }, 60_000);
});
