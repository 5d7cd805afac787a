/** The inbox's triage API: the due-date order of a queue, and bulk follow-up changes. */
import { describe, expect, it } from 'vitest';
import { aResponse, databaseTargets, type TestContext, type TestProject, useTestApp } from './helpers/app.ts';
import { signIn } from './helpers/staff.ts';

/** Stores NPS responses (detractors, so the default rule opens them) and returns their ids in order. */
async function store(ctx: TestContext, project: TestProject, count: number): Promise<string[]> {
  const items = Array.from({ length: count }, (_, index) =>
    aResponse(project.surveyIds.nps, {
      score: 2,
      submittedAt: new Date(Date.now() - (count - index) * 60_000).toISOString(),
    }),
  );
  const reply = await ctx.app.inject({
    method: 'POST',
    url: '/v1/responses',
    payload: { key: project.publicKey, responses: items },
  });
  expect(reply.statusCode, reply.body).toBe(202);
  return items.map((item) => item.id);
}

const hoursFromNow = (hours: number) => new Date(Date.now() + hours * 3_600_000).toISOString();

describe.each(databaseTargets())('triage on $name', (target) => {
  const ctx = useTestApp(target);

  it('sort=due lists the most overdue first, no due date last, newest first among equals; pages never skip or repeat', async () => {
    const project = await ctx.newProject();
    const [a, b, c, d, e] = await store(ctx, project, 5);
    // a and e share one due time (computed once: two calls could differ by a millisecond)
    const later = hoursFromNow(48);
    const due: [string, string | null][] = [
      [a!, later],
      [b!, hoursFromNow(-72)],
      [c!, null],
      [d!, hoursFromNow(-1)],
      [e!, later],
    ];
    for (const [id, dueAt] of due) {
      const reply = await ctx.asKey(project.secretKey, {
        method: 'PATCH',
        url: `/v1/responses/${id}`,
        payload: { dueAt },
      });
      expect(reply.statusCode, reply.body).toBe(200);
    }
    // a and e are due together: the newer (e) first.
    const expected = [b, d, e, a, c];
    const whole = await ctx.asKey(project.secretKey, {
      method: 'GET',
      url: '/v1/responses?queue=open&sort=due',
    });
    expect(whole.json().data.map((r: { id: string }) => r.id)).toEqual(expected);

    const paged: string[] = [];
    let cursor: string | null = null;
    do {
      const reply = await ctx.asKey(project.secretKey, {
        method: 'GET',
        url: `/v1/responses?queue=open&sort=due&limit=2${cursor ? `&cursor=${cursor}` : ''}`,
      });
      expect(reply.statusCode, reply.body).toBe(200);
      paged.push(...reply.json().data.map((r: { id: string }) => r.id));
      cursor = reply.json().nextCursor;
    } while (cursor);
    expect(paged).toEqual(expected);

    // Newest first stays the default.
    const newest = await ctx.asKey(project.secretKey, { method: 'GET', url: '/v1/responses?queue=open' });
    expect(newest.json().data.map((r: { id: string }) => r.id)).toEqual([e, d, c, b, a]);
  });

  it('refuses a cursor of the other order, and an unknown sort, with 400', async () => {
    const project = await ctx.newProject();
    await store(ctx, project, 3);
    const first = await ctx.asKey(project.secretKey, { method: 'GET', url: '/v1/responses?limit=1' });
    const cursor = first.json().nextCursor as string;
    const mixed = await ctx.asKey(project.secretKey, {
      method: 'GET',
      url: `/v1/responses?sort=due&limit=1&cursor=${cursor}`,
    });
    expect(mixed.statusCode).toBe(400);
    expect(mixed.json().code).toBe('invalid_cursor');
    const unknown = await ctx.asKey(project.secretKey, { method: 'GET', url: '/v1/responses?sort=oldest' });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().errors[0].path).toBe('sort');
  });

  it('a bulk change assigns, moves and tags many responses at once, each with its activity', async () => {
    const project = await ctx.newProject();
    const agent = await signIn(ctx, project.projectId, 'agent');
    const ids = await store(ctx, project, 3);
    await ctx.asKey(project.secretKey, {
      method: 'PATCH',
      url: `/v1/responses/${ids[0]}`,
      payload: { tags: ['vip'] },
    });
    const reply = await agent.inject({
      method: 'POST',
      url: '/v1/responses/bulk',
      payload: {
        ids,
        status: 'in_progress',
        assigneeId: agent.userId,
        addTags: ['Billing'],
        removeTags: ['VIP'],
      },
    });
    expect(reply.statusCode, reply.body).toBe(200);
    const data = reply.json().data as {
      id: string;
      followUp: { status: string; assigneeId: string; tags: string[] };
    }[];
    expect(data.map((r) => r.id)).toEqual(ids);
    for (const record of data) {
      expect(record.followUp).toMatchObject({
        status: 'in_progress',
        assigneeId: agent.userId,
        tags: ['billing'],
      });
    }
    const activity = await agent.inject({ method: 'GET', url: `/v1/responses/${ids[0]}/activity` });
    expect(activity.json().data.map((entry: { type: string }) => entry.type)).toEqual([
      'rule_applied',
      'tags_changed',
      'status_changed',
      'assignee_changed',
      'tags_changed',
    ]);
  });

  it('a bulk change is all or nothing: one response that cannot move changes none, and is named', async () => {
    const project = await ctx.newProject();
    const agent = await signIn(ctx, project.projectId, 'agent');
    const ids = await store(ctx, project, 3);
    // A CSAT 5 opens no follow-up: it cannot go from none to resolved.
    const [happy] = await (async () => {
      const item = aResponse(project.surveyIds.csat, { score: 5 });
      await ctx.app.inject({
        method: 'POST',
        url: '/v1/responses',
        payload: { key: project.publicKey, responses: [item] },
      });
      return [item.id];
    })();
    const reply = await agent.inject({
      method: 'POST',
      url: '/v1/responses/bulk',
      payload: { ids: [...ids, happy], status: 'resolved', addTags: ['done'] },
    });
    expect(reply.statusCode).toBe(409);
    expect(reply.json()).toMatchObject({ code: 'invalid_transition' });
    expect(reply.json().detail).toContain(happy);
    for (const id of ids) {
      const after = await agent.inject({ method: 'GET', url: `/v1/responses/${id}` });
      expect(after.json().followUp).toMatchObject({ status: 'open', tags: [] });
    }
  });

  it('refuses added tags that would take a response past 20 tags (400) and changes none', async () => {
    const project = await ctx.newProject();
    const agent = await signIn(ctx, project.projectId, 'agent');
    const [full, empty] = await store(ctx, project, 2);
    const nineteen = Array.from({ length: 19 }, (_, index) => `tag-${index}`);
    const tagged = await agent.inject({
      method: 'PATCH',
      url: `/v1/responses/${full}`,
      payload: { tags: nineteen },
    });
    expect(tagged.statusCode, tagged.body).toBe(200);
    const reply = await agent.inject({
      method: 'POST',
      url: '/v1/responses/bulk',
      payload: { ids: [empty, full], addTags: ['one', 'two'], status: 'in_progress' },
    });
    expect(reply.statusCode, reply.body).toBe(400);
    expect(reply.headers['content-type']).toContain('application/problem+json');
    expect(reply.json().errors[0]).toMatchObject({ path: 'addTags' });
    expect(reply.json().detail).toContain(full);
    for (const [id, tags] of [
      [full, nineteen],
      [empty, []],
    ] as const) {
      const after = await agent.inject({ method: 'GET', url: `/v1/responses/${id}` });
      expect(after.json().followUp.status).toBe('open');
      expect([...after.json().followUp.tags].sort()).toEqual([...tags].sort());
    }
  });

  it('refuses a bulk change with an unknown or foreign id (404), no change at all, too many ids, or a viewer', async () => {
    const project = await ctx.newProject();
    const other = await ctx.newProject();
    const [mine] = await store(ctx, project, 1);
    const [theirs] = await store(ctx, other, 1);
    const agent = await signIn(ctx, project.projectId, 'agent');
    const foreign = await agent.inject({
      method: 'POST',
      url: '/v1/responses/bulk',
      payload: { ids: [mine, theirs], status: 'resolved' },
    });
    expect(foreign.statusCode).toBe(404);
    expect(foreign.json().detail).toContain(theirs);
    const after = await agent.inject({ method: 'GET', url: `/v1/responses/${mine}` });
    expect(after.json().followUp.status).toBe('open');

    const unknown = crypto.randomUUID();
    const missing = await agent.inject({
      method: 'POST',
      url: '/v1/responses/bulk',
      payload: { ids: [mine, unknown], assigneeId: null, addTags: ['x'] },
    });
    expect(missing.statusCode).toBe(404);
    expect(missing.headers['content-type']).toContain('application/problem+json');
    expect(missing.json().detail).toContain(unknown);
    const unchanged = await agent.inject({ method: 'GET', url: `/v1/responses/${mine}` });
    expect(unchanged.json().followUp).toMatchObject({ status: 'open', tags: [] });

    const nothing = await agent.inject({
      method: 'POST',
      url: '/v1/responses/bulk',
      payload: { ids: [mine] },
    });
    expect(nothing.statusCode).toBe(400);
    const tooMany = await agent.inject({
      method: 'POST',
      url: '/v1/responses/bulk',
      payload: { ids: Array.from({ length: 101 }, () => crypto.randomUUID()), status: 'resolved' },
    });
    expect(tooMany.statusCode).toBe(400);
    expect(tooMany.json().errors[0].path).toBe('ids');

    const viewer = await signIn(ctx, project.projectId, 'viewer');
    const refused = await viewer.inject({
      method: 'POST',
      url: '/v1/responses/bulk',
      payload: { ids: [mine], status: 'resolved' },
    });
    expect(refused.statusCode).toBe(403);
  });
});
