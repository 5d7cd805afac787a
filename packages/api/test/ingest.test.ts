import { limits } from '@closeloop/shared';
import { and, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { respondents, responses } from '../src/db/schema/index.ts';
import { anEvent, aResponse, databaseTargets, type TestContext, useTestApp } from './helpers/app.ts';

async function storedResponses(ctx: TestContext, projectId: string) {
  return ctx.database.db.select().from(responses).where(eq(responses.projectId, projectId));
}

describe.each(databaseTargets())('POST /v1/responses on $name', (target) => {
  const ctx = useTestApp(target);

  const post = (body: unknown, headers: Record<string, string> = {}) =>
    ctx.app.inject({
      method: 'POST',
      url: '/v1/responses',
      headers: { 'content-type': 'application/json', ...headers },
      payload: typeof body === 'string' ? body : JSON.stringify(body),
    });

  it('stores a text/plain batch and answers 202 with the accepted ids', async () => {
    const project = await ctx.newProject();
    const items = [
      aResponse(project.surveyIds.nps, { score: 0, comment: 'Too slow' }),
      aResponse(project.surveyIds.csat, { score: 5 }),
      aResponse(project.surveyIds.ces, {
        score: 7,
        respondent: { externalId: 'u-1', email: 'a@b.example', traits: { plan: 'pro' } },
      }),
    ];
    const reply = await post(
      { key: project.publicKey, responses: items },
      { 'content-type': 'text/plain;charset=UTF-8' },
    );
    expect(reply.statusCode).toBe(202);
    expect(reply.json()).toEqual({ accepted: items.map((item) => item.id) });
    const rows = await storedResponses(ctx, project.projectId);
    expect(rows).toHaveLength(3);
    const nps = rows.find((row) => row.id === items[0]!.id)!;
    expect(nps).toMatchObject({
      kind: 'nps',
      score: 0,
      comment: 'Too slow',
      url: 'https://shop.example/checkout',
      locale: 'en',
    });
    const [respondent] = await ctx.database.db
      .select()
      .from(respondents)
      .where(eq(respondents.projectId, project.projectId));
    expect(respondent).toMatchObject({ externalId: 'u-1', email: 'a@b.example', traits: { plan: 'pro' } });
  });

  it('lets the later item of a batch win for a respondent, whatever the ids', async () => {
    const project = await ctx.newProject();
    // Sent first, but with the larger id: storage order must not decide which values win.
    const first = aResponse(project.surveyIds.nps, {
      id: 'ffffffff-ffff-4fff-bfff-ffffffffffff',
      score: 9,
      respondent: { externalId: 'u-order', email: 'old@shop.example', traits: { plan: 'free', seats: 1 } },
    });
    const second = aResponse(project.surveyIds.csat, {
      id: '00000000-0000-4000-8000-000000000000',
      score: 4,
      respondent: { externalId: 'u-order', email: 'new@shop.example', traits: { plan: 'pro' } },
    });
    const reply = await post({ key: project.publicKey, responses: [first, second] });
    expect(reply.statusCode, reply.body).toBe(202);
    const [respondent] = await ctx.database.db
      .select()
      .from(respondents)
      .where(eq(respondents.projectId, project.projectId));
    expect(respondent).toMatchObject({
      externalId: 'u-order',
      email: 'new@shop.example',
      traits: { plan: 'pro', seats: 1 },
    });
  });

  it('never stores the same id twice, and a later send adds the comment', async () => {
    const project = await ctx.newProject();
    const item = aResponse(project.surveyIds.nps, { score: 3 });
    expect((await post({ key: project.publicKey, responses: [item] })).statusCode).toBe(202);
    expect((await post({ key: project.publicKey, responses: [item] })).statusCode).toBe(202);
    const withComment = await post({
      key: project.publicKey,
      responses: [{ ...item, comment: 'Checkout broke' }],
    });
    expect(withComment.statusCode).toBe(202);
    // A comment, once given, is not replaced by a later resend.
    await post({ key: project.publicKey, responses: [{ ...item, comment: 'Other' }] });
    const rows = await storedResponses(ctx, project.projectId);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ id: item.id, score: 3, comment: 'Checkout broke' });
  });

  it('refuses with 409, storing nothing, when an id comes back with another score', async () => {
    const project = await ctx.newProject();
    const item = aResponse(project.surveyIds.nps, { score: 3 });
    await post({ key: project.publicKey, responses: [item] });
    const fresh = aResponse(project.surveyIds.nps);
    const reply = await post({ key: project.publicKey, responses: [fresh, { ...item, score: 10 }] });
    expect(reply.statusCode).toBe(409);
    expect(reply.headers['content-type']).toContain('application/problem+json');
    expect(reply.json().errors).toEqual([{ path: 'responses.1.id', message: expect.any(String) }]);
    const rows = await storedResponses(ctx, project.projectId);
    expect(rows.map((row) => row.id)).toEqual([item.id]);
    expect(rows[0]!.score).toBe(3);
  });

  it('merges the same id twice in one batch', async () => {
    const project = await ctx.newProject();
    const item = aResponse(project.surveyIds.csat, { score: 2 });
    const reply = await post({
      key: project.publicKey,
      responses: [item, { ...item, comment: 'late comment' }],
    });
    expect(reply.statusCode).toBe(202);
    const rows = await storedResponses(ctx, project.projectId);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.comment).toBe('late comment');
  });

  it('stores 50 concurrent posts of the same id exactly once', async () => {
    const project = await ctx.newProject();
    const item = aResponse(project.surveyIds.nps, { score: 6, respondent: { externalId: 'same-user' } });
    const replies = await Promise.all(
      Array.from({ length: 50 }, () => post({ key: project.publicKey, responses: [item] })),
    );
    expect(replies.map((reply) => reply.statusCode)).toEqual(Array(50).fill(202));
    expect(await storedResponses(ctx, project.projectId)).toHaveLength(1);
    const people = await ctx.database.db
      .select()
      .from(respondents)
      .where(eq(respondents.projectId, project.projectId));
    expect(people).toHaveLength(1);
  });

  it('stores a response from a clock running a little ahead at the time it arrived', async () => {
    const project = await ctx.newProject();
    const item = aResponse(project.surveyIds.nps, {
      submittedAt: new Date(Date.now() + 4 * 60_000).toISOString(),
    });
    await post({ key: project.publicKey, responses: [item] });
    const [row] = await storedResponses(ctx, project.projectId);
    expect(row!.submittedAt.getTime()).toBeLessThanOrEqual(Date.now());
  });

  describe('bad input gets a problem and stores nothing', () => {
    const cases: [
      string,
      (p: Awaited<ReturnType<TestContext['newProject']>>) => unknown,
      number,
      string,
      string?,
    ][] = [
      ['malformed JSON', () => '{"key": "pk_', 400, 'invalid_json'],
      ['an empty body', () => '', 400, 'invalid_json'],
      [
        'a score of the wrong type',
        (p) => ({ key: p.publicKey, responses: [aResponse(p.surveyIds.nps, { score: 'ten' as never })] }),
        400,
        'invalid_request',
        'responses.0.score',
      ],
      [
        'an NPS score of 11',
        (p) => ({
          key: p.publicKey,
          responses: [aResponse(p.surveyIds.nps), aResponse(p.surveyIds.nps, { score: 11 })],
        }),
        400,
        'invalid_request',
        'responses.1.score',
      ],
      [
        'a CSAT score of 0',
        (p) => ({ key: p.publicKey, responses: [aResponse(p.surveyIds.csat, { score: 0 })] }),
        400,
        'invalid_request',
        'responses.0.score',
      ],
      [
        'a CES score of 8',
        (p) => ({ key: p.publicKey, responses: [aResponse(p.surveyIds.ces, { score: 8 })] }),
        400,
        'invalid_request',
        'responses.0.score',
      ],
      [
        'a fractional score',
        (p) => ({ key: p.publicKey, responses: [aResponse(p.surveyIds.nps, { score: 7.5 })] }),
        400,
        'invalid_request',
        'responses.0.score',
      ],
      [
        'an unknown survey',
        (p) => ({ key: p.publicKey, responses: [aResponse(crypto.randomUUID())] }),
        400,
        'invalid_request',
        'responses.0.surveyId',
      ],
      [
        'a comment over the limit',
        (p) => ({
          key: p.publicKey,
          responses: [aResponse(p.surveyIds.nps, { comment: 'x'.repeat(limits.maxCommentLength + 1) })],
        }),
        400,
        'invalid_request',
        'responses.0.comment',
      ],
      [
        'more than 100 items',
        (p) => ({
          key: p.publicKey,
          responses: Array.from({ length: 101 }, () => aResponse(p.surveyIds.nps)),
        }),
        400,
        'invalid_request',
        'responses',
      ],
      ['no items', (p) => ({ key: p.publicKey, responses: [] }), 400, 'invalid_request', 'responses'],
      [
        'an id that is not a UUID',
        (p) => ({ key: p.publicKey, responses: [aResponse(p.surveyIds.nps, { id: 'abc' })] }),
        400,
        'invalid_request',
        'responses.0.id',
      ],
      [
        'a context without url',
        (p) => ({ key: p.publicKey, responses: [aResponse(p.surveyIds.nps, { context: {} as never })] }),
        400,
        'invalid_request',
        'responses.0.context.url',
      ],
      [
        'a bad submittedAt',
        (p) => ({ key: p.publicKey, responses: [aResponse(p.surveyIds.nps, { submittedAt: 'yesterday' })] }),
        400,
        'invalid_request',
        'responses.0.submittedAt',
      ],
      ['a missing key', (p) => ({ responses: [aResponse(p.surveyIds.nps)] }), 401, 'missing_key'],
      [
        'an unknown key',
        (p) => ({ key: 'pk_doesnotexist', responses: [aResponse(p.surveyIds.nps)] }),
        401,
        'invalid_key',
      ],
      [
        'a secret key instead of the public key',
        (p) => ({ key: p.secretKey, responses: [aResponse(p.surveyIds.nps)] }),
        401,
        'invalid_key',
      ],
    ];

    it.each(cases)('%s', async (_name, makeBody, status, code, path) => {
      const project = await ctx.newProject();
      const reply = await post(makeBody(project));
      expect(reply.statusCode).toBe(status);
      expect(reply.headers['content-type']).toContain('application/problem+json');
      const problem = reply.json();
      expect(problem).toMatchObject({ status, code, requestId: reply.headers['x-request-id'] });
      expect(problem.detail).toEqual(expect.any(String));
      if (path) expect(problem.errors.map((error: { path: string }) => error.path)).toContain(path);
      expect(await storedResponses(ctx, project.projectId)).toHaveLength(0);
    });

    it('a survey of another project', async () => {
      const project = await ctx.newProject();
      const other = await ctx.newProject();
      const reply = await post({
        key: project.publicKey,
        responses: [aResponse(project.surveyIds.nps), aResponse(other.surveyIds.nps)],
      });
      expect(reply.statusCode).toBe(400);
      expect(reply.json().errors).toEqual([{ path: 'responses.1.surveyId', message: expect.any(String) }]);
      expect(await storedResponses(ctx, project.projectId)).toHaveLength(0);
      expect(await storedResponses(ctx, other.projectId)).toHaveLength(0);
    });

    it('a deleted survey', async () => {
      const project = await ctx.newProject();
      await ctx.asKey(project.secretKey, { method: 'DELETE', url: `/v1/surveys/${project.surveyIds.nps}` });
      const reply = await post({ key: project.publicKey, responses: [aResponse(project.surveyIds.nps)] });
      expect(reply.statusCode).toBe(400);
      expect(await storedResponses(ctx, project.projectId)).toHaveLength(0);
    });

    it('a body over the size limit (413)', async () => {
      const project = await ctx.newProject();
      const reply = await post(
        `{"key":"${project.publicKey}","responses":[],"pad":"${'x'.repeat(limits.maxIngestBodyBytes)}"}`,
      );
      expect(reply.statusCode).toBe(413);
      expect(reply.json()).toMatchObject({ code: 'payload_too_large', status: 413 });
    });

    it('an unsupported content type (415)', async () => {
      const project = await ctx.newProject();
      const reply = await post(
        { key: project.publicKey, responses: [aResponse(project.surveyIds.nps)] },
        { 'content-type': 'application/xml' },
      );
      expect(reply.statusCode).toBe(415);
      expect(reply.json().code).toBe('unsupported_media_type');
      expect(await storedResponses(ctx, project.projectId)).toHaveLength(0);
    });
  });

  describe('origins', () => {
    it('refuses an Origin outside the allowlist with 403 and stores nothing', async () => {
      const project = await ctx.newProject({ allowedOrigins: ['https://shop.example'] });
      const reply = await post(
        { key: project.publicKey, responses: [aResponse(project.surveyIds.nps)] },
        { origin: 'https://evil.example', 'content-type': 'text/plain' },
      );
      expect(reply.statusCode).toBe(403);
      expect(reply.json().code).toBe('origin_not_allowed');
      // Readable by the widget, so it stops retrying.
      expect(reply.headers['access-control-allow-origin']).toBe('https://evil.example');
      expect(await storedResponses(ctx, project.projectId)).toHaveLength(0);
    });

    it('accepts an allowed Origin and a request without Origin (server to server)', async () => {
      const project = await ctx.newProject({ allowedOrigins: ['https://shop.example'] });
      const allowed = await post(
        { key: project.publicKey, responses: [aResponse(project.surveyIds.nps)] },
        { origin: 'https://shop.example' },
      );
      expect(allowed.statusCode).toBe(202);
      expect(allowed.headers['access-control-allow-origin']).toBe('https://shop.example');
      // The widget reads Retry-After across origins.
      expect(String(allowed.headers['access-control-expose-headers'])).toContain('retry-after');
      const serverSide = await post({
        key: project.publicKey,
        responses: [aResponse(project.surveyIds.nps)],
      });
      expect(serverSide.statusCode).toBe(202);
      expect(await storedResponses(ctx, project.projectId)).toHaveLength(2);
    });

    it('answers a preflight for an allowed origin', async () => {
      const reply = await ctx.app.inject({
        method: 'OPTIONS',
        url: '/v1/responses',
        headers: {
          origin: 'https://shop.example',
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'content-type',
        },
      });
      expect(reply.statusCode).toBe(204);
      expect(reply.headers['access-control-allow-origin']).toBe('https://shop.example');
      expect(String(reply.headers['access-control-allow-methods'])).toContain('POST');
    });
  });
});

