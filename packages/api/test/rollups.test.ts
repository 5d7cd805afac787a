import { describe, expect, it } from 'vitest';
import { aResponse, databaseTargets, type TestContext, useTestApp } from './helpers/app.ts';

/** The roll-up levels: table suffix and slot step. */
const levels = [
  { suffix: '', step: '15 minutes' },
  { suffix: '_hours', step: '1 hour' },
  { suffix: '_days', step: '1 day' },
] as const;

/**
 * The roll-ups of a project at one level and the same counts taken from its rows; equal when they
 * are kept right.
 */
async function rollupsAndRows(
  ctx: TestContext,
  projectId: string,
  level: (typeof levels)[number] = levels[0],
) {
  const [rollups, rows, eventRollups, eventRows] = await Promise.all([
    ctx.database.query<{ key: string; n: number }>(
      `select survey_id || ' ' || to_char(slot at time zone 'UTC', 'YYYY-MM-DD HH24:MI') || ' ' || score as key,
              responses as n
       from response_rollups${level.suffix} where project_id = $1 and responses <> 0 order by 1`,
      [projectId],
    ),
    ctx.database.query<{ key: string; n: number }>(
      `select survey_id || ' ' || to_char(date_bin('${level.step}', submitted_at, timestamptz '2000-01-01Z') at time zone 'UTC',
                'YYYY-MM-DD HH24:MI') || ' ' || score as key, count(*)::int as n
       from responses where project_id = $1 and not quarantined group by 1 order by 1`,
      [projectId],
    ),
    ctx.database.query<{ key: string; shown: number; dismissed: number }>(
      `select survey_id || ' ' || to_char(slot at time zone 'UTC', 'YYYY-MM-DD HH24:MI') as key, shown, dismissed
       from event_rollups${level.suffix} where project_id = $1 and (shown <> 0 or dismissed <> 0) order by 1`,
      [projectId],
    ),
    ctx.database.query<{ key: string; shown: number; dismissed: number }>(
      `select survey_id || ' ' || to_char(date_bin('${level.step}', at, timestamptz '2000-01-01Z') at time zone 'UTC',
                'YYYY-MM-DD HH24:MI') as key,
              count(*) filter (where type = 'shown')::int as shown, count(*) filter (where type = 'dismissed')::int as dismissed
       from events where project_id = $1 group by 1 order by 1`,
      [projectId],
    ),
  ]);
  return { rollups, rows, eventRollups, eventRows };
}

/** Every level (quarter hours, hours, days) matches the rows. */
async function expectKeptRight(ctx: TestContext, projectId: string) {
  for (const level of levels) {
    const { rollups, rows, eventRollups, eventRows } = await rollupsAndRows(ctx, projectId, level);
    expect(rollups, `response_rollups${level.suffix}`).toEqual(rows);
    expect(eventRollups, `event_rollups${level.suffix}`).toEqual(eventRows);
  }
}

