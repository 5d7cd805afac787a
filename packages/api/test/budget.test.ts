import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.ts';
import type { Database } from '../src/db/client.ts';
import { hashClientAddress } from '../src/services/client-address.ts';
import { aResponse, databaseTargets, type TestProject, useTestApp } from './helpers/app.ts';

type App = Awaited<ReturnType<typeof buildApp>>;

describe.each(databaseTargets())('counted budget and quarantine on $name', (target) => {
  // The shared app (no budget) makes projects; `app` is the real configuration (10 per hour).
  const ctx = useTestApp(target);
  let app: App;
  let database: Database;
  beforeAll(async () => {
    database = ctx.database;
    app = await buildApp({ database, config: { ingestRateLimit: 100_000 } });
  });
  afterAll(() => app?.close());

  const send = (p: TestProject, responses: object[], remoteAddress = '203.0.113.7') =>
    app.inject({
      method: 'POST',
      url: '/v1/responses',
      remoteAddress,
      payload: { key: p.publicKey, responses },
    });
  const as = (p: TestProject, url: string, method: 'GET' | 'POST' = 'GET', payload?: object) =>
    app.inject({ method, url, payload, headers: { authorization: `Bearer ${p.secretKey}` } });
  const npsOf = async (p: TestProject) => {
    const from = new Date(Date.now() - 86_400_000).toISOString();
    const to = new Date(Date.now() + 60_000).toISOString();
    const reply = await as(p, `/v1/metrics?surveyId=${p.surveyIds.nps}&from=${from}&to=${to}`);
    expect(reply.statusCode, reply.body).toBe(200);
    return reply.json().total as { n: number; score: number | null };
  };

  it('ballot stuffing: one address counts 10 responses a survey an hour; the rest are stored quarantined', async () => {
    const p = await ctx.newProject();
    // Five genuine promoters from five addresses, then one address sends 3 × 10 detractors.
    for (let i = 0; i < 5; i++) {
      expect(
        (await send(p, [aResponse(p.surveyIds.nps, { score: 10 })], `198.51.100.${i + 1}`)).statusCode,
      ).toBe(202);
    }
    const stuffed: string[] = [];
    for (let request = 0; request < 3; request++) {
      const batch = Array.from({ length: 10 }, () => aResponse(p.surveyIds.nps, { score: 0 }));
      stuffed.push(...batch.map((item) => item.id));
      const reply = await send(p, batch);
      expect(reply.statusCode, reply.body).toBe(202); // nothing lost
      expect(reply.json().accepted).toHaveLength(10);
    }
    const total = await npsOf(p);
    expect(total.n).toBe(15);
    const quarantined = await as(p, `/v1/responses?quarantined=true&limit=200`);
    expect(quarantined.json().data).toHaveLength(20);
    expect(quarantined.json().data.every((r: { quarantined: boolean }) => r.quarantined)).toBe(true);
    const counted = await as(p, `/v1/responses?quarantined=false&limit=200`);
    expect(counted.json().data).toHaveLength(15);
    // Another survey has a budget of its own.
    expect((await send(p, [aResponse(p.surveyIds.csat, { score: 1 })])).statusCode).toBe(202);
    expect((await as(p, `/v1/responses?surveyId=${p.surveyIds.csat}`)).json().data[0].quarantined).toBe(
      false,
    );
    // Quarantined detractors open no follow-up.
    const open = await as(p, `/v1/responses?quarantined=true&status=open`);
    expect(open.json().data).toEqual([]);
    // The export marks them.
    const exported = await as(p, '/v1/responses/export?format=ndjson');
    const lines = exported.body
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(lines.filter((line: { quarantined: boolean }) => line.quarantined)).toHaveLength(20);
  });

  it('a resend of a stored response takes no second place in the budget', async () => {
    const p = await ctx.newProject();
    const batch = Array.from({ length: 10 }, () => aResponse(p.surveyIds.nps, { score: 5 }));
    await send(p, batch, '192.0.2.50');
    await send(
      p,
      batch.map((item) => ({ ...item, comment: 'again' })),
      '192.0.2.50',
    );
    expect((await as(p, '/v1/responses?quarantined=true')).json().data).toEqual([]);
  });

  it('budgets a verified respondent per respondent: one response a survey a day counts', async () => {
    const p = await ctx.newProject({ identityVerification: 'required' });
    const secret = (await as(p, '/v1/project/identity-secret', 'POST')).json().secret as string;
    const signed = () => ({
      externalId: 'cust-9',
      signature: createHmac('sha256', secret).update('cust-9').digest('hex'),
    });
    const first = aResponse(p.surveyIds.nps, { score: 9, respondent: signed() });
    const second = aResponse(p.surveyIds.nps, { score: 0, respondent: signed() });
    await send(p, [first], '192.0.2.1');
    await send(p, [second], '192.0.2.2'); // another address does not help
    expect((await as(p, `/v1/responses/${first.id}`)).json().quarantined).toBe(false);
    expect((await as(p, `/v1/responses/${second.id}`)).json().quarantined).toBe(true);
  });

  it('staff accept (counts from then on) or reject (deleted, logged) quarantined responses', async () => {
    const p = await ctx.newProject();
    const batch = Array.from({ length: 12 }, () => aResponse(p.surveyIds.nps, { score: 2 }));
    await send(p, batch, '192.0.2.77');
    const held = (await as(p, '/v1/responses?quarantined=true')).json().data.map((r: { id: string }) => r.id);
    expect(held).toHaveLength(2);
    expect((await npsOf(p)).n).toBe(10);

    const accepted = await as(p, '/v1/responses/quarantine/accept', 'POST', { ids: [held[0], batch[0]!.id] });
    expect(accepted.statusCode, accepted.body).toBe(200);
    expect(accepted.json().accepted).toEqual([held[0]]); // a counted one is left alone
    expect((await npsOf(p)).n).toBe(11);
    // Accepted, the detractor's follow-up opens like any other.
    expect((await as(p, `/v1/responses/${held[0]}`)).json()).toMatchObject({
      quarantined: false,
      followUp: { status: 'open' },
    });

    const rejected = await as(p, '/v1/responses/quarantine/reject', 'POST', { ids: [held[1]] });
    expect(rejected.json().rejected).toEqual([held[1]]);
    expect((await as(p, `/v1/responses/${held[1]}`)).statusCode).toBe(404);
    expect((await npsOf(p)).n).toBe(11);
    const log = await database.query<{ action: string; detail: { count: number } }>(
      `select action, detail from audit_log where project_id = $1 and action like 'quarantine.%' order by id`,
      [p.projectId],
    );
    expect(log.map((row) => [row.action, row.detail.count])).toEqual([
      ['quarantine.accepted', 1],
      ['quarantine.rejected', 1],
    ]);
    const bad = await as(p, '/v1/responses/quarantine/reject', 'POST', { ids: [] });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors[0].path).toBe('ids');
  });

  it('INGEST_SURVEY_BUDGET=0 turns the budget off', async () => {
    const p = await ctx.newProject();
    const off = await buildApp({ database, config: { ingestRateLimit: 100_000, ingestSurveyBudget: 0 } });
    try {
      const reply = await off.inject({
        method: 'POST',
        url: '/v1/responses',
        payload: {
          key: p.publicKey,
          responses: Array.from({ length: 30 }, () => aResponse(p.surveyIds.nps)),
        },
      });
      expect(reply.statusCode).toBe(202);
      expect((await as(p, '/v1/responses?quarantined=true')).json().data).toEqual([]);
    } finally {
      await off.close();
    }
  });

  it('keeps client addresses only as a keyed hash that changes every day', async () => {
    const p = await ctx.newProject();
    await send(p, [aResponse(p.surveyIds.nps)], '203.0.113.99');
    const rows = await database.query<{ client_hash: string }>(
      'select client_hash from responses where project_id = $1',
      [p.projectId],
    );
    expect(rows[0]!.client_hash).toMatch(/^[0-9a-f]{32}$/);
    const dump = JSON.stringify(
      await database.query('select * from responses where project_id = $1', [p.projectId]),
    );
    expect(dump).not.toContain('203.0.113.99');
    const today = await hashClientAddress(database.db, '203.0.113.99');
    expect(today).toBe(rows[0]!.client_hash);
    const tomorrow = await hashClientAddress(database.db, '203.0.113.99', new Date(Date.now() + 86_400_000));
    expect(tomorrow).not.toBe(today);
  });
});
