import { describe, expect, it } from 'vitest';
import {
  anEvent,
  aResponse,
  databaseTargets,
  storeHistory,
  type TestContext,
  type TestProject,
  useTestApp,
} from './helpers/app.ts';

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
  await storeHistory(ctx, project, items);
  const shown = (iso: string, count: number) =>
    Array.from({ length: count }, () => anEvent(nps, { at: at(iso) }));
  const events = [
    ...shown('2026-10-01T07:00:00Z', 8),
    ...shown('2026-10-03T07:00:00Z', 6),
    ...shown('2026-09-30T07:00:00Z', 4),
  ];
  expect((await ctx.sendEvents(project, events)).statusCode).toBe(202);
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
    // The first bucket (Oct 1 in Berlin) starts at 22:00 UTC the day before, clipped to `from`.
    expect(buckets.map((b: { start: string }) => b.start)).toEqual([
      '2026-10-01T00:00:00.000Z',
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

  it('clips the first and last bucket to the range', async () => {
    const project = await ctx.newProject();
    await seed(ctx, project);
    // Thursday Oct 1 to Saturday Oct 3 12:00: one week bucket (Monday Sep 28 to Monday Oct 5).
    const body = (
      await metrics(
        project,
        `surveyId=${project.surveyIds.nps}&interval=week&from=2026-10-01T00:00:00Z&to=2026-10-03T12:00:00Z`,
      )
    ).json();
    expect(body.buckets.map((b: { start: string; end: string; n: number }) => [b.start, b.end, b.n])).toEqual(
      [['2026-10-01T00:00:00.000Z', '2026-10-03T12:00:00.000Z', 6]],
    );
  });

  it('answers ranges at the end of year 9999 (the last bucket ends at `to`)', async () => {
    const project = await ctx.newProject();
    for (const timezone of ['UTC', 'Pacific/Kiritimati', 'Pacific/Pago_Pago']) {
      const reply = await metrics(
        project,
        `kind=nps&interval=month&timezone=${timezone}&from=9999-12-31T00:00:00Z&to=9999-12-31T23:59:59Z`,
      );
      expect(reply.statusCode, reply.body).toBe(200);
      const { buckets } = reply.json();
      expect(buckets[0].start).toBe('9999-12-31T00:00:00.000Z');
      expect(buckets.at(-1).end).toBe('9999-12-31T23:59:59.000Z');
    }
    const early = await metrics(
      project,
      'kind=nps&interval=month&timezone=America/New_York&from=1970-01-01T00:00:00Z&to=1970-03-01T00:00:00Z',
    );
    expect(early.statusCode, early.body).toBe(200);
    expect(early.json().buckets[0].start).toBe('1970-01-01T00:00:00.000Z');
  });

  it('defaults `from` to 30 days (day), 12 weeks (week) or 365 days (month, segments) before `to`, as documented', async () => {
    const project = await ctx.newProject();
    const to = '2026-10-04T00:00:00.000Z';
    const before = (days: number) => new Date(Date.parse(to) - days * 86_400_000).toISOString();
    for (const [interval, days] of [
      ['day', 30],
      ['week', 84],
      ['month', 365],
    ] as const) {
      const body = (await metrics(project, `kind=nps&interval=${interval}&to=${to}`)).json();
      expect(body.from).toBe(before(days));
    }
    const openapi = (await ctx.app.inject({ url: '/openapi.json' })).json();
    const fromParameter = openapi.paths['/v1/metrics'].get.parameters.find(
      (parameter: { name: string }) => parameter.name === 'from',
    );
    expect(fromParameter.description).toContain('30 days (interval=day), 12 weeks (week) or 365 days');
  });

  it('refuses a time zone that Intl knows but the database does not', async () => {
    const project = await ctx.newProject();
    for (const url of [
      '/v1/metrics?kind=nps&timezone=US/Pacific-New',
      '/v1/metrics/segments?kind=nps&by=page&timezone=US/Pacific-New',
    ]) {
      const reply = await ctx.asKey(project.secretKey, { method: 'GET', url });
      expect(reply.statusCode, reply.body).toBe(400);
      expect(reply.json().errors).toEqual([
        { path: 'timezone', message: expect.stringContaining('Pacific-New') },
      ]);
    }
    // Names are matched without case and answered in the database's spelling.
    const lower = await metrics(project, 'kind=nps&timezone=europe/berlin');
    expect(lower.statusCode).toBe(200);
    expect(lower.json().timezone).toBe('Europe/Berlin');
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

  it.runIf(target.name === 'postgres')('runs on Postgres connections with JIT off', async () => {
    const rows = await Promise.all(
      Array.from({ length: 3 }, () => ctx.database.query<{ jit: string }>('show jit')),
    );
    expect(rows.map(([row]) => row!.jit)).toEqual(['off', 'off', 'off']);
  });

  it('counts impressions per bucket, and for the period before, for a survey and for a kind', async () => {
    const project = await ctx.newProject();
    await seed(ctx, project);
    const range = 'interval=day&from=2026-10-01T00:00:00Z&to=2026-10-04T00:00:00Z';
    // A dismissal counts for nothing.
    const dismissed = await ctx.sendEvents(project, [
      anEvent(project.surveyIds.nps, { type: 'dismissed', at: at('2026-10-01T07:00:00Z') }),
    ]);
    expect(dismissed.statusCode).toBe(202);
    for (const scope of [`surveyId=${project.surveyIds.nps}`, 'kind=nps']) {
      const body = (await metrics(project, `${scope}&${range}`)).json();
      expect(body.buckets.map((b: { shown: number }) => b.shown)).toEqual([8, 0, 6]);
      expect(body.total.shown).toBe(14);
      expect(body.previous.shown).toBe(4);
    }
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

  it('counts locales that differ only in case as one segment, as the locale filter does', async () => {
    const project = await ctx.newProject();
    const { nps } = project.surveyIds;
    const context = (locale: string) => ({ url: 'https://shop.example/', locale });
    await storeHistory(ctx, project, [
      aResponse(nps, { score: 10, submittedAt: at('2026-10-01T08:00:00Z'), context: context('en') }),
      aResponse(nps, { score: 0, submittedAt: at('2026-10-01T09:00:00Z'), context: context('EN') }),
      aResponse(nps, { score: 9, submittedAt: at('2026-10-01T10:00:00Z'), context: context('En') }),
      aResponse(nps, { score: 9, submittedAt: at('2026-10-01T11:00:00Z'), context: context('de') }),
    ]);
    const range = 'from=2026-10-01T00:00:00Z&to=2026-10-02T00:00:00Z';
    const segments = (
      await ctx.asKey(project.secretKey, {
        method: 'GET',
        url: `/v1/metrics/segments?surveyId=${nps}&${range}&by=locale`,
      })
    ).json();
    expect(segments.segments.map((s: { value: string; n: number }) => [s.value, s.n])).toEqual([
      ['en', 3],
      ['de', 1],
    ]);
    const filtered = (await metrics(project, `surveyId=${nps}&${range}&locale=eN`)).json();
    expect(filtered.total.n).toBe(segments.segments[0].n);
  });
});

/**
 * Responses at the given instants (NPS), scored by day or month in a time zone; returns each
 * bucket as [start, end, n, score].
 */
describe.each(databaseTargets())('metric buckets across DST changes and month ends on $name', (target) => {
  const ctx = useTestApp(target);

  async function buckets(
    answers: [string, number][],
    query: { interval: 'day' | 'month'; timezone: string; from: string; to: string },
  ): Promise<[string, string, number, number | null][]> {
    const project = await ctx.newProject();
    await storeHistory(
      ctx,
      project,
      answers.map(([submittedAt, score]) => aResponse(project.surveyIds.nps, { submittedAt, score })),
    );
    const reply = await ctx.asKey(project.secretKey, {
      method: 'GET',
      url: `/v1/metrics?surveyId=${project.surveyIds.nps}&${new URLSearchParams(query)}`,
    });
    expect(reply.statusCode, reply.body).toBe(200);
    return reply
      .json()
      .buckets.map((b: { start: string; end: string; n: number; score: number | null }) => [
        b.start,
        b.end,
        b.n,
        b.score,
      ]);
  }

  it('starts a day at the first of two local midnights (Atlantic/Azores, DST ends at 01:00 → 00:00)', async () => {
    // Oct 25 00:00–01:00 happens twice: first at 00:00Z (UTC+0), again at 01:00Z (UTC−1).
    const result = await buckets(
      [
        ['2026-10-24T12:00:00.000Z', 0],
        ['2026-10-25T00:30:00.000Z', 10], // 00:30 on Oct 25, the first time round
      ],
      {
        interval: 'day',
        timezone: 'Atlantic/Azores',
        from: '2026-10-24T00:00:00Z',
        to: '2026-10-26T01:00:00Z',
      },
    );
    expect(result).toEqual([
      ['2026-10-24T00:00:00.000Z', '2026-10-25T00:00:00.000Z', 1, -100],
      ['2026-10-25T00:00:00.000Z', '2026-10-26T01:00:00.000Z', 1, 100], // 25 hours
    ]);
  });

  it('starts November at the first local midnight of Nov 1 (America/Havana, DST ends at 01:00 → 00:00)', async () => {
    const result = await buckets(
      [
        ['2026-10-31T12:00:00.000Z', 0],
        ['2026-11-01T03:59:59.999Z', 0], // 23:59:59.999 CDT on Oct 31
        ['2026-11-01T04:30:00.000Z', 10], // 00:30 CDT on Nov 1
        ['2026-11-01T05:30:00.000Z', 9], // 00:30 CST on Nov 1, the second time round
      ],
      {
        interval: 'month',
        timezone: 'America/Havana',
        from: '2026-10-01T04:00:00Z',
        to: '2026-12-01T05:00:00Z',
      },
    );
    expect(result).toEqual([
      ['2026-10-01T04:00:00.000Z', '2026-11-01T04:00:00.000Z', 2, -100],
      ['2026-11-01T04:00:00.000Z', '2026-12-01T05:00:00.000Z', 2, 100],
    ]);
  });

  it('has 23- and 25-hour days in Europe/Berlin', async () => {
    const spring = await buckets(
      [
        ['2026-03-28T22:59:59.999Z', 0], // Mar 28, 23:59:59.999 CET
        ['2026-03-28T23:00:00.000Z', 10], // Mar 29, 00:00 CET
        ['2026-03-29T21:59:59.999Z', 10], // Mar 29, 23:59:59.999 CEST
        ['2026-03-29T22:00:00.000Z', 0], // Mar 30, 00:00 CEST
      ],
      {
        interval: 'day',
        timezone: 'Europe/Berlin',
        from: '2026-03-27T23:00:00Z',
        to: '2026-03-30T22:00:00Z',
      },
    );
    expect(spring).toEqual([
      ['2026-03-27T23:00:00.000Z', '2026-03-28T23:00:00.000Z', 1, -100],
      ['2026-03-28T23:00:00.000Z', '2026-03-29T22:00:00.000Z', 2, 100], // 23 hours
      ['2026-03-29T22:00:00.000Z', '2026-03-30T22:00:00.000Z', 1, -100],
    ]);
    const autumn = await buckets(
      [
        ['2026-10-24T22:00:00.000Z', 10], // Oct 25, 00:00 CEST
        ['2026-10-25T22:59:59.999Z', 10], // Oct 25, 23:59:59.999 CET
        ['2026-10-25T23:00:00.000Z', 0], // Oct 26, 00:00 CET
      ],
      {
        interval: 'day',
        timezone: 'Europe/Berlin',
        from: '2026-10-24T22:00:00Z',
        to: '2026-10-26T23:00:00Z',
      },
    );
    expect(autumn).toEqual([
      ['2026-10-24T22:00:00.000Z', '2026-10-25T23:00:00.000Z', 2, 100], // 25 hours
      ['2026-10-25T23:00:00.000Z', '2026-10-26T23:00:00.000Z', 1, -100],
    ]);
  });

  it('has 23- and 25-hour days in America/New_York', async () => {
    const spring = await buckets(
      [
        ['2026-03-08T05:00:00.000Z', 10], // Mar 8, 00:00 EST
        ['2026-03-09T03:59:59.999Z', 10], // Mar 8, 23:59:59.999 EDT
        ['2026-03-09T04:00:00.000Z', 0], // Mar 9, 00:00 EDT
      ],
      {
        interval: 'day',
        timezone: 'America/New_York',
        from: '2026-03-08T05:00:00Z',
        to: '2026-03-10T04:00:00Z',
      },
    );
    expect(spring).toEqual([
      ['2026-03-08T05:00:00.000Z', '2026-03-09T04:00:00.000Z', 2, 100], // 23 hours
      ['2026-03-09T04:00:00.000Z', '2026-03-10T04:00:00.000Z', 1, -100],
    ]);
    const autumn = await buckets(
      [
        ['2026-11-01T03:59:59.999Z', 0], // Oct 31, 23:59:59.999 EDT
        ['2026-11-01T04:00:00.000Z', 10], // Nov 1, 00:00 EDT
        ['2026-11-02T04:59:59.999Z', 10], // Nov 1, 23:59:59.999 EST
      ],
      {
        interval: 'day',
        timezone: 'America/New_York',
        from: '2026-10-31T04:00:00Z',
        to: '2026-11-02T05:00:00Z',
      },
    );
    expect(autumn).toEqual([
      ['2026-10-31T04:00:00.000Z', '2026-11-01T04:00:00.000Z', 1, -100],
      ['2026-11-01T04:00:00.000Z', '2026-11-02T05:00:00.000Z', 2, 100], // 25 hours
    ]);
  });

  it('reads the roll-ups right in zones 5:45 and 5:30 off UTC (Asia/Kathmandu, Asia/Kolkata), as the rows give', async () => {
    const project = await ctx.newProject();
    const nps = project.surveyIds.nps;
    // 2026-03-02 00:00 in Kathmandu (a Monday) is 2026-03-01 18:15 UTC; Nepal has no DST.
    const weekStart = Date.parse('2026-03-01T18:15:00Z');
    const week = 7 * 86_400_000;
    const instants = [
      // Either side of local midnights and of the week boundary.
      '2026-03-08T18:14:59.999Z',
      '2026-03-08T18:15:00.000Z',
      '2026-03-02T18:14:59.999Z',
      '2026-03-02T18:15:00.000Z',
      // Spread over the month, 9 h 47 min apart: every hour and quarter hour of a bucket's ends.
      ...Array.from({ length: 70 }, (_, i) =>
        new Date(Date.parse('2026-03-02T17:00:00Z') + i * 587 * 60_000).toISOString(),
      ),
    ];
    // February: the period before the ranges read below.
    const earlier = [
      '2026-03-01T18:07:29.999Z',
      ...Array.from({ length: 20 }, (_, i) =>
        new Date(Date.parse('2026-02-01T06:10:00Z') + i * 1999 * 60_000).toISOString(),
      ),
    ];
    await storeHistory(
      ctx,
      project,
      [...instants, ...earlier].map((submittedAt, i) => aResponse(nps, { submittedAt, score: (i * 7) % 11 })),
    );
    const read = async (query: Record<string, string>) => {
      const reply = await ctx.asKey(project.secretKey, {
        method: 'GET',
        url: `/v1/metrics?surveyId=${nps}&${new URLSearchParams(query)}`,
      });
      expect(reply.statusCode, reply.body).toBe(200);
      const body = reply.json();
      return {
        buckets: body.buckets.map((b: { start: string; end: string; n: number; score: number | null }) => [
          b.start,
          b.end,
          b.n,
          b.score,
        ]) as [string, string, number, number | null][],
        n: body.total.n as number,
        // Counts only: a filtered reply has no impressions (shown null).
        previous: { n: body.previous.n as number, score: body.previous.score as number | null },
      };
    };
    const to = '2026-03-31T18:15:00Z'; // Apr 1, 00:00 in Kathmandu
    const weekly = await read({
      interval: 'week',
      timezone: 'Asia/Kathmandu',
      from: '2026-03-01T18:15:00Z',
      to,
    });
    // Hand-worked: five weeks from Monday 00:00 local (18:15 UTC on Sunday), the last clipped to `to`.
    const starts = [0, 1, 2, 3, 4].map((k) => weekStart + k * week);
    expect(weekly.buckets.map(([start, end]) => [start, end])).toEqual(
      starts.map((start, k) => [
        new Date(start).toISOString(),
        new Date(k === 4 ? Date.parse(to) : start + week).toISOString(),
      ]),
    );
    expect(weekly.buckets.map(([, , n]) => n)).toEqual(
      starts.map(
        (start) =>
          instants.filter(
            (at) => Date.parse(at) >= start && Date.parse(at) < Math.min(start + week, Date.parse(to)),
          ).length,
      ),
    );
    expect(weekly.buckets[0]![2]).toBeGreaterThan(0);
    expect(weekly.n).toBe(instants.length);
    // Every interval, in either zone and with a range whose ends are off every slot, equals what
    // the rows give (a filter that every response matches reads the rows).
    for (const timezone of ['Asia/Kathmandu', 'Asia/Kolkata']) {
      for (const interval of ['day', 'week', 'month']) {
        const query = { interval, timezone, from: '2026-03-01T18:07:30Z', to: '2026-03-31T11:52:10Z' };
        const fromRollups = await read(query);
        const fromRows = await read({ ...query, locale: 'en' });
        expect(fromRollups, `${interval} in ${timezone}`).toEqual(fromRows);
        // The period before, off every slot too, is read from several levels and the rows.
        expect(fromRollups.previous, `previous ${interval} in ${timezone}`).toEqual(fromRows.previous);
        expect(fromRollups.n).toBeGreaterThan(60);
        expect(fromRollups.previous.n).toBeGreaterThan(10);
      }
    }
  });

  it('ends months at local midnight on the last day (Europe/Berlin) and in UTC', async () => {
    const berlin = await buckets(
      [
        ['2026-02-28T22:59:59.999Z', 0], // Feb 28, 23:59:59.999 CET
        ['2026-02-28T23:00:00.000Z', 10], // Mar 1, 00:00 CET
        ['2026-03-31T21:59:59.999Z', 10], // Mar 31, 23:59:59.999 CEST
        ['2026-03-31T22:00:00.000Z', 0], // Apr 1, 00:00 CEST
      ],
      {
        interval: 'month',
        timezone: 'Europe/Berlin',
        from: '2026-01-31T23:00:00Z',
        to: '2026-04-30T22:00:00Z',
      },
    );
    expect(berlin).toEqual([
      ['2026-01-31T23:00:00.000Z', '2026-02-28T23:00:00.000Z', 1, -100],
      ['2026-02-28T23:00:00.000Z', '2026-03-31T22:00:00.000Z', 2, 100],
      ['2026-03-31T22:00:00.000Z', '2026-04-30T22:00:00.000Z', 1, -100],
    ]);
    const utc = await buckets(
      [
        ['2024-02-29T23:59:59.999Z', 10],
        ['2024-03-01T00:00:00.000Z', 0],
      ],
      { interval: 'month', timezone: 'UTC', from: '2024-02-01T00:00:00Z', to: '2024-04-01T00:00:00Z' },
    );
    expect(utc).toEqual([
      ['2024-02-01T00:00:00.000Z', '2024-03-01T00:00:00.000Z', 1, 100],
      ['2024-03-01T00:00:00.000Z', '2024-04-01T00:00:00.000Z', 1, -100],
    ]);
  });
});
