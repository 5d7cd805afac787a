import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { secretKeys } from '../src/db/schema/index.ts';
import { aResponse, databaseTargets, useTestApp } from './helpers/app.ts';
import { managementRoutes } from './helpers/management-routes.ts';

describe.each(databaseTargets())('management authorization on $name', (target) => {
  const ctx = useTestApp(target);

  describe.each(managementRoutes)('$method $url', (route) => {
    const request = async (authorization: string | undefined) => {
      const project = await ctx.newProject();
      const reply = await ctx.app.inject({
        method: route.method,
        url: route.url(project),
        ...(route.payload ? { payload: route.payload(project) as object } : {}),
        headers: authorization === undefined ? {} : { authorization },
      });
      return { reply, project };
    };

    it('refuses a request without a key (401) and changes nothing', async () => {
      const { reply, project } = await request(undefined);
      expect(reply.statusCode).toBe(401);
      expect(reply.json()).toMatchObject({ code: 'missing_key', status: 401 });
      const surveys = await ctx.asKey(project.secretKey, { method: 'GET', url: '/v1/surveys' });
      expect(surveys.json().data).toHaveLength(3);
      expect(surveys.json().data.map((s: { name: string }) => s.name)).not.toContain('Renamed');
    });

    it('is never stored by a cache, answered or refused (Cache-Control: no-store)', async () => {
      const project = await ctx.newProject();
      const refused = await ctx.app.inject({ method: route.method, url: route.url(project) });
      expect(refused.statusCode).toBe(401);
      expect(refused.headers['cache-control']).toBe('no-store');
      // The event stream never ends by itself; it sets no-store on its own headers.
      if (route.url(project) === '/v1/inbox/events') return;
      const answered = await ctx.asKey(project.secretKey, {
        method: route.method,
        url: route.url(project),
        ...(route.payload ? { payload: route.payload(project) as object } : {}),
      });
      expect(answered.statusCode).toBeLessThan(500);
      expect(answered.headers['cache-control']).toBe('no-store');
    });

    it.each([
      ['an unknown secret key', 'Bearer sk_0000000000000000000000000000000'],
      ['a malformed header', 'Basic abc'],
      ['an empty bearer', 'Bearer '],
    ])('refuses %s (401)', async (_name, authorization) => {
      const { reply } = await request(authorization);
      expect(reply.statusCode).toBe(401);
      expect(reply.headers['content-type']).toContain('application/problem+json');
    });

    it('refuses a public key (403)', async () => {
      const project = await ctx.newProject();
      const reply = await ctx.asKey(project.publicKey, {
        method: route.method,
        url: route.url(project),
        ...(route.payload ? { payload: route.payload(project) as object } : {}),
      });
      expect(reply.statusCode).toBe(403);
      expect(reply.json().code).toBe('public_key_forbidden');
    });

    it('refuses a revoked key (401)', async () => {
      const project = await ctx.newProject();
      await ctx.database.db
        .update(secretKeys)
        .set({ revokedAt: new Date() })
        .where(eq(secretKeys.projectId, project.projectId));
      const reply = await ctx.asKey(project.secretKey, {
        method: route.method,
        url: route.url(project),
        ...(route.payload ? { payload: route.payload(project) as object } : {}),
      });
      expect(reply.statusCode).toBe(401);
      expect(reply.json().detail).toMatch(/revoked/);
    });

    it.runIf(route.namesResource)("answers 404 to another project's key and changes nothing", async () => {
      const project = await ctx.newProject();
      const other = await ctx.newProject();
      const reply = await ctx.asKey(other.secretKey, {
        method: route.method,
        url: route.url(project),
        ...(route.payload ? { payload: route.payload(project) as object } : {}),
      });
      expect(reply.statusCode).toBe(404);
      const mine = await ctx.asKey(project.secretKey, { method: 'GET', url: '/v1/surveys' });
      expect(mine.json().data).toHaveLength(3);
      expect(mine.json().data.map((s: { name: string }) => s.name)).not.toContain('Renamed');
    });
  });

  it("lists only the key's own project", async () => {
    const project = await ctx.newProject();
    const other = await ctx.newProject();
    await ctx.app.inject({
      method: 'POST',
      url: '/v1/responses',
      payload: { key: project.publicKey, responses: [aResponse(project.surveyIds.nps)] },
    });
    const theirs = await ctx.asKey(other.secretKey, { method: 'GET', url: '/v1/responses' });
    expect(theirs.json().data).toEqual([]);
    const surveys = await ctx.asKey(other.secretKey, { method: 'GET', url: '/v1/surveys' });
    expect(surveys.json().data.map((s: { id: string }) => s.id)).not.toContain(project.surveyIds.nps);
  });

  it('records when a secret key was last used', async () => {
    const project = await ctx.newProject();
    await ctx.asKey(project.secretKey, { method: 'GET', url: '/v1/surveys' });
    const [key] = await ctx.database.db
      .select()
      .from(secretKeys)
      .where(eq(secretKeys.projectId, project.projectId));
    expect(key!.lastUsedAt).toBeInstanceOf(Date);
    expect(key!.hash).not.toContain(project.secretKey.slice(3));
    expect(key!.prefix).toBe(project.secretKey.slice(0, 9));
  });
});
