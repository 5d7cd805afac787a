import { and, eq } from 'drizzle-orm';
import { describe, expect, inject, it } from 'vitest';
import { type Database, openDatabase } from '../src/db/client.ts';
import { projects, surveys } from '../src/db/schema/index.ts';
import { catalogOf } from '../src/services/catalog.ts';
import { aResponse, databaseTargets, useTestApp } from './helpers/app.ts';

describe.each(databaseTargets())('the per-process catalog on $name', (target) => {
  const ctx = useTestApp(target);

  const send = (publicKey: string, surveyId: string, headers: Record<string, string> = {}) =>
    ctx.app.inject({
      method: 'POST',
      url: '/v1/responses',
      headers: { 'content-type': 'text/plain', ...headers },
      payload: JSON.stringify({ key: publicKey, responses: [aResponse(surveyId, { score: 3 })] }),
    });

  /**
   * Another writer of the same database: on Postgres a second connection pool (as another API
   * process or the CLI would be), on PGlite the same connection (the embedded database has one).
   */
  async function otherWriter(run: (other: Database) => Promise<void>) {
    if (target.name === 'pglite') return run(ctx.database);
    const other = await openDatabase({ databaseUrl: inject('postgresUrl') ?? undefined });
    try {
      await run(other);
    } finally {
      await other.close();
    }
  }

  it('answers repeated lookups from memory', async () => {
    const project = await ctx.newProject();
    const catalog = catalogOf(ctx.database.db);
    const first = await catalog.liveSurveyKinds(project.projectId);
    expect(first.get(project.surveyIds.nps)).toBe('nps');
    expect(await catalog.liveSurveyKinds(project.projectId)).toBe(first);
    const byKey = await catalog.projectByPublicKey(project.publicKey);
    expect(byKey?.id).toBe(project.projectId);
    expect(await catalog.projectByPublicKey(project.publicKey)).toBe(byKey);
  });

  it('refuses a survey deleted through the API on the very next widget request', async () => {
    const project = await ctx.newProject();
    expect((await send(project.publicKey, project.surveyIds.csat)).statusCode).toBe(202);
    const deleted = await ctx.asKey(project.secretKey, {
      method: 'DELETE',
      url: `/v1/surveys/${project.surveyIds.csat}`,
    });
    expect(deleted.statusCode).toBe(204);
    const reply = await send(project.publicKey, project.surveyIds.csat);
    expect(reply.statusCode).toBe(400);
    expect(reply.json().errors[0].path).toBe('responses.0.surveyId');
  });

  it('accepts a survey created through the API at once', async () => {
    const project = await ctx.newProject();
    expect((await send(project.publicKey, project.surveyIds.nps)).statusCode).toBe(202);
    const created = await ctx.asKey(project.secretKey, {
      method: 'POST',
      url: '/v1/surveys',
      payload: { name: 'Second NPS', kind: 'nps', texts: { en: { question: 'Again?' } } },
    });
    expect(created.statusCode).toBe(201);
    expect((await send(project.publicKey, created.json().id)).statusCode).toBe(202);
  });

  it('learns of changes another writer commits (LISTEN/NOTIFY)', async () => {
    const project = await ctx.newProject();
    expect(
      (await send(project.publicKey, project.surveyIds.ces, { origin: 'https://shop.example' })).statusCode,
    ).toBe(202);
    await otherWriter(async (other) => {
      await other.db
        .update(projects)
        .set({ allowedOrigins: ['https://other.example'] })
        .where(eq(projects.id, project.projectId));
      await other.db
        .update(surveys)
        .set({ deletedAt: new Date() })
        .where(and(eq(surveys.projectId, project.projectId), eq(surveys.id, project.surveyIds.nps)));
    });
    await expect
      .poll(
        async () =>
          (await send(project.publicKey, project.surveyIds.ces, { origin: 'https://shop.example' }))
            .statusCode,
      )
      .toBe(403);
    await expect
      .poll(async () => (await send(project.publicKey, project.surveyIds.nps)).statusCode)
      .toBe(400);
  });

  it('forgets nothing it should not: a rolled-back change leaves the survey usable', async () => {
    const project = await ctx.newProject();
    expect((await send(project.publicKey, project.surveyIds.nps)).statusCode).toBe(202);
    await ctx.database.db
      .transaction(async (tx) => {
        await tx
          .update(surveys)
          .set({ deletedAt: new Date() })
          .where(and(eq(surveys.projectId, project.projectId), eq(surveys.id, project.surveyIds.nps)));
        throw new Error('roll back');
      })
      .catch(() => {});
    expect((await send(project.publicKey, project.surveyIds.nps)).statusCode).toBe(202);
  });
});
