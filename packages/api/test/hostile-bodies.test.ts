/**
 * Bodies an outsider holding the public key can send: deep nesting meant to burn CPU before the
 * key is checked, bytes that are not UTF-8, other charsets, and oversized batches. Each is refused
 * with a clear problem and nothing is stored; the largest valid batch still gets through.
 */
import { eq } from 'drizzle-orm';
import { describe, expect, it, vi } from 'vitest';
import { responses } from '../src/db/schema/index.ts';
import { nestsDeeperThan } from '../src/plugins/json-body.ts';
import { eventsBodyLimit, responsesBodyLimit } from '../src/plugins/widget-body-limits.ts';
import { aResponse, databaseTargets, type TestContext, useTestApp } from './helpers/app.ts';

const stored = (ctx: TestContext, projectId: string) =>
  ctx.database.db.select({ id: responses.id }).from(responses).where(eq(responses.projectId, projectId));

describe('the nesting scan', () => {
  it('counts brackets outside strings only', () => {
    expect(nestsDeeperThan('[[[]]]', 3)).toBe(false);
    expect(nestsDeeperThan('[[[[]]]]', 3)).toBe(true);
    expect(nestsDeeperThan(`{"a":"${'['.repeat(100)}"}`, 3)).toBe(false);
    expect(nestsDeeperThan(`{"a":"\\"${'['.repeat(100)}"}`, 3)).toBe(false);
    expect(nestsDeeperThan(`["\\\\",${'['.repeat(5)}`, 3)).toBe(true);
  });
});

