/**
 * Group commit: concurrent requests of a project are written together, in one transaction of
 * multi-row statements, yet each is answered only after the commit holding its rows, and each
 * succeeds or fails on its own.
 */
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { anEvent, aResponse, databaseTargets, type TestProject, useTestApp } from './helpers/app.ts';

describe.each(databaseTargets())('group commit on $name', (target) => {
  const ctx = useTestApp(target);

  /** The transaction (xmin) that wrote each of the project's responses. */
  const writers = async (p: TestProject) =>
    ctx.database.query<{ id: string; xmin: string }>(
      'select id, xmin::text as xmin from responses where project_id = $1',
      [p.projectId],
    );

  it('writes concurrent requests in fewer transactions than requests, each answered after its commit', async () => {
    const p = await ctx.newProject();
    const batches = Array.from({ length: 24 }, (_, i) => [
      aResponse(p.surveyIds.nps, { score: i % 11, comment: i % 2 ? `comment ${i}` : undefined }),
      aResponse(p.surveyIds.csat, { score: 1 + (i % 5) }),
    ]);
    const replies = await Promise.all(batches.map((batch) => ctx.sendResponses(p, batch)));
    for (const [i, reply] of replies.entries()) {
      expect(reply.statusCode, reply.body).toBe(202);
      expect(reply.json().accepted).toEqual(batches[i]!.map((item) => item.id));
    }
    const rows = await writers(p);
    expect(rows).toHaveLength(48);
    // Grouped: the 24 requests share transactions.
    expect(new Set(rows.map((row) => row.xmin)).size).toBeLessThan(24);
    // Follow-up rules ran for the whole group: every NPS detractor (0–6) and CSAT 1–2 is open.
    const open = await ctx.database.query<{ n: number }>(
      `select count(*)::int as n from responses where project_id = $1 and follow_up_status = 'open'`,
      [p.projectId],
    );
    const expected = batches.filter(([nps, csat]) => nps!.score <= 6 || csat!.score <= 2).length;
    const detractors = batches.filter(([nps]) => nps!.score <= 6).length;
    const unhappy = batches.filter(([, csat]) => csat!.score <= 2).length;
    expect(expected).toBeGreaterThan(0);
    expect(open[0]!.n).toBe(detractors + unhappy);
    // Their activity was written in the same transactions.
    const activity = await ctx.database.query<{ n: number }>(
      `select count(*)::int as n from response_activity where project_id = $1 and type = 'rule_applied'`,
      [p.projectId],
    );
    expect(activity[0]!.n).toBe(detractors + unhappy);
  });

  it('fails only the request that reuses a stored id for another score; the others of its group are stored', async () => {
    const p = await ctx.newProject();
    const stored = aResponse(p.surveyIds.nps, { score: 9 });
    expect((await ctx.sendResponses(p, [stored])).statusCode).toBe(202);
    const good = Array.from({ length: 12 }, () => [aResponse(p.surveyIds.nps, { score: 3 })]);
    const bad = [aResponse(p.surveyIds.nps, { score: 8 }), { ...stored, score: 2 }];
    const replies = await Promise.all([
      ...good.slice(0, 6).map((batch) => ctx.sendResponses(p, batch)),
      ctx.sendResponses(p, bad),
      ...good.slice(6).map((batch) => ctx.sendResponses(p, batch)),
    ]);
    const badReply = replies[6]!;
    expect(badReply.statusCode, badReply.body).toBe(409);
    expect(badReply.json().errors).toEqual([
      { path: 'responses.1.id', message: 'already stored with another survey or score' },
    ]);
    for (const reply of [...replies.slice(0, 6), ...replies.slice(7)])
      expect(reply.statusCode, reply.body).toBe(202);
    const rows = await writers(p);
    const ids = new Set(rows.map((row) => row.id));
    // The good requests are stored; nothing of the bad one (its new item neither).
    expect(rows).toHaveLength(13);
    for (const [item] of good) expect(ids.has(item!.id)).toBe(true);
    expect(ids.has(bad[0]!.id)).toBe(false);
    const [score] = await ctx.database.query<{ score: number }>(
      'select score from responses where project_id = $1 and id = $2',
      [p.projectId, stored.id],
    );
    expect(score!.score).toBe(9);
  });

  it('stores one id sent by many requests at once exactly once, with the first comment', async () => {
    const p = await ctx.newProject();
    const item = aResponse(p.surveyIds.nps, { score: 2 });
    const replies = await Promise.all(
      Array.from({ length: 16 }, (_, i) =>
        ctx.sendResponses(p, [{ ...item, comment: i % 4 === 3 ? `comment ${i}` : undefined }]),
      ),
    );
    for (const reply of replies) expect(reply.statusCode, reply.body).toBe(202);
    const rows = await ctx.database.query<{ comment: string | null }>(
      'select comment from responses where project_id = $1',
      [p.projectId],
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]!.comment).toMatch(/^comment (3|7|11|15)$/);
    const activity = await ctx.database.query<{ n: number }>(
      `select count(*)::int as n from response_activity where project_id = $1 and type = 'rule_applied'`,
      [p.projectId],
    );
    expect(activity[0]!.n).toBe(1);
  });

  it('an unsigned claim sent beside a signed identity of the same customer never changes that customer', async () => {
    const p = await ctx.newProject({ identityVerification: 'off' });
    const rotated = await ctx.asKey(p.secretKey, { method: 'POST', url: '/v1/project/identity-secret' });
    expect(rotated.statusCode, rotated.body).toBe(200);
    const secret = rotated.json().secret as string;
    const signature = createHmac('sha256', secret).update('customer-7').digest('hex');
    const signed = aResponse(p.surveyIds.nps, {
      respondent: { externalId: 'customer-7', email: 'real@customer.example', signature },
    });
    const claims = Array.from({ length: 8 }, () =>
      aResponse(p.surveyIds.nps, {
        respondent: { externalId: 'customer-7', email: 'attacker@evil.example' },
      }),
    );
    const replies = await Promise.all([
      ctx.sendResponses(p, [signed]),
      ...claims.map((claim) => ctx.sendResponses(p, [claim])),
    ]);
    for (const reply of replies) expect(reply.statusCode, reply.body).toBe(202);
    const respondent = await ctx.asKey(p.secretKey, { method: 'GET', url: '/v1/respondents/customer-7' });
    expect(respondent.statusCode, respondent.body).toBe(200);
    expect(respondent.json()).toMatchObject({ email: 'real@customer.example', verified: true });
  });

  it('stores concurrent requests of events together, each id once, and counts each impression once', async () => {
    const p = await ctx.newProject();
    const shared = anEvent(p.surveyIds.nps);
    const batches = Array.from({ length: 20 }, (_, i) => [
      shared,
      anEvent(p.surveyIds.nps, { type: i % 4 === 0 ? 'dismissed' : 'shown' }),
    ]);
    const replies = await Promise.all(batches.map((batch) => ctx.sendEvents(p, batch)));
    for (const [i, reply] of replies.entries()) {
      expect(reply.statusCode, reply.body).toBe(202);
      expect(reply.json().accepted).toEqual(batches[i]!.map((item) => item.id));
    }
    const rows = await ctx.database.query<{ id: string; xmin: string; type: string }>(
      'select id, type, xmin::text as xmin from events where project_id = $1',
      [p.projectId],
    );
    expect(rows).toHaveLength(21);
    expect(new Set(rows.map((row) => row.xmin)).size).toBeLessThan(20);
    const [rollup] = await ctx.database.query<{ shown: number; dismissed: number }>(
      `select coalesce(sum(shown), 0)::int as shown, coalesce(sum(dismissed), 0)::int as dismissed
       from event_rollups where project_id = $1`,
      [p.projectId],
    );
    expect(rollup).toEqual({
      shown: rows.filter((row) => row.type === 'shown').length,
      dismissed: rows.filter((row) => row.type === 'dismissed').length,
    });
  });
});
