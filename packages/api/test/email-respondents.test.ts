/**
 * A respondent known only by email (no external id) is one person per address, letter case aside:
 * their responses form one timeline in the inbox, and their traits add up.
 */
import { readFile } from 'node:fs/promises';
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { aResponse, databaseTargets, type TestProject, useTestApp } from './helpers/app.ts';

const migration = new URL('../drizzle/0005_email_respondents.sql', import.meta.url);

describe.each(databaseTargets())('respondents known by email on $name', (target) => {
  const ctx = useTestApp(target);
  const send = async (project: TestProject, items: unknown[]) => {
    expect((await ctx.sendResponses(project, items)).statusCode).toBe(202);
  };
  const respondentsOf = (project: TestProject) =>
    ctx.database.query<{ id: string; email: string | null; traits: Record<string, unknown> }>(
      'select id, email, traits from respondents where project_id = $1 order by created_at',
      [project.projectId],
    );

  it('gathers the responses of one address, in any letter case, into one timeline', async () => {
    const project = await ctx.newProject();
    const first = aResponse(project.surveyIds.nps, {
      score: 4,
      respondent: { email: 'Kim@Example.com', traits: { plan: 'pro' } },
    });
    const second = aResponse(project.surveyIds.csat, {
      score: 2,
      respondent: { email: 'kim@example.com', traits: { country: 'DE' } },
    });
    await send(project, [first]);
    await send(project, [second]);
    // Two in one batch, and a resend: still one person.
    const third = aResponse(project.surveyIds.ces, { score: 6, respondent: { email: 'KIM@example.com' } });
    const other = aResponse(project.surveyIds.ces, { score: 6, respondent: { email: 'lee@example.com' } });
    await send(project, [third, other, first]);

    const people = await respondentsOf(project);
    expect(people).toHaveLength(2);
    expect(people[0]).toMatchObject({ email: 'Kim@Example.com', traits: { plan: 'pro', country: 'DE' } });
    const history = await ctx.asKey(project.secretKey, { url: `/v1/responses/${third.id}/history` });
    expect(history.statusCode).toBe(200);
    expect(
      history
        .json()
        .data.map((row: { id: string }) => row.id)
        .sort(),
    ).toEqual([first.id, second.id].sort());
  });

  it('migration 0005 merges the respondents stored one per response before, then enforces one per address', async () => {
    const project = await ctx.newProject();
    const a = aResponse(project.surveyIds.nps, { score: 9 });
    const b = aResponse(project.surveyIds.nps, { score: 9 });
    const c = aResponse(project.surveyIds.nps, { score: 9 });
    const d = aResponse(project.surveyIds.nps, { score: 9 });
    await send(project, [a, b, c, d]);
    const statements = (await readFile(migration, 'utf8')).split('--> statement-breakpoint');
    const rollback = new Error('rollback');
    // In a transaction rolled back at the end: other test files never see the index missing.
    await expect(
      ctx.database.db.transaction(async (tx) => {
        const rows = <T>(result: unknown) =>
          (Array.isArray(result) ? result : (result as { rows: T[] }).rows) as T[];
        await tx.execute(sql.raw('drop index respondents_email_unique'));
        // As respondents were stored before: one per response, id = response id.
        const old = [
          [a.id, 'Pat@Example.com', '{"plan":"free","seats":1}', '2026-01-01'],
          [b.id, 'pat@example.com', '{}', '2026-02-01'],
          [c.id, 'PAT@example.com', '{"plan":"pro"}', '2026-03-01'],
          [d.id, 'other@example.com', '{"x":1}', '2026-01-15'],
        ];
        for (const [id, email, traits, at] of old) {
          await tx.execute(sql`insert into respondents (project_id, id, email, traits, created_at, updated_at)
            values (${project.projectId}, ${id}, ${email}, ${traits}::jsonb, ${at}::timestamptz, ${at}::timestamptz)`);
          await tx.execute(
            sql`update responses set respondent_id = ${id} where project_id = ${project.projectId} and id = ${id}`,
          );
        }
        for (const statement of statements) await tx.execute(sql.raw(statement));

        const people = rows<{ id: string; email: string; traits: Record<string, unknown> }>(
          await tx.execute(
            sql`select id, email, traits from respondents where project_id = ${project.projectId} order by created_at`,
          ),
        );
        expect(people).toEqual([
          // The oldest per address is kept, with every trait, later values winning.
          { id: a.id, email: 'Pat@Example.com', traits: { plan: 'pro', seats: 1 } },
          { id: d.id, email: 'other@example.com', traits: { x: 1 } },
        ]);
        const links = rows<{ id: string; respondent_id: string }>(
          await tx.execute(
            sql`select id, respondent_id from responses where project_id = ${project.projectId}`,
          ),
        );
        expect(Object.fromEntries(links.map((link) => [link.id, link.respondent_id]))).toEqual({
          [a.id]: a.id,
          [b.id]: a.id,
          [c.id]: a.id,
          [d.id]: d.id,
        });
        // The index is back: a second respondent for the address is refused.
        await expect(
          tx.execute(
            sql`insert into respondents (project_id, email) values (${project.projectId}, 'PAT@EXAMPLE.COM')`,
          ),
        ).rejects.toThrow();
        throw rollback;
      }),
    ).rejects.toBe(rollback);
  });
});
