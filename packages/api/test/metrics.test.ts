import { describe, expect, it } from 'vitest';
import { aResponse, databaseTargets, type TestContext, type TestProject, useTestApp } from './helpers/app.ts';

const at = (iso: string) => new Date(iso).toISOString();

async function seed(ctx: TestContext, project: TestProject) {
  const { nps, csat } = project.surveyIds;
  const pro = { externalId: 'pro-user', traits: { plan: 'pro' } };
  const items = [
    aResponse(nps, { score: 10, submittedAt: at('2026-09-30T12:00:00Z') }), // previous period
    aResponse(nps, {
      score: 10,
      submittedAt: at('2026-10-01T08:00:00Z'),
      context: { url: 'https://shop.example/pricing?ref=ad', locale: 'de' },
    }),
    aResponse(nps, {
      score: 9,
      submittedAt: at('2026-10-01T09:00:00Z'),
      context: { url: 'https://shop.example/pricing', locale: 'en' },
    }),
    aResponse(nps, {
      score: 3,
      submittedAt: at('2026-10-01T10:00:00Z'),
      context: { url: 'https://shop.example/checkout', locale: 'en' },
    }),
    aResponse(nps, {
      score: 8,
      submittedAt: at('2026-10-01T23:30:00Z'),
      context: { url: 'https://shop.example/checkout', locale: 'en' },
    }),
    aResponse(nps, { score: 0, submittedAt: at('2026-10-03T10:00:00Z'), respondent: pro }),
    aResponse(nps, { score: 0, submittedAt: at('2026-10-03T11:00:00Z') }),
    aResponse(nps, { score: 10, submittedAt: at('2026-10-03T12:00:00Z'), respondent: pro }),
    aResponse(csat, { score: 5, submittedAt: at('2026-10-02T12:00:00Z') }),
    aResponse(csat, { score: 4, submittedAt: at('2026-10-02T12:00:00Z') }),
    aResponse(csat, { score: 2, submittedAt: at('2026-10-02T12:00:00Z') }),
  ];
  const posted = await ctx.app.inject({
    method: 'POST',
    url: '/v1/responses',
    payload: { key: project.publicKey, responses: items },
  });
  expect(posted.statusCode).toBe(202);
  const shown = (iso: string, count: number) =>
    Array.from({ length: count }, () => ({
      id: crypto.randomUUID(),
      surveyId: nps,
      type: 'shown',
      at: at(iso),
    }));
  const events = [
    ...shown('2026-10-01T07:00:00Z', 8),
    ...shown('2026-10-03T07:00:00Z', 6),
    ...shown('2026-09-30T07:00:00Z', 4),
  ];
  const eventReply = await ctx.app.inject({
    method: 'POST',
    url: '/v1/events',
    payload: { key: project.publicKey, events },
  });
  expect(eventReply.statusCode).toBe(202);
}

