/**
 * Follow-up rules judge a response as the widget really sends it: the score first, the comment
 * later under the same id, and a respondent whose traits may have arrived with an earlier answer.
 */
import type { RuleCreate } from '@closeloop/shared';
import { and, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { responses } from '../src/db/schema/index.ts';
import { aResponse, databaseTargets, type TestProject, useTestApp } from './helpers/app.ts';

describe.each(databaseTargets())('rules at ingestion on $name', (target) => {
  const ctx = useTestApp(target);

  const addRule = async (project: TestProject, rule: RuleCreate) => {
    const reply = await ctx.asKey(project.secretKey, {
      method: 'POST',
      url: '/v1/follow-up-rules',
      payload: rule,
    });
    expect(reply.statusCode).toBe(201);
  };
  const send = async (project: TestProject, items: unknown[]) => {
    expect((await ctx.sendResponses(project, items)).statusCode).toBe(202);
  };
  const followUpOf = async (project: TestProject, id: string) => {
    const [row] = await ctx.database.db
      .select({ status: responses.followUpStatus, tags: responses.tags, dueAt: responses.dueAt })
      .from(responses)
      .where(and(eq(responses.projectId, project.projectId), eq(responses.id, id)));
    return row!;
  };

  it('applies a comment rule when the comment arrives after another rule opened the follow-up', async () => {
    const project = await ctx.newProject();
    await addRule(project, {
      name: 'Detractor comments',
      conditions: { kind: 'nps', hasComment: true },
      effects: { open: false, addTags: ['has-comment'] },
    });
    const item = aResponse(project.surveyIds.nps, { score: 3 });
    await send(project, [item]);
    const opened = await followUpOf(project, item.id);
    // The default rule (NPS ≤ 6) opened it; the comment rule could not match yet.
    expect(opened.status).toBe('open');
    expect(opened.tags).toEqual([]);

    await send(project, [{ ...item, comment: 'It broke at checkout' }]);
    const completed = await followUpOf(project, item.id);
    expect(completed.tags).toEqual(['has-comment']);
    expect(completed.status).toBe('open');
    // The due date set when it opened stays.
    expect(completed.dueAt?.getTime()).toBe(opened.dueAt?.getTime());
  });

  it('completes a response once when the same comment send arrives many times at once', async () => {
    const project = await ctx.newProject();
    await addRule(project, {
      name: 'Commented',
      conditions: { kind: 'csat', hasComment: true },
      effects: { open: true, addTags: ['commented'] },
    });
    const item = aResponse(project.surveyIds.csat, { score: 5 });
    await send(project, [item]);
    const comments = Array.from({ length: 20 }, (_, index) => `Comment ${index}`);
    await Promise.all(comments.map((comment) => send(project, [{ ...item, comment }])));
    const record = await ctx.asKey(project.secretKey, { method: 'GET', url: `/v1/responses/${item.id}` });
    expect(comments).toContain(record.json().comment);
    const activity = await ctx.asKey(project.secretKey, {
      method: 'GET',
      url: `/v1/responses/${item.id}/activity`,
    });
    const applied = activity.json().data.filter((entry: { type: string }) => entry.type === 'rule_applied');
    expect(applied).toHaveLength(1);
    expect((await followUpOf(project, item.id)).tags).toEqual(['commented']);
  });

  it('judges trait conditions on the traits stored for the respondent, not only this send', async () => {
    const project = await ctx.newProject();
    await addRule(project, {
      name: 'VIP',
      conditions: { trait: { key: 'plan', value: 'enterprise' } },
      effects: { open: true, dueInHours: 4, addTags: ['vip'] },
    });
    const first = aResponse(project.surveyIds.csat, {
      score: 5,
      respondent: { externalId: 'acme-1', traits: { plan: 'enterprise' } },
    });
    const later = aResponse(project.surveyIds.csat, { score: 4, respondent: { externalId: 'acme-1' } });
    await send(project, [first]);
    await send(project, [later]);
    expect((await followUpOf(project, later.id)).tags).toEqual(['vip']);
    expect((await followUpOf(project, later.id)).status).toBe('open');
  });
});