describe.each(databaseTargets())('POST /v1/events on $name', (target) => {
  const ctx = useTestApp(target);

  it('stores shown and dismissed events once', async () => {
    const project = await ctx.newProject();
    const events = [anEvent(project.surveyIds.nps), anEvent(project.surveyIds.nps, { type: 'dismissed' })];
    for (let i = 0; i < 2; i++) {
      const reply = await ctx.app.inject({
        method: 'POST',
        url: '/v1/events',
        headers: { 'content-type': 'text/plain' },
        payload: JSON.stringify({ key: project.publicKey, events }),
      });
      expect(reply.statusCode).toBe(202);
      expect(reply.json().accepted).toEqual(events.map((event) => event.id));
    }
    const { events: table } = await import('../src/db/schema/index.ts');
    const rows = await ctx.database.db
      .select()
      .from(table)
      .where(and(eq(table.projectId, project.projectId)));
    expect(rows.map((row) => row.type).sort()).toEqual(['dismissed', 'shown']);
  });

  it('refuses an unknown type and a foreign survey', async () => {
    const project = await ctx.newProject();
    const other = await ctx.newProject();
    const badType = await ctx.sendEvents(project, [anEvent(project.surveyIds.nps, { type: 'clicked' })]);
    expect(badType.statusCode).toBe(400);
    expect(badType.json().errors[0].path).toBe('events.0.type');
    const foreign = await ctx.sendEvents(project, [anEvent(other.surveyIds.nps)]);
    expect(foreign.statusCode).toBe(400);
    expect(foreign.json().errors[0].path).toBe('events.0.surveyId');
  });
});
