import { roleAtLeast, type StaffRole, staffRoles } from '@closeloop/shared';
import { beforeAll, describe, expect, it } from 'vitest';
import { databaseTargets, type TestProject, useTestApp } from './helpers/app.ts';
import { type Fixture, roleCases, storeResponse } from './helpers/role-matrix.ts';
import { type StaffSession, signIn } from './helpers/staff.ts';

describe.each(databaseTargets())('role × route authorization on $name', (target) => {
  const ctx = useTestApp(target);
  let project: TestProject;
  const sessions = {} as Record<StaffRole, StaffSession>;

  beforeAll(async () => {
    project = await ctx.newProject();
    for (const role of staffRoles) sessions[role] = await signIn(ctx, project.projectId, role);
  }, 60_000);

  const fixture = async (): Promise<Fixture> => ({
    ctx,
    project,
    responseId: await storeResponse(ctx, project),
  });

  describe.each(roleCases)('$name (least: $least)', (route) => {
    it.each([...staffRoles])('as %s', async (role) => {
      const request = await route.request(await fixture());
      const reply = await sessions[role].inject(request);
      if (roleAtLeast(role, route.least)) {
        expect(reply.statusCode, reply.body).toBeLessThan(500);
        expect([401, 403], reply.body).not.toContain(reply.statusCode);
      } else {
        expect(reply.statusCode, reply.body).toBe(403);
        expect(reply.json()).toMatchObject({ code: 'forbidden', status: 403 });
      }
    });

    const keyAllowed = roleAtLeast('admin', route.least) && !route.sessionOnly;
    it(`with a secret key (acts as admin): ${keyAllowed ? 'allowed' : 'refused'}`, async () => {
      const request = await route.request(await fixture());
      const reply = await ctx.asKey(project.secretKey, request);
      if (keyAllowed) expect([401, 403], reply.body).not.toContain(reply.statusCode);
      else expect(reply.statusCode, reply.body).toBe(403);
      expect(reply.statusCode).toBeLessThan(500);
    });
  });

  it('a viewer cannot resolve, and the response stays open', async () => {
    const project = await ctx.newProject();
    const viewer = await signIn(ctx, project.projectId, 'viewer');
    const responseId = await storeResponse(ctx, project);
    const reply = await viewer.inject({
      method: 'PATCH',
      url: `/v1/responses/${responseId}`,
      payload: { status: 'resolved' },
    });
    expect(reply.statusCode).toBe(403);
    expect(reply.json().detail).toMatch(/agent role or higher; you are a viewer/);
    const after = await ctx.asKey(project.secretKey, { method: 'GET', url: `/v1/responses/${responseId}` });
    expect(after.json().followUp.status).toBe('open');
    const activity = await ctx.asKey(project.secretKey, {
      method: 'GET',
      url: `/v1/responses/${responseId}/activity`,
    });
    expect(activity.json().data.map((a: { type: string }) => a.type)).toEqual(['rule_applied']);
  });

  it("a session never reaches another project's data", async () => {
    const other = await ctx.newProject();
    const theirResponse = await storeResponse(ctx, other);
    const owner = sessions.owner;
    for (const request of [
      { method: 'GET' as const, url: `/v1/responses/${theirResponse}` },
      { method: 'PATCH' as const, url: `/v1/responses/${theirResponse}`, payload: { status: 'resolved' } },
      { method: 'POST' as const, url: `/v1/responses/${theirResponse}/notes`, payload: { body: 'x' } },
      { method: 'GET' as const, url: `/v1/responses/${theirResponse}/activity` },
      { method: 'GET' as const, url: `/v1/surveys/${other.surveyIds.nps}` },
    ]) {
      const reply = await owner.inject(request);
      expect(reply.statusCode, request.url).toBe(404);
    }
    const list = await owner.inject({ method: 'GET', url: '/v1/responses?limit=200' });
    expect(list.json().data.map((r: { id: string }) => r.id)).not.toContain(theirResponse);
    const theirs = await ctx.asKey(other.secretKey, { method: 'GET', url: `/v1/responses/${theirResponse}` });
    expect(theirs.json().followUp.status).toBe('open');
  });
});