describe.each(databaseTargets())('hostile bodies on $name', (target) => {
  const ctx = useTestApp(target);
  const post = (url: string, payload: string | Buffer, contentType = 'text/plain', secretKey?: string) =>
    ctx.app.inject({
      method: 'POST',
      url,
      headers: {
        'content-type': contentType,
        ...(secretKey ? { authorization: `Bearer ${secretKey}` } : {}),
      },
      payload,
    });

  it('refuses 400 000 nested arrays with 400 before parsing, on every JSON route', async () => {
    const project = await ctx.newProject();
    const bomb = `{"key":"${project.publicKey}","responses":${'['.repeat(400_000)}${']'.repeat(400_000)}}`;
    // The costly step is JSON.parse over the whole body: it must never see the bomb.
    const parse = vi.spyOn(JSON, 'parse');
    const parsedBomb = () =>
      parse.mock.calls.some(([text]) => typeof text === 'string' && text.length >= 800_000);
    for (const [url, contentType] of [
      ['/v1/responses', 'text/plain'],
      ['/v1/events', 'application/json'],
      ['/v1/auth/login', 'application/json'],
      ['/v1/surveys', 'application/json'],
    ] as const) {
      const reply = await post(url, bomb, contentType, url === '/v1/surveys' ? project.secretKey : undefined);
      expect(parsedBomb()).toBe(false);
      // The widget endpoints refuse it by size first; the others by depth.
      expect([400, 413]).toContain(reply.statusCode);
      expect(reply.headers['content-type']).toMatch(/^application\/problem\+json/);
    }
    parse.mockRestore();
    const deep = `{"key":"${project.publicKey}","responses":[${'['.repeat(40)}${']'.repeat(40)}]}`;
    const reply = await post('/v1/responses', deep);
    expect(reply.statusCode).toBe(400);
    expect(reply.json()).toMatchObject({
      code: 'invalid_json',
      detail: expect.stringContaining('32 levels'),
    });
    expect(await stored(ctx, project.projectId)).toHaveLength(0);
  });

  it('takes a body nested 32 levels deep to validation as usual', async () => {
    const project = await ctx.newProject();
    // key object (1) > responses array (2) > item (3) > respondent (4) > traits (5) … 27 more levels.
    const nested = `${'['.repeat(27)}${']'.repeat(27)}`;
    const body = `{"key":"${project.publicKey}","responses":[{"respondent":{"traits":{"x":${nested}}}}]}`;
    const reply = await post('/v1/responses', body);
    expect(reply.statusCode).toBe(400);
    expect(reply.json().code).toBe('invalid_request');
  });

  it('refuses bytes that are not UTF-8 with 400 instead of altering the text', async () => {
    const project = await ctx.newProject();
    const item = aResponse(project.surveyIds.nps, { comment: 'caf\u00e9' });
    const json = Buffer.from(JSON.stringify({ key: project.publicKey, responses: [item] }));
    // é as Latin-1 (0xE9) where UTF-8 needs 0xC3 0xA9.
    const latin1 = Buffer.from(json.toString('utf8').replace('caf\u00e9', 'caf\u0000'));
    latin1[latin1.indexOf(0)] = 0xe9;
    const reply = await post('/v1/responses', latin1);
    expect(reply.statusCode).toBe(400);
    expect(reply.json().detail).toBe('The request body is not valid UTF-8');
    expect(await stored(ctx, project.projectId)).toHaveLength(0);
    // The same text in UTF-8 is stored as sent.
    expect((await post('/v1/responses', json)).statusCode).toBe(202);
  });

  it('refuses a declared charset other than UTF-8 with 415, and takes utf-8 in any spelling', async () => {
    const project = await ctx.newProject();
    const body = () =>
      JSON.stringify({ key: project.publicKey, responses: [aResponse(project.surveyIds.nps)] });
    for (const contentType of ['text/plain; charset=ISO-8859-1', 'application/json; charset=utf-16']) {
      const reply = await post('/v1/responses', body(), contentType);
      expect(reply.statusCode).toBe(415);
      expect(reply.json().code).toBe('unsupported_media_type');
    }
    expect(await stored(ctx, project.projectId)).toHaveLength(0);
    for (const contentType of ['text/plain;charset=UTF-8', 'application/json; charset="utf-8"']) {
      expect((await post('/v1/responses', body(), contentType)).statusCode).toBe(202);
    }
  });

  it('takes the largest valid response, in three-byte characters, and refuses a body over the limit', async () => {
    const project = await ctx.newProject();
    const wide = (length: number) => '\u20ac'.repeat(length);
    const item = aResponse(project.surveyIds.nps, {
      comment: wide(5000),
      respondent: {
        externalId: wide(256),
        traits: Object.fromEntries(
          Array.from({ length: 50 }, (_, index) => [`${index}`.padEnd(100, '\u20ac'), wide(1000)]),
        ),
      },
      context: {
        url: `https://shop.example/${'a'.repeat(2000)}`,
        referrer: wide(2048),
        userAgent: wide(1000),
        locale: 'en',
      },
    });
    const largest = JSON.stringify({ key: project.publicKey, responses: [item] });
    expect(Buffer.byteLength(largest)).toBeGreaterThan(180_000);
    expect((await post('/v1/responses', largest)).statusCode).toBe(202);

    const over = JSON.stringify({
      key: project.publicKey,
      responses: [aResponse(project.surveyIds.nps, { comment: 'x'.repeat(responsesBodyLimit) })],
    });
    const refused = await post('/v1/responses', over);
    expect(refused.statusCode).toBe(413);
    expect(refused.json().detail).toBe(`The request body is larger than ${responsesBodyLimit} bytes`);
    expect(responsesBodyLimit).toBeLessThan(256 * 1024);
  });

  it('takes a full batch of events and refuses an events body over its much smaller limit', async () => {
    const project = await ctx.newProject();
    const events = Array.from({ length: 100 }, () => ({
      id: crypto.randomUUID(),
      surveyId: project.surveyIds.nps,
      type: 'dismissed',
      at: new Date().toISOString(),
    }));
    expect(
      (await post('/v1/events', JSON.stringify({ key: project.publicKey, events }), 'application/json'))
        .statusCode,
    ).toBe(202);
    const padded = JSON.stringify({ key: project.publicKey, events, pad: 'x'.repeat(eventsBodyLimit) });
    const refused = await post('/v1/events', padded, 'application/json');
    expect(refused.statusCode).toBe(413);
    expect(refused.json().detail).toBe(`The request body is larger than ${eventsBodyLimit} bytes`);
  });
});
