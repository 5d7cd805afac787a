/** GET /v1/inbox/events: live inbox updates over a real socket (a stream inject cannot end). */
import { staffRoles } from '@closeloop/shared';
import { beforeAll, describe, expect, it } from 'vitest';
import { aResponse, databaseTargets, useTestApp } from './helpers/app.ts';
import { signIn } from './helpers/staff.ts';

/** Opens the stream and reads it; `next(text)` resolves once the stream has carried `text`. */
async function openStream(url: string, headers: Record<string, string>) {
  const controller = new AbortController();
  const response = await fetch(url, { headers, signal: controller.signal });
  let received = '';
  const waiting: { text: string; resolve: () => void }[] = [];
  if (response.ok && response.body) {
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    void (async () => {
      try {
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          received += value;
          for (const wait of waiting.filter((item) => received.includes(item.text))) wait.resolve();
        }
      } catch {
        // aborted
      }
    })();
  }
  return {
    response,
    received: () => received,
    next: (text: string) =>
      received.includes(text)
        ? Promise.resolve()
        : new Promise<void>((resolve, reject) => {
            waiting.push({ text, resolve });
            setTimeout(() => reject(new Error(`no "${text}" in: ${received}`)), 10_000);
          }),
    close: () => controller.abort(),
  };
}

describe.each(databaseTargets())('the inbox event stream on $name', (target) => {
  const ctx = useTestApp(target);
  let base: string;
  beforeAll(async () => {
    await ctx.app.listen({ host: '127.0.0.1', port: 0 });
    const address = ctx.app.server.address();
    base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  });

  it('tells staff of the project about new responses and follow-up changes, ids only', async () => {
    const project = await ctx.newProject();
    const other = await ctx.newProject();
    const viewer = await signIn(ctx, project.projectId, 'viewer');
    const stream = await openStream(`${base}/v1/inbox/events`, { cookie: viewer.cookie });
    expect(stream.response.status).toBe(200);
    expect(stream.response.headers.get('content-type')).toContain('text/event-stream');
    await stream.next(': connected');

    // Another project's response is not heard.
    const theirs = aResponse(other.surveyIds.nps, { score: 1, comment: 'Secret of another project' });
    await ctx.app.inject({
      method: 'POST',
      url: '/v1/responses',
      payload: { key: other.publicKey, responses: [theirs] },
    });
    const item = aResponse(project.surveyIds.nps, { score: 2, comment: 'Checkout broke' });
    await ctx.app.inject({
      method: 'POST',
      url: '/v1/responses',
      payload: { key: project.publicKey, responses: [item] },
    });
    await stream.next(item.id);
    expect(stream.received()).toContain(
      `event: created\ndata: {"type":"created","responseIds":["${item.id}"]}`,
    );

    await ctx.asKey(project.secretKey, {
      method: 'PATCH',
      url: `/v1/responses/${item.id}`,
      payload: { status: 'resolved' },
    });
    await stream.next('event: updated');
    expect(stream.received()).not.toContain(theirs.id);
    expect(stream.received()).not.toContain('Checkout broke');
    stream.close();
  });

  it('is open to every staff role and to secret keys, and refused without credentials', async () => {
    const project = await ctx.newProject();
    for (const role of staffRoles) {
      const session = await signIn(ctx, project.projectId, role);
      const stream = await openStream(`${base}/v1/inbox/events`, { cookie: session.cookie });
      expect(stream.response.status, role).toBe(200);
      stream.close();
    }
    const withKey = await openStream(`${base}/v1/inbox/events`, {
      authorization: `Bearer ${project.secretKey}`,
    });
    expect(withKey.response.status).toBe(200);
    withKey.close();
    const anonymous = await fetch(`${base}/v1/inbox/events`);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('content-type')).toContain('application/problem+json');
  });

  it('ends open streams when the server shuts down', async () => {
    const project = await ctx.newProject();
    const stream = await openStream(`${base}/v1/inbox/events`, {
      authorization: `Bearer ${project.secretKey}`,
    });
    await stream.next(': connected');
    const started = Date.now();
    await ctx.app.close();
    expect(Date.now() - started).toBeLessThan(5_000);
  });
});
