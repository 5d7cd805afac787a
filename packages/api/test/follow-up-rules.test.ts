import { describe, expect, it } from 'vitest';
import { aResponse, databaseTargets, type TestProject, useTestApp } from './helpers/app.ts';
import { signIn } from './helpers/staff.ts';

describe.each(databaseTargets())('follow-up rules on $name', (target) => {
  const ctx = useTestApp(target);
  const ingest = async (project: TestProject, items: ReturnType<typeof aResponse>[]) => {
    const reply = await ctx.app.inject({
      method: 'POST',
      url: '/v1/responses',
      payload: { key: project.publicKey, responses: items },
    });
    expect(reply.statusCode, reply.body).toBe(202);
  };
  const get = async (project: TestProject, id: string) =>
    (await ctx.asKey(project.secretKey, { method: 'GET', url: `/v1/responses/${id}` })).json();

  it('opens NPS ≤ 6, CSAT ≤ 2 and CES ≤ 3 by default, due in 48 hours, and nothing else', async () => {
    const project = await ctx.newProject();
    const { nps, csat, ces } = project.surveyIds;
    const items = [
      aResponse(nps, { score: 6 }),
      aResponse(nps, { score: 7 }),
      aResponse(csat, { score: 2 }),
      aResponse(csat, { score: 3 }),
      aResponse(ces, { score: 3 }),
      aResponse(ces, { score: 4 }),
    ];
    const before = Date.now();
    await ingest(project, items);
    const statuses = [];
    for (const item of items) statuses.push((await get(project, item.id)).followUp.status);
    expect(statuses).toEqual(['open', 'none', 'open', 'none', 'open', 'none']);
    const due = Date.parse((await get(project, items[0]!.id)).followUp.dueAt);
    expect(due).toBeGreaterThanOrEqual(before + 48 * 3600_000 - 1000);
    expect(due).toBeLessThanOrEqual(Date.now() + 48 * 3600_000 + 1000);
    expect((await get(project, items[1]!.id)).followUp.dueAt).toBeNull();
  });

  it('applies rules once: a resend changes nothing and adds no activity', async () => {
    const project = await ctx.newProject();
    const agent = await signIn(ctx, project.projectId, 'agent');
    const item = aResponse(project.surveyIds.nps, { score: 1 });
    await ingest(project, [item]);
    await agent.inject({ method: 'PATCH', url: `/v1/responses/${item.id}`, payload: { status: 'resolved' } });
    await ingest(project, [{ ...item, comment: 'late comment' }]);
    const after = await get(project, item.id);
    expect(after.followUp.status).toBe('resolved');
    expect(after.comment).toBe('late comment');
    const activity = await agent.inject({ method: 'GET', url: `/v1/responses/${item.id}/activity` });
    expect(activity.json().data.map((a: { type: string }) => a.type)).toEqual([
      'rule_applied',
      'status_changed',
    ]);
  });

  it('applies custom conditions (survey, score range, comment, trait) and effects (assign, tags, due)', async () => {
    const project = await ctx.newProject();
    const agent = await signIn(ctx, project.projectId, 'agent');
    const created = await ctx.asKey(project.secretKey, {
      method: 'POST',
      url: '/v1/follow-up-rules',
      payload: {
        name: 'Enterprise passives with a comment',
        position: 5,
        conditions: {
          surveyId: project.surveyIds.nps,
          scoreAtLeast: 7,
          scoreAtMost: 8,
          hasComment: true,
          trait: { key: 'plan', value: 'enterprise' },
        },
        effects: {
          dueInHours: 4,
          assign: { type: 'user', userId: agent.userId },
          addTags: ['enterprise', 'enterprise'],
        },
      },
    });
    expect(created.statusCode, created.body).toBe(201);
    expect(created.json().effects.addTags).toEqual(['enterprise']);
    const enterprise = { externalId: 'acme-1', traits: { plan: 'enterprise' } };
    const items = [
      aResponse(project.surveyIds.nps, { score: 7, comment: 'ok', respondent: enterprise }),
      aResponse(project.surveyIds.nps, { score: 7, respondent: enterprise }),
      aResponse(project.surveyIds.nps, { score: 7, comment: 'ok', respondent: { traits: { plan: 'free' } } }),
      aResponse(project.surveyIds.nps, { score: 9, comment: 'ok', respondent: enterprise }),
      // Also matches the default detractor rule: the earliest due date wins, tags add up.
      aResponse(project.surveyIds.nps, { score: 3, comment: 'bad', respondent: enterprise }),
    ];
    await ingest(project, items);
    const first = await get(project, items[0]!.id);
    expect(first.followUp).toMatchObject({ status: 'open', assigneeId: agent.userId, tags: ['enterprise'] });
    expect(Date.parse(first.followUp.dueAt) - Date.now()).toBeLessThan(4 * 3600_000 + 5000);
    for (const index of [1, 2, 3])
      expect((await get(project, items[index]!.id)).followUp.status).toBe('none');
    const detractor = await get(project, items[4]!.id);
    expect(detractor.followUp.status).toBe('open');
    expect(detractor.followUp.assigneeId).toBeNull();
  });

  it('matches a survey and assigns a user given by ids in capitals', async () => {
    const project = await ctx.newProject();
    const agent = await signIn(ctx, project.projectId, 'agent');
    const created = await ctx.asKey(project.secretKey, {
      method: 'POST',
      url: '/v1/follow-up-rules',
      payload: {
        name: 'Promoters of this survey',
        conditions: { surveyId: project.surveyIds.nps.toUpperCase(), scoreAtLeast: 9 },
        effects: { assign: { type: 'user', userId: agent.userId.toUpperCase() } },
      },
    });
    expect(created.statusCode, created.body).toBe(201);
    expect(created.json().conditions.surveyId).toBe(project.surveyIds.nps);
    const item = aResponse(project.surveyIds.nps, { score: 10 });
    await ingest(project, [item]);
    expect((await get(project, item.id)).followUp).toMatchObject({
      status: 'open',
      assigneeId: agent.userId,
    });
  });

  it('opens a partial response when a rule needs the comment that arrives later', async () => {
    const project = await ctx.newProject();
    await ctx.asKey(project.secretKey, {
      method: 'POST',
      url: '/v1/follow-up-rules',
      payload: { name: 'Any comment', conditions: { hasComment: true }, effects: { addTags: ['commented'] } },
    });
    const item = aResponse(project.surveyIds.nps, { score: 9 });
    await ingest(project, [item]);
    expect((await get(project, item.id)).followUp.status).toBe('none');
    await ingest(project, [{ ...item, comment: 'Great support' }]);
    expect((await get(project, item.id)).followUp).toMatchObject({ status: 'open', tags: ['commented'] });
  });

  const assignRoundRobin = async (project: TestProject) => {
    const rules = await ctx.asKey(project.secretKey, { method: 'GET', url: '/v1/follow-up-rules' });
    const npsRule = rules.json().data.find((rule: { name: string }) => rule.name.startsWith('Detractors'));
    const patched = await ctx.asKey(project.secretKey, {
      method: 'PATCH',
      url: `/v1/follow-up-rules/${npsRule.id}`,
      payload: { effects: { dueInHours: 24, assign: { type: 'round_robin' } } },
    });
    expect(patched.statusCode, patched.body).toBe(200);
  };

  it('assigns round-robin among active agents only (never owners, admins, viewers or deactivated agents)', async () => {
    const project = await ctx.newProject();
    await signIn(ctx, project.projectId, 'owner');
    const admin = await signIn(ctx, project.projectId, 'admin');
    const first = await signIn(ctx, project.projectId, 'agent');
    const second = await signIn(ctx, project.projectId, 'agent');
    const gone = await signIn(ctx, project.projectId, 'agent');
    await signIn(ctx, project.projectId, 'viewer');
    expect((await admin.inject({ method: 'DELETE', url: `/v1/users/${gone.userId}` })).statusCode).toBe(204);
    await assignRoundRobin(project);
    const items = Array.from({ length: 6 }, () => aResponse(project.surveyIds.nps, { score: 0 }));
    // One request each, so the order of turns is the order of the items.
    for (const item of items) await ingest(project, [item]);
    const assignees = [];
    for (const item of items) assignees.push((await get(project, item.id)).followUp.assigneeId);
    expect(assignees).toEqual([first, second, first, second, first, second].map((agent) => agent.userId));
  });

  it('shares a batch between the agents and leaves responses unassigned when no agent is active', async () => {
    const project = await ctx.newProject();
    const owner = await signIn(ctx, project.projectId, 'owner');
    await signIn(ctx, project.projectId, 'admin');
    await assignRoundRobin(project);
    const unowned = aResponse(project.surveyIds.nps, { score: 2 });
    await ingest(project, [unowned]);
    expect((await get(project, unowned.id)).followUp).toMatchObject({ status: 'open', assigneeId: null });

    const first = await signIn(ctx, project.projectId, 'agent');
    const second = await signIn(ctx, project.projectId, 'agent');
    const batch = Array.from({ length: 4 }, () => aResponse(project.surveyIds.nps, { score: 1 }));
    await ingest(project, batch);
    const assignees = [];
    for (const item of batch) assignees.push((await get(project, item.id)).followUp.assigneeId);
    expect(assignees.filter((id) => id === first.userId)).toHaveLength(2);
    expect(assignees.filter((id) => id === second.userId)).toHaveLength(2);
    expect(assignees).not.toContain(owner.userId);
  });

  it('adds tags in lower case and once, from new, changed and earlier stored rules', async () => {
    const project = await ctx.newProject();
    const created = await ctx.asKey(project.secretKey, {
      method: 'POST',
      url: '/v1/follow-up-rules',
      payload: { name: 'Tag all', conditions: {}, effects: { addTags: ['VIP', 'vip', 'Hot'] } },
    });
    expect(created.statusCode, created.body).toBe(201);
    expect(created.json().effects.addTags).toEqual(['vip', 'hot']);
    const changed = await ctx.asKey(project.secretKey, {
      method: 'PATCH',
      url: `/v1/follow-up-rules/${created.json().id}`,
      payload: { effects: { addTags: ['Churn-Risk', 'HOT'] } },
    });
    expect(changed.json().effects.addTags).toEqual(['churn-risk', 'hot']);
    // A rule stored before tags were lower-cased still adds them in lower case.
    await ctx.database.query(
      `update follow_up_rules set effects = jsonb_set(effects, '{addTags}', '["Legacy", "HOT"]') where project_id = $1 and name like 'Detractors%'`,
      [project.projectId],
    );
    const agent = await signIn(ctx, project.projectId, 'agent');
    const item = aResponse(project.surveyIds.nps, { score: 2 });
    await ingest(project, [item]);
    const stored = await get(project, item.id);
    expect([...stored.followUp.tags].sort()).toEqual(['churn-risk', 'hot', 'legacy']);
    const activity = await agent.inject({ method: 'GET', url: `/v1/responses/${item.id}/activity` });
    const added = activity.json().data.map((a: { detail: { addedTags: string[] } }) => a.detail.addedTags);
    expect(added).toEqual(
      expect.arrayContaining([
        ['legacy', 'hot'],
        ['churn-risk', 'hot'],
      ]),
    );
  });

  it('opens nothing once the default rules are deleted or disabled', async () => {
    const project = await ctx.newProject();
    const rules = (await ctx.asKey(project.secretKey, { method: 'GET', url: '/v1/follow-up-rules' })).json()
      .data;
    expect(rules.map((rule: { name: string }) => rule.name)).toEqual([
      'Detractors (NPS 0–6)',
      'Unsatisfied (CSAT 1–2)',
      'High effort (CES 1–3)',
    ]);
    const removed = await ctx.asKey(project.secretKey, {
      method: 'DELETE',
      url: `/v1/follow-up-rules/${rules[0].id}`,
    });
    expect(removed.statusCode).toBe(204);
    await ctx.asKey(project.secretKey, {
      method: 'PATCH',
      url: `/v1/follow-up-rules/${rules[1].id}`,
      payload: { enabled: false },
    });
    const items = [
      aResponse(project.surveyIds.nps, { score: 0 }),
      aResponse(project.surveyIds.csat, { score: 1 }),
    ];
    await ingest(project, items);
    for (const item of items) expect((await get(project, item.id)).followUp.status).toBe('none');
  });

  it("never applies another project's rules", async () => {
    const project = await ctx.newProject();
    const other = await ctx.newProject();
    await ctx.asKey(other.secretKey, {
      method: 'POST',
      url: '/v1/follow-up-rules',
      payload: { name: 'Everything', conditions: {}, effects: { addTags: ['theirs'] } },
    });
    const item = aResponse(project.surveyIds.nps, { score: 10 });
    await ingest(project, [item]);
    expect((await get(project, item.id)).followUp).toMatchObject({ status: 'none', tags: [] });
  });

  it.each([
    [
      'scoreAtLeast above scoreAtMost',
      { conditions: { scoreAtLeast: 8, scoreAtMost: 2 }, effects: {} },
      'conditions.scoreAtLeast',
    ],
    [
      'an unknown survey',
      { conditions: { surveyId: crypto.randomUUID() }, effects: {} },
      'conditions.surveyId',
    ],
    [
      'an unknown assignee',
      { conditions: {}, effects: { assign: { type: 'user', userId: crypto.randomUUID() } } },
      'effects.assign.userId',
    ],
    ['an unknown condition', { conditions: { country: 'DE' }, effects: {} }, 'conditions'],
    ['a due time of 0 hours', { conditions: {}, effects: { dueInHours: 0 } }, 'effects.dueInHours'],
    [
      'a trait that is not valid Unicode text',
      { conditions: { trait: { key: 'plan\ud800', value: 'pro' } }, effects: {} },
      'conditions.trait.key',
    ],
    ['a tag of spaces only', { conditions: {}, effects: { addTags: ['  '] } }, 'effects.addTags.0'],
  ])('refuses a rule with %s (400) and stores nothing', async (_name, body, path) => {
    const project = await ctx.newProject();
    const reply = await ctx.asKey(project.secretKey, {
      method: 'POST',
      url: '/v1/follow-up-rules',
      payload: { name: 'Bad', ...body },
    });
    expect(reply.statusCode).toBe(400);
    expect(reply.json().errors.map((e: { path: string }) => e.path)).toContain(path);
    const rules = await ctx.asKey(project.secretKey, { method: 'GET', url: '/v1/follow-up-rules' });
    expect(rules.json().data).toHaveLength(3);
  });

  it("answers 404 for another project's rule", async () => {
    const project = await ctx.newProject();
    const other = await ctx.newProject();
    const theirs = (await ctx.asKey(other.secretKey, { method: 'GET', url: '/v1/follow-up-rules' })).json()
      .data[0];
    for (const method of ['PATCH', 'DELETE'] as const) {
      const reply = await ctx.asKey(project.secretKey, {
        method,
        url: `/v1/follow-up-rules/${theirs.id}`,
        ...(method === 'PATCH' ? { payload: { enabled: false } } : {}),
      });
      expect(reply.statusCode).toBe(404);
    }
    const still = (await ctx.asKey(other.secretKey, { method: 'GET', url: '/v1/follow-up-rules' })).json()
      .data[0];
    expect(still).toMatchObject({ id: theirs.id, enabled: true });
  });
});