describe.each(databaseTargets())('GET /v1/metrics on $name', (target) => {
  const ctx = useTestApp(target);
  const metrics = (project: TestProject, query: string) =>
    ctx.asKey(project.secretKey, { method: 'GET', url: `/v1/metrics?${query}` });

  it('gives NPS per day with counts, intervals, distributions, response rates and changes', async () => {
    const project = await ctx.newProject();
    await seed(ctx, project);
    const reply = await metrics(
      project,
      `surveyId=${project.surveyIds.nps}&interval=day&from=2026-10-01T00:00:00Z&to=2026-10-04T00:00:00Z`,
    );
    expect(reply.statusCode).toBe(200);
    const body = reply.json();
    expect(body).toMatchObject({
      kind: 'nps',
      interval: 'day',
      timezone: 'UTC',
      from: '2026-10-01T00:00:00.000Z',
      to: '2026-10-04T00:00:00.000Z',
    });
    expect(body.buckets.map((b: { start: string }) => b.start)).toEqual([
      '2026-10-01T00:00:00.000Z',
      '2026-10-02T00:00:00.000Z',
      '2026-10-03T00:00:00.000Z',
    ]);
    const [first, second, third] = body.buckets;
    // Oct 1: 10, 9, 3, 8 → 2 promoters, 1 detractor of 4 → NPS 25; 8 shown → rate 0.5
    expect(first).toMatchObject({
      n: 4,
      score: 25,
      distribution: { promoters: 2, passives: 1, detractors: 1 },
      shown: 8,
      responseRate: 0.5,
    });
    expect(first.histogram).toEqual({ 0: 0, 1: 0, 2: 0, 3: 1, 4: 0, 5: 0, 6: 0, 7: 0, 8: 1, 9: 1, 10: 1 });
    expect(first.mean).toBe(7.5);
    expect(first.ci.low).toBeLessThan(25);
    expect(first.ci.high).toBeGreaterThan(25);
    expect(first.end).toBe('2026-10-02T00:00:00.000Z');
    expect(second).toMatchObject({ n: 0, score: null, ci: null, shown: 0, responseRate: null });
    // Oct 3: 0, 0, 10 → 1 promoter, 2 detractors of 3
    expect(third.n).toBe(3);
    expect(third.score).toBeCloseTo(-33.333, 2);
    expect(third.responseRate).toBe(0.5);
    expect(third.change).toEqual({ difference: null, pValue: null, significant: false });
    // Whole range: 3 promoters, 3 detractors of 7 → 0; previous 3 days: one 10 → 100
    expect(body.total).toMatchObject({ n: 7, score: 0, shown: 14, responseRate: 0.5 });
    expect(body.previous).toMatchObject({ n: 1, score: 100, shown: 4, responseRate: 0.25 });
    expect(body.change.difference).toBe(-100);
    expect(body.change.significant).toBe(false);
  });

  it('buckets in the requested time zone', async () => {
    const project = await ctx.newProject();
    await seed(ctx, project);
    const reply = await metrics(
      project,
      `surveyId=${project.surveyIds.nps}&interval=day&timezone=Europe/Berlin&from=2026-10-01T00:00:00Z&to=2026-10-04T00:00:00Z`,
    );
    expect(reply.statusCode).toBe(200);
    const { buckets } = reply.json();
    expect(buckets.map((b: { start: string }) => b.start)).toEqual([
      '2026-09-30T22:00:00.000Z',
      '2026-10-01T22:00:00.000Z',
      '2026-10-02T22:00:00.000Z',
      '2026-10-03T22:00:00.000Z',
    ]);
    // 23:30 UTC on Oct 1 is 01:30 on Oct 2 in Berlin.
    expect(buckets.map((b: { n: number }) => b.n)).toEqual([3, 1, 3, 0]);
    expect(buckets[0].score).toBeCloseTo(33.333, 2);
  });

  it('scores every survey of a kind, by week', async () => {
    const project = await ctx.newProject();
    await seed(ctx, project);
    const reply = await metrics(
      project,
      'kind=csat&interval=week&from=2026-09-28T00:00:00Z&to=2026-10-05T00:00:00Z',
    );
    const body = reply.json();
    expect(body.buckets).toHaveLength(1);
    expect(body.buckets[0].start).toBe('2026-09-28T00:00:00.000Z');
    expect(body.total).toMatchObject({ n: 3, distribution: { satisfied: 2, neutral: 0, dissatisfied: 1 } });
    expect(body.total.score).toBeCloseTo(66.667, 2);
    expect(body.total.mean).toBeCloseTo(3.667, 2);
  });

  it('filters by trait, URL prefix and locale (no response rate then)', async () => {
    const project = await ctx.newProject();
    await seed(ctx, project);
    const base = `surveyId=${project.surveyIds.nps}&interval=month&from=2026-10-01T00:00:00Z&to=2026-10-04T00:00:00Z`;
    const pro = (await metrics(project, `${base}&trait=plan%3Dpro`)).json();
    expect(pro.total).toMatchObject({ n: 2, score: 0, shown: null, responseRate: null });
    const pricing = (
      await metrics(project, `${base}&urlPrefix=${encodeURIComponent('https://shop.example/pricing')}`)
    ).json();
    expect(pricing.total).toMatchObject({ n: 2, score: 100 });
    const german = (await metrics(project, `${base}&locale=DE`)).json();
    expect(german.total.n).toBe(1);
  });

  it.each([
    ['no survey or kind', 'interval=day', 'surveyId'],
    ['an unknown interval', 'kind=nps&interval=hour', 'interval'],
    ['an unknown time zone', 'kind=nps&timezone=Mars/Olympus', 'timezone'],
    ['from after to', 'kind=nps&from=2026-10-05T00:00:00Z&to=2026-10-01T00:00:00Z', 'from'],
    ['too many buckets', 'kind=nps&interval=day&from=2000-01-01T00:00:00Z&to=2026-01-01T00:00:00Z', 'from'],
    ['a trait without =', 'kind=nps&trait=plan', 'trait'],
    ['a kind that is not the survey’s', 'kind=csat&surveyId=SURVEY', 'kind'],
  ])('refuses %s', async (_name, query, path) => {
    const project = await ctx.newProject();
    const reply = await metrics(project, query.replace('SURVEY', project.surveyIds.nps));
    expect(reply.statusCode).toBe(400);
    expect(reply.json().errors.map((e: { path: string }) => e.path)).toContain(path);
  });

  it("answers 404 for another project's survey", async () => {
    const project = await ctx.newProject();
    const other = await ctx.newProject();
    const reply = await metrics(other, `surveyId=${project.surveyIds.nps}`);
    expect(reply.statusCode).toBe(404);
  });

  it('breaks scores down by page, locale and trait', async () => {
    const project = await ctx.newProject();
    await seed(ctx, project);
    const range = 'from=2026-10-01T00:00:00Z&to=2026-10-04T00:00:00Z';
    const url = (by: string) => `/v1/metrics/segments?surveyId=${project.surveyIds.nps}&${range}&by=${by}`;
    const pages = (await ctx.asKey(project.secretKey, { method: 'GET', url: url('page') })).json();
    expect(pages.segments.map((s: { value: string; n: number }) => [s.value, s.n])).toEqual([
      ['https://shop.example/checkout', 5],
      ['https://shop.example/pricing', 2],
    ]);
    const traits = (
      await ctx.asKey(project.secretKey, { method: 'GET', url: `${url('trait')}&traitKey=plan` })
    ).json();
    expect(traits.segments.map((s: { value: string | null; n: number }) => [s.value, s.n])).toEqual([
      [null, 5],
      ['pro', 2],
    ]);
    const missingKey = await ctx.asKey(project.secretKey, { method: 'GET', url: url('trait') });
    expect(missingKey.statusCode).toBe(400);
  });
});
