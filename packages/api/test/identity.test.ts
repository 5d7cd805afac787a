import { createHmac } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { createProject } from '../src/services/projects.ts';
import { aResponse, databaseTargets, type TestProject, useTestApp } from './helpers/app.ts';

/** What a site's backend does: lowercase hex HMAC-SHA256, keyed with the whole idsec_… string. */
const sign = (secret: string, externalId: string) =>
  createHmac('sha256', secret).update(externalId).digest('hex');

describe.each(databaseTargets())('verified identities on $name', (target) => {
  const ctx = useTestApp(target);
  let project: TestProject;
  let secret: string;

  const send = (p: TestProject, responses: object[]) => ctx.sendResponses(p, responses);
  const respondent = (p: TestProject, externalId: string) =>
    ctx.asKey(p.secretKey, { method: 'GET', url: `/v1/respondents/${encodeURIComponent(externalId)}` });
  const response = (p: TestProject, id: string) =>
    ctx.asKey(p.secretKey, { method: 'GET', url: `/v1/responses/${id}` });
  const newSecret = async (p: TestProject) =>
    (await ctx.asKey(p.secretKey, { method: 'POST', url: '/v1/project/identity-secret' })).json()
      .secret as string;

  beforeAll(async () => {
    project = await ctx.newProject({ identityVerification: 'required' });
    secret = await newSecret(project);
  });

  it('makes an idsec_ secret, shown once, and says only that one exists', async () => {
    expect(secret).toMatch(/^idsec_[0-9A-Za-z]{40}$/);
    const settings = await ctx.asKey(project.secretKey, { method: 'GET', url: '/v1/project' });
    expect(settings.json()).toMatchObject({ identityVerification: 'required', hasIdentitySecret: true });
    expect(settings.body).not.toContain(secret);
  });

  it('merges a verified identity into its respondent and marks it verified', async () => {
    const item = aResponse(project.surveyIds.nps, {
      respondent: {
        externalId: 'cust-1',
        email: 'customer@shop.example',
        traits: { plan: 'pro' },
        signature: sign(secret, 'cust-1'),
      },
    });
    expect((await send(project, [item])).statusCode).toBe(202);
    const stored = await respondent(project, 'cust-1');
    expect(stored.statusCode).toBe(200);
    expect(stored.json()).toMatchObject({
      externalId: 'cust-1',
      email: 'customer@shop.example',
      traits: { plan: 'pro' },
      verified: true,
    });
    expect((await response(project, item.id)).json()).toMatchObject({
      identity: 'verified',
      claimedRespondent: null,
      respondent: { externalId: 'cust-1', email: 'customer@shop.example', verified: true },
    });
  });

  it('identity takeover: an unsigned or wrongly signed claim never changes the stored email or traits', async () => {
    const signed = aResponse(project.surveyIds.nps, {
      respondent: {
        externalId: 'cust-2',
        email: 'real@shop.example',
        traits: { plan: 'pro' },
        signature: sign(secret, 'cust-2'),
      },
    });
    expect((await send(project, [signed])).statusCode).toBe(202);
    // The attacker copies the customer's id from the page and sends their own address.
    const attacks = [
      { externalId: 'cust-2', email: 'attacker@evil.example', traits: { plan: 'free' } },
      { externalId: 'cust-2', email: 'attacker@evil.example', signature: 'f'.repeat(64) },
      { externalId: 'cust-2', email: 'attacker@evil.example', signature: sign(secret, 'cust-3') },
      { externalId: 'cust-2', email: 'attacker@evil.example', signature: 'not hex' },
    ];
    for (const claim of attacks) {
      const forged = aResponse(project.surveyIds.nps, { respondent: claim });
      const reply = await send(project, [forged]);
      expect(reply.statusCode, reply.body).toBe(202); // nothing lost
      const record = (await response(project, forged.id)).json();
      expect(record).toMatchObject({
        identity: 'unverified',
        respondent: null,
        claimedRespondent: { externalId: 'cust-2', email: 'attacker@evil.example' },
      });
      expect(record.claimedRespondent).not.toHaveProperty('signature');
    }
    expect((await respondent(project, 'cust-2')).json()).toMatchObject({
      email: 'real@shop.example',
      traits: { plan: 'pro' },
      verified: true,
    });
  });

  it('keeps an unsigned claim beside a signed one of the same batch out of the respondent', async () => {
    const claim = aResponse(project.surveyIds.nps, {
      respondent: { externalId: 'cust-batch', email: 'attacker@evil.example' },
    });
    const signed = aResponse(project.surveyIds.csat, {
      score: 5,
      respondent: {
        externalId: 'cust-batch',
        email: 'real@shop.example',
        signature: sign(secret, 'cust-batch'),
      },
    });
    expect((await send(project, [signed, claim])).statusCode).toBe(202);
    expect((await respondent(project, 'cust-batch')).json().email).toBe('real@shop.example');
    expect((await response(project, claim.id)).json().identity).toBe('unverified');
  });

  it('under "required", an unsigned identity creates no respondent and is kept on its response', async () => {
    const item = aResponse(project.surveyIds.nps, {
      respondent: { externalId: 'never-signed', email: 'x@shop.example', traits: { a: 1 } },
    });
    expect((await send(project, [item])).statusCode).toBe(202);
    // No stored respondent: a privacy export shows only the claim, on its response.
    const claimed = await respondent(project, 'never-signed');
    expect(claimed.json()).toMatchObject({ id: null, verified: false, traits: {} });
    expect(claimed.json().responses.map((r: { id: string }) => r.id)).toEqual([item.id]);
    expect((await response(project, item.id)).json()).toMatchObject({
      identity: 'unverified',
      claimedRespondent: { externalId: 'never-signed', email: 'x@shop.example', traits: { a: 1 } },
    });
  });

  it('reads responses without identity as anonymous', async () => {
    const item = aResponse(project.surveyIds.nps);
    const traitsOnly = aResponse(project.surveyIds.nps, { respondent: { traits: { plan: 'pro' } } });
    expect((await send(project, [item, traitsOnly])).statusCode).toBe(202);
    expect((await response(project, item.id)).json()).toMatchObject({
      identity: 'anonymous',
      respondent: null,
      claimedRespondent: null,
    });
    expect((await response(project, traitsOnly.id)).json().identity).toBe('anonymous');
  });

  it('a rotated secret stops verifying at once', async () => {
    const p = await ctx.newProject({ identityVerification: 'required' });
    const old = await newSecret(p);
    const fresh = await newSecret(p);
    expect(fresh).not.toBe(old);
    const withOld = aResponse(p.surveyIds.nps, {
      respondent: { externalId: 'cust-r', email: 'a@shop.example', signature: sign(old, 'cust-r') },
    });
    await send(p, [withOld]);
    expect((await response(p, withOld.id)).json().identity).toBe('unverified');
    const withNew = aResponse(p.surveyIds.nps, {
      respondent: { externalId: 'cust-r', email: 'a@shop.example', signature: sign(fresh, 'cust-r') },
    });
    await send(p, [withNew]);
    expect((await response(p, withNew.id)).json().identity).toBe('verified');
  });

  it('under "off", unsigned identities merge until the respondent is verified, and never after', async () => {
    const p = await ctx.newProject({ identityVerification: 'off' });
    const s = await newSecret(p);
    const first = aResponse(p.surveyIds.nps, { respondent: { externalId: 'u1', email: 'one@shop.example' } });
    await send(p, [first]);
    expect((await respondent(p, 'u1')).json()).toMatchObject({ email: 'one@shop.example', verified: false });
    expect((await response(p, first.id)).json()).toMatchObject({
      identity: 'unverified',
      respondent: { externalId: 'u1' },
    });
    await send(p, [
      aResponse(p.surveyIds.nps, {
        respondent: { externalId: 'u1', email: 'two@shop.example', signature: sign(s, 'u1') },
      }),
    ]);
    expect((await respondent(p, 'u1')).json()).toMatchObject({ email: 'two@shop.example', verified: true });
    const later = aResponse(p.surveyIds.nps, {
      respondent: { externalId: 'u1', email: 'evil@evil.example' },
    });
    await send(p, [later]);
    expect((await respondent(p, 'u1')).json().email).toBe('two@shop.example');
    expect((await response(p, later.id)).json()).toMatchObject({
      identity: 'unverified',
      respondent: null,
      claimedRespondent: { email: 'evil@evil.example' },
    });
  });

  it('switches verification with PATCH /v1/project; new projects require it, the demo does not', async () => {
    const created = await createProject(ctx.database.db, { name: 'Fresh' });
    expect(created.project.identityVerification).toBe('required');
    const demo = await createProject(ctx.database.db, { name: 'Demo', isDemo: true });
    expect(demo.project.identityVerification).toBe('off');
    const patched = await ctx.asKey(created.secretKey, {
      method: 'PATCH',
      url: '/v1/project',
      payload: { identityVerification: 'off' },
    });
    expect(patched.json().identityVerification).toBe('off');
    const bad = await ctx.asKey(created.secretKey, {
      method: 'PATCH',
      url: '/v1/project',
      payload: { identityVerification: 'sometimes' },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors[0].path).toBe('identityVerification');
  });

  it('answers 404 for a respondent it does not know, and never another project’s', async () => {
    expect((await respondent(project, 'nobody')).statusCode).toBe(404);
    const other = await ctx.newProject();
    expect((await respondent(other, 'cust-1')).statusCode).toBe(404);
  });
});

describe.each(databaseTargets())('submittedAt bounds on $name', (target) => {
  const ctx = useTestApp(target);

  it('backdating: refuses answers over 7 days old or over 5 minutes ahead, naming the item', async () => {
    const p = await ctx.newProject();
    const day = 24 * 3600_000;
    for (const submittedAt of [
      '1970-01-01T00:00:00Z',
      new Date(Date.now() - 7 * day - 60_000).toISOString(),
      new Date(Date.now() + 6 * 60_000).toISOString(),
    ]) {
      const reply = await ctx.app.inject({
        method: 'POST',
        url: '/v1/responses',
        payload: {
          key: p.publicKey,
          responses: [aResponse(p.surveyIds.nps), aResponse(p.surveyIds.nps, { submittedAt })],
        },
      });
      expect(reply.statusCode, submittedAt).toBe(400);
      expect(reply.json().errors.map((e: { path: string }) => e.path)).toEqual(['responses.1.submittedAt']);
    }
    const list = await ctx.asKey(p.secretKey, { method: 'GET', url: '/v1/responses' });
    expect(list.json().data).toEqual([]);

    const sixDays = aResponse(p.surveyIds.nps, { submittedAt: new Date(Date.now() - 6 * day).toISOString() });
    const ahead = aResponse(p.surveyIds.nps, {
      submittedAt: new Date(Date.now() + 4 * 60_000).toISOString(),
    });
    const ok = await ctx.app.inject({
      method: 'POST',
      url: '/v1/responses',
      payload: { key: p.publicKey, responses: [sixDays, ahead] },
    });
    expect(ok.statusCode, ok.body).toBe(202);
    const stored = await ctx.asKey(p.secretKey, { method: 'GET', url: `/v1/responses/${ahead.id}` });
    expect(Date.parse(stored.json().submittedAt)).toBeLessThanOrEqual(Date.now());
  });
});