describe.each(databaseTargets())('metrics roll-ups on $name', (target) => {
  const ctx = useTestApp(target);

  const post = (url: string, body: unknown) =>
    ctx.app.inject({
      method: 'POST',
      url,
      headers: { 'content-type': 'text/plain' },
      payload: JSON.stringify(body),
    });

  it('count every stored response and impression by survey, 15-minute slot and score', async () => {
    const project = await ctx.newProject();
    // A slot start two days ago (within any bound on how old a response may be).
    const base = Math.floor((Date.now() - 2 * 86_400_000) / 900_000) * 900_000;
    const at = (minutes: number) => new Date(base + minutes * 60_000).toISOString();
    const slot = (minutes: number) => at(minutes).slice(0, 16).replace('T', ' ');
    const items = [
      aResponse(project.surveyIds.nps, { score: 9, submittedAt: at(0) }),
      aResponse(project.surveyIds.nps, { score: 9, submittedAt: at(14.99) }),
      aResponse(project.surveyIds.nps, { score: 9, submittedAt: at(15) }),
      aResponse(project.surveyIds.nps, { score: 3, submittedAt: at(1) }),
      aResponse(project.surveyIds.csat, { score: 5, submittedAt: at(1) }),
    ];
    expect((await post('/v1/responses', { key: project.publicKey, responses: items })).statusCode).toBe(202);
    const events = [0, 1, 2, 20].map((minutes, index) => ({
      id: crypto.randomUUID(),
      surveyId: project.surveyIds.nps,
      type: index === 2 ? 'dismissed' : 'shown',
      at: at(minutes),
    }));
    expect((await post('/v1/events', { key: project.publicKey, events })).statusCode).toBe(202);
    // Resends (the same ids) change nothing; a resend that adds a comment changes no count.
    expect((await post('/v1/responses', { key: project.publicKey, responses: items })).statusCode).toBe(202);
    expect(
      (
        await post('/v1/responses', {
          key: project.publicKey,
          responses: [{ ...items[3]!, comment: 'Late' }],
        })
      ).statusCode,
    ).toBe(202);
    expect((await post('/v1/events', { key: project.publicKey, events })).statusCode).toBe(202);

    const { rollups, eventRollups } = await rollupsAndRows(ctx, project.projectId);
    const nps = project.surveyIds.nps;
    expect(rollups).toEqual(
      [
        { key: `${nps} ${slot(0)} 3`, n: 1 },
        { key: `${nps} ${slot(0)} 9`, n: 2 },
        { key: `${nps} ${slot(15)} 9`, n: 1 },
        { key: `${project.surveyIds.csat} ${slot(0)} 5`, n: 1 },
      ].sort((a, b) => (a.key < b.key ? -1 : 1)),
    );
    expect(eventRollups).toEqual([
      { key: `${nps} ${slot(0)}`, shown: 2, dismissed: 1 },
      { key: `${nps} ${slot(15)}`, shown: 1, dismissed: 0 },
    ]);
    // The hour and day levels hold the same counts, summed over their longer slots.
    for (const level of levels.slice(1)) {
      const { rollups: coarse, eventRollups: coarseEvents } = await rollupsAndRows(
        ctx,
        project.projectId,
        level,
      );
      expect(coarse.reduce((sum, row) => sum + row.n, 0)).toBe(5);
      expect(coarseEvents.reduce((sum, row) => sum + row.shown, 0)).toBe(3);
      expect(coarseEvents.reduce((sum, row) => sum + row.dismissed, 0)).toBe(1);
    }
    await expectKeptRight(ctx, project.projectId);
  });

  it('follow rows that are changed or deleted, by any writer', async () => {
    const project = await ctx.newProject();
    const items = Array.from({ length: 30 }, (_, index) =>
      aResponse(project.surveyIds.nps, {
        score: index % 11,
        // 97 minutes apart: over two days, across hours and UTC midnights.
        submittedAt: new Date(Date.now() - index * 97 * 60_000).toISOString(),
      }),
    );
    expect((await post('/v1/responses', { key: project.publicKey, responses: items })).statusCode).toBe(202);
    const events = Array.from({ length: 12 }, (_, index) => ({
      id: crypto.randomUUID(),
      surveyId: project.surveyIds.nps,
      type: index % 3 === 0 ? 'dismissed' : 'shown',
      at: new Date(Date.now() - index * 241 * 60_000).toISOString(),
    }));
    expect((await post('/v1/events', { key: project.publicKey, events })).statusCode).toBe(202);
    await expectKeptRight(ctx, project.projectId);
    // A change of score and of day (and hour, and quarter hour) moves each count at every level.
    await ctx.database.query(
      `update responses set score = 10, submitted_at = submitted_at - interval '25 hours 15 minutes'
       where project_id = $1 and score < 3`,
      [project.projectId],
    );
    await expectKeptRight(ctx, project.projectId);
    await ctx.database.query(`delete from events where project_id = $1 and type = 'dismissed'`, [
      project.projectId,
    ]);
    await expectKeptRight(ctx, project.projectId);
    await ctx.database.query(`update responses set tags = '{seen}' where project_id = $1`, [
      project.projectId,
    ]);
    // Quarantined responses are left out; accepting one counts it.
    await ctx.database.query(
      'update responses set quarantined = true where project_id = $1 and score in (4, 5)',
      [project.projectId],
    );
    await expectKeptRight(ctx, project.projectId);
    await ctx.database.query('update responses set quarantined = false where project_id = $1 and score = 4', [
      project.projectId,
    ]);
    await expectKeptRight(ctx, project.projectId);
    for (const level of levels) {
      const [left] = await ctx.database.query<{ n: number }>(
        `select coalesce(sum(responses), 0)::int as n from response_rollups${level.suffix} where project_id = $1 and score = 5`,
        [project.projectId],
      );
      expect(left!.n).toBe(0);
    }
    await ctx.database.query('delete from responses where project_id = $1 and score > 7', [
      project.projectId,
    ]);
    await expectKeptRight(ctx, project.projectId);
  });

  it("lose an erased respondent's responses at every level", async () => {
    const project = await ctx.newProject();
    const person = { externalId: `rollup-person-${crypto.randomUUID()}` };
    const items = Array.from({ length: 8 }, (_, index) =>
      aResponse(project.surveyIds.nps, {
        score: index + 2,
        submittedAt: new Date(Date.now() - index * 353 * 60_000).toISOString(),
        ...(index % 2 === 0 ? { respondent: person } : {}),
      }),
    );
    expect((await post('/v1/responses', { key: project.publicKey, responses: items })).statusCode).toBe(202);
    const counted = async () =>
      Promise.all(
        levels.map(async (level) => {
          const [row] = await ctx.database.query<{ n: number }>(
            `select coalesce(sum(responses), 0)::int as n from response_rollups${level.suffix} where project_id = $1`,
            [project.projectId],
          );
          return row!.n;
        }),
      );
    expect(await counted()).toEqual([8, 8, 8]);
    const erased = await ctx.asKey(project.secretKey, {
      method: 'DELETE',
      url: `/v1/respondents/${person.externalId}`,
    });
    expect(erased.statusCode, erased.body).toBe(204);
    expect(await counted()).toEqual([4, 4, 4]);
    await expectKeptRight(ctx, project.projectId);
  });

  it('go with their project when it is deleted', async () => {
    const project = await ctx.newProject();
    expect(
      (await post('/v1/responses', { key: project.publicKey, responses: [aResponse(project.surveyIds.nps)] }))
        .statusCode,
    ).toBe(202);
    await ctx.database.query('delete from projects where id = $1', [project.projectId]);
    for (const level of levels) {
      const [left] = await ctx.database.query<{ n: number }>(
        `select count(*)::int as n from response_rollups${level.suffix} where project_id = $1`,
        [project.projectId],
      );
      expect(left!.n).toBe(0);
    }
  });
});
