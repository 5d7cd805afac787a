/**
 * Inputs at the edges of what JSON, HTTP and Postgres allow: each is refused with a clear problem
 * (and nothing stored) or handled, never answered with a 500.
 */
import { and, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { events, responses } from '../src/db/schema/index.ts';
import { aResponse, databaseTargets, type TestContext, type TestProject, useTestApp } from './helpers/app.ts';

const stored = (ctx: TestContext, projectId: string) =>
  ctx.database.db.select().from(responses).where(eq(responses.projectId, projectId));

describe.each(databaseTargets())('input edges on $name', (target) => {
  const ctx = useTestApp(target);
  const post = (url: string, body: unknown, headers: Record<string, string> = {}) =>
    ctx.app.inject({
      method: 'POST',
      url,
      headers: { 'content-type': 'text/plain', ...headers },
      payload: typeof body === 'string' ? body : JSON.stringify(body),
    });
  const send = (project: TestProject, items: unknown[]) => ctx.sendResponses(project, items);

  describe('the NUL character, which Postgres cannot store', () => {
    it.each([
      [
        'a comment',
        (p: TestProject) => aResponse(p.surveyIds.nps, { comment: 'a\u0000b' }),
        'responses.0.comment',
      ],
      [
        'an external id',
        (p: TestProject) => aResponse(p.surveyIds.nps, { respondent: { externalId: 'u\u0000' } }),
        'responses.0.respondent.externalId',
      ],
      [
        'a trait key',
        (p: TestProject) => aResponse(p.surveyIds.nps, { respondent: { traits: { 'pl\u0000an': 'pro' } } }),
        'responses.0.respondent.traits.pl\\u0000an',
      ],
    ])('in %s is refused with its path and nothing is stored', async (_name, item, path) => {
      const project = await ctx.newProject();
      const reply = await send(project, [item(project)]);
      expect(reply.statusCode).toBe(400);
      expect(reply.headers['content-type']).toContain('application/problem+json');
      expect(reply.json().errors).toEqual([{ path, message: expect.stringContaining('NUL') }]);
      expect(await stored(ctx, project.projectId)).toHaveLength(0);
    });

    it('an unpaired surrogate in a trait or a comment is refused the same way', async () => {
      const project = await ctx.newProject();
      for (const [body, path] of [
        [`{"plan":"\\ud800"}`, 'responses.0.respondent.traits.plan'],
        [`{"\\udfff":"x"}`, 'responses.0.respondent.traits.\\udfff'],
      ] as const) {
        const item = JSON.stringify(aResponse(project.surveyIds.nps)).replace(
          /}$/,
          `,"respondent":{"traits":${body}}}`,
        );
        const reply = await post('/v1/responses', `{"key":"${project.publicKey}","responses":[${item}]}`);
        expect(reply.statusCode).toBe(400);
        expect(reply.json().errors).toEqual([{ path, message: expect.stringContaining('surrogate') }]);
      }
      const comment = JSON.stringify(aResponse(project.surveyIds.nps)).replace(
        /}$/,
        ',"comment":"ok \\ud83d"}',
      );
      const reply = await post('/v1/responses', `{"key":"${project.publicKey}","responses":[${comment}]}`);
      expect(reply.json().errors[0].path).toBe('responses.0.comment');
      // A well-formed pair (an emoji) is fine.
      expect((await send(project, [aResponse(project.surveyIds.nps, { comment: 'ok 👍' })])).statusCode).toBe(
        202,
      );
      expect(await stored(ctx, project.projectId)).toHaveLength(1);
    });

    it('in a query string or a survey name is refused', async () => {
      const project = await ctx.newProject();
      const search = await ctx.asKey(project.secretKey, { url: '/v1/responses?q=a%00b' });
      expect(search.statusCode).toBe(400);
      expect(search.json().errors[0].path).toBe('(url)');
      const survey = await ctx.asKey(project.secretKey, {
        method: 'PATCH',
        url: `/v1/surveys/${project.surveyIds.nps}`,
        payload: { name: 'N\u0000PS' },
      });
      expect(survey.statusCode).toBe(400);
      expect(survey.json().errors[0].path).toBe('name');
    });
  });

  describe('timestamps outside 1970–9999', () => {
    it.each(['0000-01-01T00:00:00Z', '0001-01-01T00:00:00Z', '1969-12-31T23:59:59Z'])(
      'submittedAt %s is refused and nothing is stored',
      async (submittedAt) => {
        const project = await ctx.newProject();
        const reply = await send(project, [aResponse(project.surveyIds.nps, { submittedAt })]);
        expect(reply.statusCode).toBe(400);
        expect(reply.json().errors[0].path).toBe('responses.0.submittedAt');
        expect(await stored(ctx, project.projectId)).toHaveLength(0);
      },
    );

    it('in list filters, metrics ranges and cursors is a 400, never a 500', async () => {
      const project = await ctx.newProject();
      for (const url of [
        '/v1/responses?from=0000-01-01T00:00:00Z',
        '/v1/responses?to=0001-01-01T00:00:00Z',
        `/v1/metrics?kind=nps&from=0001-01-01T00:00:00Z&to=0001-02-01T00:00:00Z`,
        `/v1/responses?cursor=${Buffer.from(JSON.stringify(['0001-01-01T00:00:00Z', crypto.randomUUID()])).toString('base64url')}`,
        `/v1/responses?cursor=${Buffer.from(JSON.stringify(['+275760-09-13T00:00:00.000Z', crypto.randomUUID()])).toString('base64url')}`,
      ]) {
        const reply = await ctx.asKey(project.secretKey, { url });
        expect(reply.statusCode, url).toBe(400);
      }
    });
  });

  describe('ids in any letter case', () => {
    it('merges the same id sent in two cases into one response', async () => {
      const project = await ctx.newProject();
      const item = aResponse(project.surveyIds.nps, { score: 4 });
      const reply = await send(project, [item, { ...item, id: item.id.toUpperCase(), comment: 'Slow' }]);
      expect(reply.statusCode).toBe(202);
      expect(reply.json().accepted).toEqual([item.id]);
      const rows = await stored(ctx, project.projectId);
      expect(rows.map((row) => [row.id, row.comment])).toEqual([[item.id, 'Slow']]);
    });

    it('finds a survey named in upper case', async () => {
      const project = await ctx.newProject();
      const reply = await send(project, [aResponse(project.surveyIds.nps.toUpperCase())]);
      expect(reply.statusCode).toBe(202);
      expect((await stored(ctx, project.projectId))[0]?.surveyId).toBe(project.surveyIds.nps);
    });
  });

  it('overlapping batches sent at once in different orders all succeed, one row per id', async () => {
    const project = await ctx.newProject();
    for (let round = 0; round < 5; round++) {
      // Respondents too: known only by traits, by external id, or none.
      const items = Array.from({ length: 20 }, (_, index) =>
        aResponse(project.surveyIds.nps, {
          score: 5,
          ...(index % 3 === 0 ? { respondent: { traits: { index } } } : {}),
          ...(index % 3 === 1 ? { respondent: { externalId: `u-${index % 4}`, traits: { index } } } : {}),
        }),
      );
      const shuffled = [...items].sort(() => Math.random() - 0.5);
      const replies = await Promise.all(
        [items, [...items].reverse(), shuffled].map((batch) => send(project, batch)),
      );
      expect(replies.map((reply) => reply.statusCode)).toEqual([202, 202, 202]);
      // Accepted in the order sent.
      expect(replies[1]!.json().accepted).toEqual([...items].reverse().map((item) => item.id));
    }
    expect(await stored(ctx, project.projectId)).toHaveLength(100);
  });

  it('a blank comment does not block the comment a later send adds', async () => {
    const project = await ctx.newProject();
    const item = aResponse(project.surveyIds.nps, { comment: '  ' });
    expect((await send(project, [item])).statusCode).toBe(202);
    expect((await stored(ctx, project.projectId))[0]?.comment).toBeNull();
    expect((await send(project, [{ ...item, comment: 'Checkout failed' }])).statusCode).toBe(202);
    expect((await stored(ctx, project.projectId))[0]?.comment).toBe('Checkout failed');
  });

  describe('the public key is checked before the body', () => {
    it.each([
      ['/v1/responses', 'missing', {}, 401, 'missing_key'],
      ['/v1/responses', 'a secret key', { key: 'sk_abc' }, 401, 'invalid_key'],
      ['/v1/events', 'missing', {}, 401, 'missing_key'],
      ['/v1/events', 'a number', { key: 42 }, 401, 'missing_key'],
    ])('%s: key %s → %i %s', async (url, _name, body, status, code) => {
      const reply = await post(url, { ...body, responses: [{}], events: [{}] });
      expect(reply.statusCode).toBe(status);
      expect(reply.json().code).toBe(code);
    });

    it('a body that is not an object is still a 400', async () => {
      const reply = await post('/v1/responses', '[]');
      expect(reply.statusCode).toBe(400);
      expect(reply.json().code).toBe('invalid_request');
    });

    it('events without a valid key store nothing', async () => {
      const project = await ctx.newProject();
      const event = {
        id: crypto.randomUUID(),
        surveyId: project.surveyIds.nps,
        type: 'shown',
        at: new Date().toISOString(),
      };
      expect((await post('/v1/events', { events: [event] })).statusCode).toBe(401);
      const rows = await ctx.database.db
        .select()
        .from(events)
        .where(and(eq(events.projectId, project.projectId)));
      expect(rows).toHaveLength(0);
    });
  });

  describe('malformed HTTP', () => {
    it('answers a malformed path with problem+json and a request id', async () => {
      const reply = await ctx.app.inject({ url: '/v1/surveys/%E0%A4%A' });
      expect(reply.statusCode).toBe(400);
      expect(reply.headers['content-type']).toContain('application/problem+json');
      expect(reply.headers['x-request-id']).toBe(reply.json().requestId);
    });

    it('names the reason for JSON it cannot parse and for a __proto__ key', async () => {
      const broken = await post('/v1/responses', '{"key": "pk_x", ');
      expect(broken.statusCode).toBe(400);
      expect(broken.json().code).toBe('invalid_json');
      expect(broken.json().detail).toMatch(/^The request body is not valid JSON: .+/);
      const poisoned = await post('/v1/responses', '{"key":"pk_x","__proto__":{"admin":true}}');
      expect(poisoned.statusCode).toBe(400);
      expect(poisoned.json().errors[0].message).toContain('__proto__');
    });

    it('says which content types it takes', async () => {
      const reply = await post('/v1/responses', 'a=b', {
        'content-type': 'application/x-www-form-urlencoded',
      });
      expect(reply.statusCode).toBe(415);
      expect(reply.json().detail).toContain('application/json');
    });

    it('takes text/plain only on the widget endpoints, not on management changes', async () => {
      const project = await ctx.newProject();
      const reply = await ctx.asKey(project.secretKey, {
        method: 'POST',
        url: '/v1/surveys',
        headers: { 'content-type': 'text/plain' },
        payload: JSON.stringify({ name: 'Plain', kind: 'nps', texts: { en: { question: 'Q?' } } }),
      });
      expect(reply.statusCode).toBe(415);
      expect(reply.headers['content-type']).toContain('application/problem+json');
      const list = await ctx.asKey(project.secretKey, { url: '/v1/surveys' });
      expect(list.json().data.map((survey: { name: string }) => survey.name)).not.toContain('Plain');
    });

    it('treats an empty query value as not given', async () => {
      const project = await ctx.newProject();
      await send(project, [aResponse(project.surveyIds.nps, { score: 9 })]);
      const reply = await ctx.asKey(project.secretKey, { url: '/v1/responses?maxScore=&minScore=&q=' });
      expect(reply.statusCode).toBe(200);
      expect(reply.json().data).toHaveLength(1);
    });
  });

  it('filters the list and the export by whether a response has a comment', async () => {
    const project = await ctx.newProject();
    const withComment = aResponse(project.surveyIds.nps, { comment: 'Great' });
    const without = aResponse(project.surveyIds.nps);
    await send(project, [withComment, without]);
    const ids = async (url: string) =>
      (await ctx.asKey(project.secretKey, { url })).json().data.map((row: { id: string }) => row.id);
    expect(await ids('/v1/responses?hasComment=true')).toEqual([withComment.id]);
    expect(await ids('/v1/responses?hasComment=false')).toEqual([without.id]);
    const csv = await ctx.asKey(project.secretKey, {
      url: '/v1/responses/export?format=ndjson&hasComment=true',
    });
    expect(
      csv.body
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line).id),
    ).toEqual([withComment.id]);
    expect((await ctx.asKey(project.secretKey, { url: '/v1/responses?hasComment=yes' })).statusCode).toBe(
      400,
    );
  });

  describe('widget config ETag', () => {
    it('answers 304 to a weak, listed or * If-None-Match, without a body', async () => {
      const project = await ctx.newProject();
      const url = `/v1/widget/config?key=${project.publicKey}`;
      const etag = String((await ctx.app.inject({ url })).headers.etag);
      for (const header of [etag, `W/${etag}`, `"other", ${etag}`, '*']) {
        const reply = await ctx.app.inject({ url, headers: { 'if-none-match': header } });
        expect(reply.statusCode, header).toBe(304);
        expect(reply.body).toBe('');
        expect(reply.headers['content-length']).toBeUndefined();
      }
      expect((await ctx.app.inject({ url, headers: { 'if-none-match': '"other"' } })).statusCode).toBe(200);
    });
  });

  describe('survey PATCH', () => {
    it('changes only the targeting and recontact fields sent', async () => {
      const project = await ctx.newProject();
      const url = `/v1/surveys/${project.surveyIds.nps}`;
      const set = await ctx.asKey(project.secretKey, {
        method: 'PATCH',
        url,
        payload: {
          targeting: {
            urlInclude: ['https://shop.example/checkout*'],
            delaySeconds: 30,
            onEvent: 'purchase',
          },
          recontact: { showOnce: true, afterDays: 30 },
        },
      });
      expect(set.statusCode).toBe(200);
      const reply = await ctx.asKey(project.secretKey, {
        method: 'PATCH',
        url,
        payload: { targeting: { samplePercent: 10 }, recontact: { afterDays: 5 } },
      });
      expect(reply.statusCode).toBe(200);
      expect(reply.json().targeting).toEqual({
        urlInclude: ['https://shop.example/checkout*'],
        urlExclude: [],
        delaySeconds: 30,
        onEvent: 'purchase',
        samplePercent: 10,
      });
      expect(reply.json().recontact).toEqual({ showOnce: true, afterDays: 5 });
    });

    it('refuses an unknown targeting field', async () => {
      const project = await ctx.newProject();
      const reply = await ctx.asKey(project.secretKey, {
        method: 'PATCH',
        url: `/v1/surveys/${project.surveyIds.nps}`,
        payload: { targeting: { everywhere: true } },
      });
      expect(reply.statusCode).toBe(400);
    });
  });
});
