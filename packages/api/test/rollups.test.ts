import { describe, expect, it } from 'vitest';
import { aResponse, databaseTargets, type TestContext, useTestApp } from './helpers/app.ts';

/** The roll-ups of a project and the same counts taken from its rows; equal when they are kept right. */
async function rollupsAndRows(ctx: TestContext, projectId: string) {
  const [rollups, rows, eventRollups, eventRows] = await Promise.all([
    ctx.database.query<{ key: string; n: number }>(
      `select survey_id || ' ' || to_char(slot at time zone 'UTC', 'YYYY-MM-DD HH24:MI') || ' ' || score as key,
              responses as n
       from response_rollups where project_id = $1 and responses <> 0 order by 1`,
      [projectId],
    ),
    ctx.database.query<{ key: string; n: number }>(
      `select survey_id || ' ' || to_char(date_bin('15 minutes', submitted_at, timestamptz '2000-01-01Z') at time zone 'UTC',
                'YYYY-MM-DD HH24:MI') || ' ' || score as key, count(*)::int as n
       from responses where project_id = $1 and not quarantined group by 1 order by 1`,
      [projectId],
    ),
    ctx.database.query<{ key: string; shown: number; dismissed: number }>(
      `select survey_id || ' ' || to_char(slot at time zone 'UTC', 'YYYY-MM-DD HH24:MI') as key, shown, dismissed
       from event_rollups where project_id = $1 and (shown <> 0 or dismissed <> 0) order by 1`,
      [projectId],
    ),
    ctx.database.query<{ key: string; shown: number; dismissed: number }>(
      `select survey_id || ' ' || to_char(date_bin('15 minutes', at, timestamptz '2000-01-01Z') at time zone 'UTC',
                'YYYY-MM-DD HH24:MI') as key,
              count(*) filter (where type = 'shown')::int as shown, count(*) filter (where type = 'dismissed')::int as dismissed
       from events where project_id = $1 group by 1 order by 1`,
      [projectId],
    ),
  ]);
  return { rollups, rows, eventRollups, eventRows };
}

async function expectKeptRight(ctx: TestContext, projectId: string) {
  const { rollups, rows, eventRollups, eventRows } = await rollupsAndRows(ctx, projectId);
  expect(rollups).toEqual(rows);
  expect(eventRollups).toEqual(eventRows);
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
    await expectKeptRight(ctx, project.projectId);
  });

  it('follow rows that are changed or deleted, by any writer', async () => {
    const project = await ctx.newProject();
    const items = Array.from({ length: 30 }, (_, index) =>
      aResponse(project.surveyIds.nps, {
        score: index % 11,
        submittedAt: new Date(Date.now() - index * 7 * 60_000).toISOString(),
      }),
    );
    expect((await post('/v1/responses', { key: project.publicKey, responses: items })).statusCode).toBe(202);
    await ctx.database.query(
      `update responses set score = 10, submitted_at = submitted_at - interval '1 hour'
       where project_id = $1 and score < 3`,
      [project.projectId],
    );
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
    const [left] = await ctx.database.query<{ n: number }>(
      `select coalesce(sum(responses), 0)::int as n from response_rollups where project_id = $1 and score = 5`,
      [project.projectId],
    );
    expect(left!.n).toBe(0);
    await ctx.database.query('delete from responses where project_id = $1 and score > 7', [
      project.projectId,
    ]);
    await expectKeptRight(ctx, project.projectId);
  });

  it('go with their project when it is deleted', async () => {
    const project = await ctx.newProject();
    expect(
      (await post('/v1/responses', { key: project.publicKey, responses: [aResponse(project.surveyIds.nps)] }))
        .statusCode,
    ).toBe(202);
    await ctx.database.query('delete from projects where id = $1', [project.projectId]);
    const [left] = await ctx.database.query<{ n: number }>(
      'select count(*)::int as n from response_rollups where project_id = $1',
      [project.projectId],
    );
    expect(left!.n).toBe(0);
  });
});
