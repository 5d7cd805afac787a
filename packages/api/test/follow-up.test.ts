import { describe, expect, it } from 'vitest';
import { aResponse, databaseTargets, storeHistory, useTestApp } from './helpers/app.ts';
import { storeResponse } from './helpers/role-matrix.ts';
import { signIn } from './helpers/staff.ts';

describe.each(databaseTargets())('working a response on $name', (target) => {
  const ctx = useTestApp(target);

  it('moves a follow-up open → in_progress → resolved → open, recording who did what', async () => {
    const project = await ctx.newProject();
    const agent = await signIn(ctx, project.projectId, 'agent');
    const id = await storeResponse(ctx, project);
    const url = `/v1/responses/${id}`;
    const assign = await agent.inject({
      method: 'PATCH',
      url,
      payload: { assigneeId: agent.userId, status: 'in_progress', tags: ['billing', 'billing', 'vip'] },
    });
    expect(assign.statusCode).toBe(200);
    expect(assign.json().followUp).toMatchObject({
      status: 'in_progress',
      assigneeId: agent.userId,
      tags: ['billing', 'vip'],
      resolvedAt: null,
    });
    const resolved = await agent.inject({ method: 'PATCH', url, payload: { status: 'resolved' } });
    expect(resolved.json().followUp.status).toBe('resolved');
    expect(Date.parse(resolved.json().followUp.resolvedAt)).toBeGreaterThan(Date.now() - 60_000);
    const reopened = await agent.inject({ method: 'PATCH', url, payload: { status: 'open' } });
    expect(reopened.json().followUp).toMatchObject({ status: 'open', resolvedAt: null });

    const activity = await agent.inject({ method: 'GET', url: `${url}/activity` });
    expect(activity.statusCode).toBe(200);
    const entries = activity.json().data as {
      type: string;
      actor: { kind: string; name: string };
      detail: object;
    }[];
    expect(entries.map((entry) => entry.type)).toEqual([
      'rule_applied',
      'status_changed',
      'assignee_changed',
      'tags_changed',
      'status_changed',
      'status_changed',
    ]);
    expect(entries[0]!.actor).toMatchObject({ kind: 'rule', name: 'Detractors (NPS 0–6)' });
    expect(entries[1]).toMatchObject({
      actor: { kind: 'user', id: agent.userId, name: 'A agent' },
      detail: { from: 'open', to: 'in_progress' },
    });
    expect(entries[3]!.detail).toEqual({ added: ['billing', 'vip'], removed: [] });
    expect(entries[5]!.detail).toEqual({ from: 'resolved', to: 'open' });
  });

  it('records a secret key as the actor of its changes', async () => {
    const project = await ctx.newProject();
    const id = await storeResponse(ctx, project);
    const due = '2030-01-02T03:04:05.000Z';
    const reply = await ctx.asKey(project.secretKey, {
      method: 'PATCH',
      url: `/v1/responses/${id}`,
      payload: { dueAt: due },
    });
    expect(reply.json().followUp.dueAt).toBe(due);
    const activity = await ctx.asKey(project.secretKey, {
      method: 'GET',
      url: `/v1/responses/${id}/activity`,
    });
    expect(activity.json().data.at(-1)).toMatchObject({
      type: 'due_changed',
      actor: { kind: 'secret_key', name: 'Secret key "Default"' },
      detail: { to: due },
    });
  });

  it.each([
    ['none', 'resolved'],
    ['none', 'in_progress'],
    ['resolved', 'in_progress'],
  ] as const)('refuses %s → %s with 409 and changes nothing', async (from, to) => {
    const project = await ctx.newProject();
    const agent = await signIn(ctx, project.projectId, 'agent');
    const id =
      from === 'none'
        ? await storeResponse(ctx, project, { score: 10 })
        : await storeResponse(ctx, project, { score: 1 });
    if (from === 'resolved') {
      await agent.inject({ method: 'PATCH', url: `/v1/responses/${id}`, payload: { status: 'resolved' } });
    }
    const reply = await agent.inject({
      method: 'PATCH',
      url: `/v1/responses/${id}`,
      payload: { status: to, tags: ['should-not-stick'] },
    });
    expect(reply.statusCode).toBe(409);
    expect(reply.json()).toMatchObject({ code: 'invalid_transition' });
    expect(reply.json().detail).toContain(`from ${from} to ${to}`);
    const after = await agent.inject({ method: 'GET', url: `/v1/responses/${id}` });
    expect(after.json().followUp).toMatchObject({ status: from, tags: [] });
  });

  it.each([
    ['an empty body', {}, '(body)'],
    ['an unknown field', { priority: 'high' }, '(body)'],
    ['a bad status', { status: 'closed' }, 'status'],
    ['a bad due date', { dueAt: 'tomorrow' }, 'dueAt'],
    ['a tag with a comma', { tags: ['a,b'] }, 'tags.0'],
    ['too many tags', { tags: Array.from({ length: 21 }, (_, i) => `t${i}`) }, 'tags'],
    ['a tag of spaces only', { tags: ['ok', '   '] }, 'tags.1'],
    ['a tag that is not valid Unicode text', { tags: ['\ud800'] }, 'tags.0'],
    // Dates the database cannot store, or that are no sensible due date.
    ['a due date in year 0', { dueAt: '0000-01-01T00:00:00Z' }, 'dueAt'],
    ['a due date before year 1 by its offset', { dueAt: '0001-01-01T00:30:00+01:00' }, 'dueAt'],
    ['a due date before 1970', { dueAt: '1969-12-31T23:59:59Z' }, 'dueAt'],
    ['a due date after 9999 by its offset', { dueAt: '9999-12-31T23:59:59-05:00' }, 'dueAt'],
    ['a due date in year 275760', { dueAt: '+275760-09-13T00:00:00Z' }, 'dueAt'],
  ])('refuses %s with 400 and changes nothing', async (_name, payload, path) => {
    const project = await ctx.newProject();
    const agent = await signIn(ctx, project.projectId, 'agent');
    const id = await storeResponse(ctx, project);
    const before = await agent.inject({ method: 'GET', url: `/v1/responses/${id}` });
    const reply = await agent.inject({ method: 'PATCH', url: `/v1/responses/${id}`, payload });
    expect(reply.statusCode).toBe(400);
    expect(reply.headers['content-type']).toContain('application/problem+json');
    expect(reply.json().errors.map((e: { path: string }) => e.path)).toContain(path);
    const after = await agent.inject({ method: 'GET', url: `/v1/responses/${id}` });
    expect(after.json().followUp).toEqual(before.json().followUp);
  });

  it('takes due dates at the edges: 1970 and the last instant of 9999', async () => {
    const project = await ctx.newProject();
    const agent = await signIn(ctx, project.projectId, 'agent');
    const id = await storeResponse(ctx, project);
    for (const dueAt of ['1970-01-01T00:00:00.000Z', '9999-12-31T23:59:59.999Z']) {
      const reply = await agent.inject({ method: 'PATCH', url: `/v1/responses/${id}`, payload: { dueAt } });
      expect(reply.statusCode, reply.body).toBe(200);
      expect(reply.json().followUp.dueAt).toBe(dueAt);
    }
  });

  it('takes an assignee id in capitals as the same user, and records it once', async () => {
    const project = await ctx.newProject();
    const agent = await signIn(ctx, project.projectId, 'agent');
    const id = await storeResponse(ctx, project);
    const url = `/v1/responses/${id}`;
    const upper = await agent.inject({
      method: 'PATCH',
      url,
      payload: { assigneeId: agent.userId.toUpperCase() },
    });
    expect(upper.json().followUp.assigneeId).toBe(agent.userId);
    const lower = await agent.inject({ method: 'PATCH', url, payload: { assigneeId: agent.userId } });
    expect(lower.statusCode).toBe(200);
    const activity = (await agent.inject({ method: 'GET', url: `${url}/activity` })).json().data;
    const changes = activity.filter((a: { type: string }) => a.type === 'assignee_changed');
    expect(changes.map((a: { detail: object }) => a.detail)).toEqual([{ from: null, to: agent.userId }]);
  });

  it('refuses a note that is not valid Unicode text (400) and stores nothing', async () => {
    const project = await ctx.newProject();
    const agent = await signIn(ctx, project.projectId, 'agent');
    const id = await storeResponse(ctx, project);
    for (const body of ['\ud800', 'Called back \udfff']) {
      const reply = await agent.inject({
        method: 'POST',
        url: `/v1/responses/${id}/notes`,
        payload: { body },
      });
      expect(reply.statusCode, reply.body).toBe(400);
      expect(reply.json().errors[0]).toMatchObject({
        path: 'body',
        message: expect.stringContaining('Unicode'),
      });
    }
    // A pair of surrogates is one character (an emoji), and is kept.
    const emoji = await agent.inject({
      method: 'POST',
      url: `/v1/responses/${id}/notes`,
      payload: { body: 'Happy \ud83d\ude00' },
    });
    expect(emoji.statusCode).toBe(201);
    expect(emoji.json().body).toBe('Happy 😀');
    const notes = await agent.inject({ method: 'GET', url: `/v1/responses/${id}/notes` });
    expect(notes.json().data).toHaveLength(1);
  });

  it('refuses an assignee who is not active staff of the project, or a viewer', async () => {
    const project = await ctx.newProject();
    const other = await ctx.newProject();
    const agent = await signIn(ctx, project.projectId, 'agent');
    const viewer = await signIn(ctx, project.projectId, 'viewer');
    const stranger = await signIn(ctx, other.projectId, 'agent');
    const id = await storeResponse(ctx, project);
    for (const assigneeId of [stranger.userId, viewer.userId, crypto.randomUUID()]) {
      const reply = await agent.inject({
        method: 'PATCH',
        url: `/v1/responses/${id}`,
        payload: { assigneeId },
      });
      expect(reply.statusCode).toBe(400);
      expect(reply.json().errors[0].path).toBe('assigneeId');
    }
    const after = await agent.inject({ method: 'GET', url: `/v1/responses/${id}` });
    expect(after.json().followUp.assigneeId).toBeNull();
  });

  it('answers 404 for an unknown response', async () => {
    const project = await ctx.newProject();
    const agent = await signIn(ctx, project.projectId, 'agent');
    const missing = crypto.randomUUID();
    for (const request of [
      { method: 'PATCH' as const, url: `/v1/responses/${missing}`, payload: { status: 'open' } },
      { method: 'POST' as const, url: `/v1/responses/${missing}/notes`, payload: { body: 'x' } },
      { method: 'GET' as const, url: `/v1/responses/${missing}/notes` },
      { method: 'GET' as const, url: `/v1/responses/${missing}/activity` },
      { method: 'GET' as const, url: `/v1/responses/${missing}/history` },
    ]) {
      const reply = await agent.inject(request);
      expect(reply.statusCode, request.url).toBe(404);
      expect(reply.json().code).toBe('not_found');
    }
  });

  it('keeps notes as text, with their author, and records them as activity', async () => {
    const project = await ctx.newProject();
    const agent = await signIn(ctx, project.projectId, 'agent');
    const id = await storeResponse(ctx, project);
    const body = '<img src=x onerror="alert(1)"> called them back';
    const created = await agent.inject({
      method: 'POST',
      url: `/v1/responses/${id}/notes`,
      payload: { body },
    });
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({ body, author: { kind: 'user', id: agent.userId } });
    await ctx.asKey(project.secretKey, {
      method: 'POST',
      url: `/v1/responses/${id}/notes`,
      payload: { body: 'API note' },
    });
    const notes = await agent.inject({ method: 'GET', url: `/v1/responses/${id}/notes` });
    expect(
      notes.json().data.map((n: { body: string; author: { name: string } }) => [n.body, n.author.name]),
    ).toEqual([
      [body, 'A agent'],
      ['API note', 'Secret key "Default"'],
    ]);
    const blank = await agent.inject({
      method: 'POST',
      url: `/v1/responses/${id}/notes`,
      payload: { body: '   ' },
    });
    expect(blank.statusCode).toBe(400);
    const activity = await agent.inject({ method: 'GET', url: `/v1/responses/${id}/activity` });
    expect(activity.json().data.filter((a: { type: string }) => a.type === 'note_added')).toHaveLength(2);
  });

  it('lists the queues with counts, and ?assignee=me and ?queue=mine for a session', async () => {
    const project = await ctx.newProject();
    const agent = await signIn(ctx, project.projectId, 'agent');
    const open = await storeResponse(ctx, project, { score: 2 });
    const mine = await storeResponse(ctx, project, { score: 4 });
    const overdue = await storeResponse(ctx, project, { score: 0 });
    const done = await storeResponse(ctx, project, { score: 5 });
    const happy = await storeResponse(ctx, project, { score: 10 });
    await agent.inject({
      method: 'PATCH',
      url: `/v1/responses/${mine}`,
      payload: { assigneeId: agent.userId },
    });
    await agent.inject({
      method: 'PATCH',
      url: `/v1/responses/${overdue}`,
      payload: { dueAt: new Date(Date.now() - 3600_000).toISOString(), status: 'in_progress' },
    });
    await agent.inject({ method: 'PATCH', url: `/v1/responses/${done}`, payload: { status: 'resolved' } });

    const counts = await agent.inject({ method: 'GET', url: '/v1/inbox/counts' });
    expect(counts.json()).toEqual({ open: 3, mine: 1, overdue: 1, resolved: 1, all: 5 });
    const keyCounts = await ctx.asKey(project.secretKey, { method: 'GET', url: '/v1/inbox/counts?kind=nps' });
    expect(keyCounts.json()).toEqual({ open: 3, mine: null, overdue: 1, resolved: 1, all: 5 });
    const filtered = await agent.inject({ method: 'GET', url: '/v1/inbox/counts?maxScore=2' });
    expect(filtered.json()).toMatchObject({ open: 2, all: 2 });

    const ids = async (query: string) =>
      (await agent.inject({ method: 'GET', url: `/v1/responses${query}` }))
        .json()
        .data.map((r: { id: string }) => r.id);
    expect((await ids('?queue=open')).sort()).toEqual([open, mine, overdue].sort());
    expect(await ids('?queue=mine')).toEqual([mine]);
    expect(await ids('?assignee=me')).toEqual([mine]);
    expect(await ids('?queue=overdue')).toEqual([overdue]);
    expect(await ids('?queue=resolved')).toEqual([done]);
    expect(await ids('?queue=all')).toHaveLength(5);
    expect(await ids('?queue=all')).toContain(happy);

    const withKey = await ctx.asKey(project.secretKey, { method: 'GET', url: '/v1/responses?assignee=me' });
    expect(withKey.statusCode).toBe(400);
    expect(withKey.json().errors[0].path).toBe('assignee');
    const badQueue = await agent.inject({ method: 'GET', url: '/v1/responses?queue=later' });
    expect(badQueue.statusCode).toBe(400);
  });

  it('keeps tags in lower case and once ("Billing" is "billing"); the tag filter and counts ignore case', async () => {
    const project = await ctx.newProject();
    const agent = await signIn(ctx, project.projectId, 'agent');
    const tagged = await storeResponse(ctx, project, { score: 2 });
    const other = await storeResponse(ctx, project, { score: 1 });
    const url = `/v1/responses/${tagged}`;
    const first = await agent.inject({
      method: 'PATCH',
      url,
      payload: { tags: ['Billing', 'billing', ' VIP '] },
    });
    expect(first.statusCode, first.body).toBe(200);
    expect(first.json().followUp.tags).toEqual(['billing', 'vip']);
    // The same tags in other letters are no change, and record nothing.
    const same = await agent.inject({ method: 'PATCH', url, payload: { tags: ['VIP', 'BILLING'] } });
    expect(same.json().followUp.tags).toEqual(['billing', 'vip']);
    const activity = (await agent.inject({ method: 'GET', url: `${url}/activity` })).json().data;
    const tagChanges = activity.filter((a: { type: string }) => a.type === 'tags_changed');
    expect(tagChanges.map((a: { detail: object }) => a.detail)).toEqual([
      { added: ['billing', 'vip'], removed: [] },
    ]);
    await agent.inject({ method: 'PATCH', url: `/v1/responses/${other}`, payload: { tags: ['shipping'] } });

    for (const tag of ['billing', 'Billing', 'BILLING', '%20billing%20']) {
      const list = await agent.inject({ method: 'GET', url: `/v1/responses?tag=${tag}` });
      expect(
        list.json().data.map((r: { id: string }) => r.id),
        tag,
      ).toEqual([tagged]);
      const counts = await agent.inject({ method: 'GET', url: `/v1/inbox/counts?tag=${tag}` });
      expect(counts.json(), tag).toMatchObject({ open: 1, all: 1 });
    }
    const exported = await agent.inject({ method: 'GET', url: '/v1/responses/export?format=ndjson&tag=VIP' });
    expect(
      exported.body
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line).id),
    ).toEqual([tagged]);
  });

  it("shows the respondent's other responses, and none for an anonymous one", async () => {
    const project = await ctx.newProject();
    const respondent = { externalId: 'u-42', email: 'u42@shop.example' };
    const items = [
      aResponse(project.surveyIds.nps, { score: 9, respondent, submittedAt: '2026-01-01T00:00:00.000Z' }),
      aResponse(project.surveyIds.csat, { score: 2, respondent, submittedAt: '2026-02-01T00:00:00.000Z' }),
      aResponse(project.surveyIds.nps, { score: 3, respondent, submittedAt: '2026-03-01T00:00:00.000Z' }),
      aResponse(project.surveyIds.nps, { score: 3, submittedAt: '2026-03-02T00:00:00.000Z' }),
    ];
    await storeHistory(ctx, project, items);
    const history = await ctx.asKey(project.secretKey, {
      method: 'GET',
      url: `/v1/responses/${items[2]!.id}/history`,
    });
    expect(history.json().data.map((r: { id: string }) => r.id)).toEqual([items[1]!.id, items[0]!.id]);
    const anonymous = await ctx.asKey(project.secretKey, {
      method: 'GET',
      url: `/v1/responses/${items[3]!.id}/history`,
    });
    expect(anonymous.json()).toEqual({ data: [] });
  });
});
