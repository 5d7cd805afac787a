import { describe, expect, it } from 'vitest';
import { csvCell } from '../src/services/export.ts';
import { aResponse, databaseTargets, useTestApp } from './helpers/app.ts';

describe('csvCell', () => {
  it.each([
    ['=HYPERLINK("http://evil")', `"'=HYPERLINK(""http://evil"")"`],
    ['+1', "'+1"],
    ['-2', "'-2"],
    ['@SUM(A1)', "'@SUM(A1)"],
    ['\tTab', "'\tTab"],
    ['\rCR', `"'\rCR"`],
    ['a,b', '"a,b"'],
    ['line\nbreak', '"line\nbreak"'],
    ['Grüße 日本', 'Grüße 日本'],
    [null, ''],
    [7, '7'],
  ])('%j → %j', (value, cell) => {
    expect(csvCell(value)).toBe(cell);
  });
});

describe.each(databaseTargets())('GET /v1/responses/export on $name', (target) => {
  const ctx = useTestApp(target);

  it('streams every row as CSV with a header, over several pages, neutralising formulas', async () => {
    const project = await ctx.newProject();
    // a day ago, in whole seconds: the widget endpoint takes answers up to 7 days old
    const start = Math.floor(Date.now() / 1000) * 1000 - 86_400_000;
    const total = 2345;
    for (let offset = 0; offset < total; offset += 100) {
      const batch = Array.from({ length: Math.min(100, total - offset) }, (_, i) =>
        aResponse(project.surveyIds.nps, {
          score: (offset + i) % 11,
          submittedAt: new Date(start + (offset + i) * 1000).toISOString(),
          comment:
            offset + i === 0 ? '=cmd|" /C calc"!A0' : offset + i === 1 ? 'Grüße, "quoted"\nnext line' : null,
        }),
      );
      const reply = await ctx.app.inject({
        method: 'POST',
        url: '/v1/responses',
        payload: { key: project.publicKey, responses: batch },
      });
      expect(reply.statusCode).toBe(202);
    }
    const reply = await ctx.asKey(project.secretKey, {
      method: 'GET',
      url: '/v1/responses/export?format=csv',
    });
    expect(reply.statusCode).toBe(200);
    expect(reply.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(reply.headers['content-disposition']).toMatch(/attachment; filename="responses-.*\.csv"/);
    const lines = reply.body.split('\r\n');
    expect(lines[0]).toBe(
      'id,survey_id,kind,score,comment,submitted_at,received_at,url,locale,respondent_external_id,respondent_email,respondent_traits,follow_up_status,assignee_id,due_at,resolved_at,tags,identity,quarantined',
    );
    expect(lines.at(-1)).toBe('');
    // One line per response plus the header; the comment with a line break stays one quoted cell.
    expect(reply.body.match(/\r\n/g)).toHaveLength(total + 1);
    expect(lines[1]).toContain(`"'=cmd|"" /C calc""!A0"`);
    expect(reply.body).toContain('"Grüße, ""quoted""\nnext line"');
    // Oldest first.
    expect(lines[1]).toContain(new Date(start).toISOString());
    expect(lines[total]).toContain(new Date(start + (total - 1) * 1000).toISOString());
  });

  it('lists tags in CSV so that tags with spaces split back apart', async () => {
    const project = await ctx.newProject();
    const item = aResponse(project.surveyIds.nps, { score: 3 });
    await ctx.app.inject({
      method: 'POST',
      url: '/v1/responses',
      payload: { key: project.publicKey, responses: [item] },
    });
    const patch = await ctx.asKey(project.secretKey, {
      method: 'PATCH',
      url: `/v1/responses/${item.id}`,
      payload: { tags: ['needs call', 'billing'] },
    });
    expect(patch.statusCode, patch.body).toBe(200);
    const reply = await ctx.asKey(project.secretKey, { url: '/v1/responses/export?format=csv' });
    const row = reply.body.split('\r\n')[1]!;
    const cell = /,"([^"]*)",anonymous,false$/.exec(row)?.[1];
    expect(cell?.split(', ').sort(), row).toEqual(['billing', 'needs call']);
  });

  it('streams NDJSON with the list filters', async () => {
    const project = await ctx.newProject();
    await ctx.app.inject({
      method: 'POST',
      url: '/v1/responses',
      payload: {
        key: project.publicKey,
        responses: [
          aResponse(project.surveyIds.nps, { score: 2 }),
          aResponse(project.surveyIds.csat, { score: 5 }),
          aResponse(project.surveyIds.nps, { score: 10 }),
        ],
      },
    });
    const reply = await ctx.asKey(project.secretKey, {
      method: 'GET',
      url: '/v1/responses/export?format=ndjson&kind=nps&maxScore=6',
    });
    expect(reply.headers['content-type']).toBe('application/x-ndjson; charset=utf-8');
    const records = reply.body
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ kind: 'nps', score: 2, followUp: { status: expect.any(String) } });
  });

  it('refuses an unknown format and a missing key', async () => {
    const project = await ctx.newProject();
    const bad = await ctx.asKey(project.secretKey, {
      method: 'GET',
      url: '/v1/responses/export?format=xlsx',
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors[0].path).toBe('format');
    const anonymous = await ctx.app.inject({ method: 'GET', url: '/v1/responses/export' });
    expect(anonymous.statusCode).toBe(401);
  });
});
