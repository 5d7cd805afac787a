import { describe, expect, it } from 'vitest';
import {
  aResponse,
  databaseTargets,
  storeHistory,
  type TestContext,
  type TestProject,
  useTestApp,
} from './helpers/app.ts';

async function seed(ctx: TestContext, project: TestProject) {
  const base = Date.parse('2026-10-01T12:00:00.000Z');
  const items = [
    aResponse(project.surveyIds.nps, {
      score: 2,
      comment: 'Checkout was 100% broken',
      submittedAt: new Date(base).toISOString(),
    }),
    aResponse(project.surveyIds.nps, {
      score: 9,
      comment: 'Love it',
      submittedAt: new Date(base + 60_000).toISOString(),
    }),
    aResponse(project.surveyIds.csat, {
      score: 4,
      submittedAt: new Date(base + 120_000).toISOString(),
      respondent: { externalId: 'u-7', traits: { plan: 'team' } },
    }),
    aResponse(project.surveyIds.ces, {
      score: 1,
      comment: 'hard_to_use',
      submittedAt: new Date(base + 180_000).toISOString(),
    }),
    aResponse(project.surveyIds.nps, { score: 7, submittedAt: new Date(base + 240_000).toISOString() }),
  ];
  await storeHistory(ctx, project, items);
  return items;
}

describe.each(databaseTargets())('reading responses on $name', (target) => {
  const ctx = useTestApp(target);
  const list = (project: TestProject, query: string) =>
    ctx.asKey(project.secretKey, { method: 'GET', url: `/v1/responses${query}` });

  it('lists newest first with the stored fields', async () => {
    const project = await ctx.newProject();
    const items = await seed(ctx, project);
    const reply = await list(project, '');
    expect(reply.statusCode).toBe(200);
    const { data, nextCursor } = reply.json();
    expect(nextCursor).toBeNull();
    expect(data.map((r: { id: string }) => r.id)).toEqual(items.map((item) => item.id).reverse());
    const csat = data.find((r: { id: string }) => r.id === items[2]!.id);
    expect(csat).toMatchObject({
      kind: 'csat',
      score: 4,
      comment: null,
      respondent: { externalId: 'u-7', email: null, traits: { plan: 'team' } },
      context: { url: 'https://shop.example/checkout', locale: 'en' },
      submittedAt: '2026-10-01T12:02:00.000Z',
      followUp: { status: 'none', assigneeId: null, dueAt: null, resolvedAt: null, tags: [] },
    });
  });

  it('pages with a cursor without gaps or repeats', async () => {
    const project = await ctx.newProject();
    const items = await seed(ctx, project);
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const reply = await list(project, `?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      const body = reply.json();
      seen.push(...body.data.map((r: { id: string }) => r.id));
      cursor = body.nextCursor;
      pages++;
    } while (cursor && pages < 10);
    expect(pages).toBe(3);
    expect(seen).toEqual(items.map((item) => item.id).reverse());
  });

  it.each([
    ['?kind=nps', [4, 1, 0]],
    ['?minScore=7', [4, 1]],
    ['?maxScore=2', [3, 0]],
    ['?minScore=2&maxScore=7&kind=nps', [4, 0]],
    ['?from=2026-10-01T12:01:00Z&to=2026-10-01T12:03:00Z', [2, 1]],
    ['?q=100%25', [0]],
    ['?q=hard_to', [3]],
    ['?q=HARD', [3]],
    // The default follow-up rules open NPS 0–6 and CES 1–3 at ingestion.
    ['?status=none', [4, 2, 1]],
    ['?status=open', [3, 0]],
  ])('filters %s', async (query, expected) => {
    const project = await ctx.newProject();
    const items = await seed(ctx, project);
    const reply = await list(project, query);
    expect(reply.statusCode).toBe(200);
    expect(reply.json().data.map((r: { id: string }) => r.id)).toEqual(
      expected.map((index) => items[index]!.id),
    );
  });

  it('filters by survey', async () => {
    const project = await ctx.newProject();
    const items = await seed(ctx, project);
    const reply = await list(project, `?surveyId=${project.surveyIds.ces}`);
    expect(reply.json().data.map((r: { id: string }) => r.id)).toEqual([items[3]!.id]);
  });

  it.each([
    ['?limit=0', 'limit'],
    ['?limit=201', 'limit'],
    ['?limit=ten', 'limit'],
    ['?kind=foo', 'kind'],
    ['?from=yesterday', 'from'],
    ['?surveyId=abc', 'surveyId'],
    ['?assignee=bob', 'assignee'],
    ['?status=closed', 'status'],
    ['?from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z', 'from'],
    ['?from=2026-01-01T00:00:00Z&to=2026-01-01T00:00:00Z', 'from'],
    ['?minScore=8&maxScore=3', 'minScore'],
  ])('refuses %s', async (query, path) => {
    const project = await ctx.newProject();
    const reply = await list(project, query);
    expect(reply.statusCode).toBe(400);
    expect(reply.json().errors.map((e: { path: string }) => e.path)).toContain(path);
  });

  it('refuses an empty range in the export as in the list', async () => {
    const project = await ctx.newProject();
    const reply = await ctx.asKey(project.secretKey, {
      url: '/v1/responses/export?format=csv&from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z',
    });
    expect(reply.statusCode).toBe(400);
    expect(reply.headers['content-type']).toContain('application/problem+json');
    expect(reply.json().errors).toEqual([{ path: 'from', message: 'must be before to' }]);
  });

  it('refuses a cursor it did not make', async () => {
    const project = await ctx.newProject();
    for (const cursor of [
      'garbage',
      Buffer.from('["x","y"]').toString('base64url'),
      Buffer.from('{}').toString('base64url'),
    ]) {
      const reply = await list(project, `?cursor=${cursor}`);
      expect(reply.statusCode).toBe(400);
      expect(reply.json().code).toBe('invalid_cursor');
    }
  });

  it('gets one response, and 404 for another project', async () => {
    const project = await ctx.newProject();
    const other = await ctx.newProject();
    const items = await seed(ctx, project);
    const mine = await ctx.asKey(project.secretKey, { method: 'GET', url: `/v1/responses/${items[0]!.id}` });
    expect(mine.statusCode).toBe(200);
    expect(mine.json()).toMatchObject({ id: items[0]!.id, score: 2, comment: 'Checkout was 100% broken' });
    const theirs = await ctx.asKey(other.secretKey, { method: 'GET', url: `/v1/responses/${items[0]!.id}` });
    expect(theirs.statusCode).toBe(404);
    expect(theirs.json().code).toBe('not_found');
    const otherList = await ctx.asKey(other.secretKey, { method: 'GET', url: '/v1/responses' });
    expect(otherList.json().data).toEqual([]);
  });
});
