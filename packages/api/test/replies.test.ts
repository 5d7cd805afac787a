import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.ts';
import type { Database } from '../src/db/client.ts';
import { identitySignature } from '../src/services/identity.ts';
import { createProject } from '../src/services/projects.ts';
import { createStaffUser } from '../src/services/staff.ts';
import { databaseTargets } from './helpers/app.ts';
import { startSmtpServer, type TestSmtpServer } from './helpers/smtp.ts';
import { password, uniqueEmail } from './helpers/staff.ts';

type App = Awaited<ReturnType<typeof buildApp>>;

describe.each(databaseTargets())('email replies on $name', (target) => {
  let database: Database;
  let smtp: TestSmtpServer;
  let app: App;
  let unconfigured: App;
  let project: Awaited<ReturnType<typeof createProject>>;
  let npsId: string;
  let identitySecret: string;

  beforeAll(async () => {
    database = await target.open();
    smtp = await startSmtpServer();
    app = await buildApp({
      database,
      config: {
        smtpUrl: smtp.url,
        mailFrom: 'Shop Support <support@shop.example>',
        scheduledEmailsIntervalSeconds: 0,
      },
    });
    unconfigured = await buildApp({ database });
    project = await createProject(database.db, { name: 'Shop' });
    const survey = await app.inject({
      method: 'POST',
      url: '/v1/surveys',
      headers: { authorization: `Bearer ${project.secretKey}` },
      payload: { name: 'NPS', kind: 'nps', texts: { en: { question: 'Q?' } } },
    });
    npsId = survey.json().id;
    identitySecret = (
      await app.inject({
        method: 'POST',
        url: '/v1/project/identity-secret',
        headers: { authorization: `Bearer ${project.secretKey}` },
      })
    ).json().secret;
  }, 60_000);
  afterAll(async () => {
    await app?.close();
    await unconfigured?.close();
    await smtp?.close();
    await database?.close();
  });

  /** Stores a response; an external id is signed (verified) unless `signed` is false. */
  const store = async (
    respondent: { externalId?: string; email?: string } | undefined,
    comment = 'Delivery was late',
    signed = true,
  ) => {
    const id = crypto.randomUUID();
    if (respondent?.externalId && signed)
      respondent = {
        ...respondent,
        signature: identitySignature(identitySecret, respondent.externalId),
      } as object;
    const reply = await app.inject({
      method: 'POST',
      url: '/v1/responses',
      payload: {
        key: project.publicKey,
        responses: [
          {
            id,
            surveyId: npsId,
            score: 2,
            comment,
            ...(respondent ? { respondent } : {}),
            context: { url: 'https://shop.example/' },
            submittedAt: new Date().toISOString(),
          },
        ],
      },
    });
    expect(reply.statusCode).toBe(202);
    return id;
  };

  const signIn = async () => {
    const email = uniqueEmail('agent');
    await createStaffUser(database.db, project.project.id, {
      email,
      name: 'Sam Agent',
      role: 'agent',
      password,
    });
    const login = await app.inject({ method: 'POST', url: '/v1/auth/login', payload: { email, password } });
    const cookie = `closeloop_session=${login.cookies.find((c) => c.name === 'closeloop_session')!.value}`;
    return { email, headers: { cookie, 'x-csrf-token': login.json().csrfToken as string } };
  };

  it('sends the reply over SMTP to the respondent, with the agent as Reply-To, and records it', async () => {
    const id = await store({ externalId: 'cust-1', email: 'Customer@Shop.example' });
    const agent = await signIn();
    const reply = await app.inject({
      method: 'POST',
      url: `/v1/responses/${id}/replies`,
      headers: agent.headers,
      payload: { subject: 'About your delivery', body: 'Sorry about the delay — a refund is on its way.' },
    });
    expect(reply.statusCode, reply.body).toBe(201);
    expect(reply.json()).toMatchObject({
      to: 'Customer@Shop.example',
      subject: 'About your delivery',
      sentBy: { kind: 'user', name: 'Sam Agent' },
    });
    const mail = await smtp.nextMessage();
    expect(mail.to.map((address) => address.toLowerCase())).toEqual(['customer@shop.example']);
    expect(mail.from).toBe('support@shop.example');
    expect(mail.raw).toMatch(/^Subject: About your delivery/m);
    expect(mail.raw).toMatch(new RegExp(`^Reply-To: ${agent.email}`, 'm'));
    expect(mail.raw).toContain('a refund is on its way');
    expect(mail.raw).toContain('> Delivery was late');

    const activity = await app.inject({
      method: 'GET',
      url: `/v1/responses/${id}/activity`,
      headers: agent.headers,
    });
    expect(activity.json().data.at(-1)).toMatchObject({
      type: 'reply_sent',
      actor: { kind: 'user', name: 'Sam Agent' },
      detail: { to: 'Customer@Shop.example', subject: 'About your delivery' },
    });
  });

  it('refuses a subject or body that is not valid Unicode text (400) before sending anything', async () => {
    const id = await store({ email: 'someone@shop.example' });
    const agent = await signIn();
    const before = smtp.received.length;
    for (const [payload, path] of [
      [{ body: 'Sorry \ud800' }, 'body'],
      [{ subject: '\udfff', body: 'Hello' }, 'subject'],
    ] as const) {
      const reply = await app.inject({
        method: 'POST',
        url: `/v1/responses/${id}/replies`,
        headers: { ...agent.headers, 'content-type': 'application/json' },
        // Written by hand: JSON.stringify would keep the lone surrogate as an escape anyway.
        payload: JSON.stringify(payload),
      });
      expect(reply.statusCode, reply.body).toBe(400);
      expect(reply.json().errors.map((e: { path: string }) => e.path)).toEqual([path]);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(smtp.received.length).toBe(before);
    const activity = await app.inject({
      method: 'GET',
      url: `/v1/responses/${id}/activity`,
      headers: agent.headers,
    });
    expect(activity.json().data.map((a: { type: string }) => a.type)).not.toContain('reply_sent');
  });

  it('refuses a reply when the respondent left no email (409) and sends nothing', async () => {
    const before = smtp.received.length;
    const agent = await signIn();
    for (const id of [await store(undefined), await store({ externalId: 'no-mail' })]) {
      const reply = await app.inject({
        method: 'POST',
        url: `/v1/responses/${id}/replies`,
        headers: agent.headers,
        payload: { body: 'Hello' },
      });
      expect(reply.statusCode).toBe(409);
      expect(reply.json().code).toBe('respondent_email_unknown');
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(smtp.received.length).toBe(before);
  });

  it('refuses a reply when SMTP is not configured (422) and records nothing', async () => {
    const id = await store({ email: 'someone@shop.example' });
    const reply = await unconfigured.inject({
      method: 'POST',
      url: `/v1/responses/${id}/replies`,
      headers: { authorization: `Bearer ${project.secretKey}` },
      payload: { body: 'Hello' },
    });
    expect(reply.statusCode).toBe(422);
    expect(reply.json()).toMatchObject({ code: 'email_not_configured' });
    expect(reply.json().detail).toContain('SMTP_URL');
    const activity = await app.inject({
      method: 'GET',
      url: `/v1/responses/${id}/activity`,
      headers: { authorization: `Bearer ${project.secretKey}` },
    });
    expect(activity.json().data.map((a: { type: string }) => a.type)).not.toContain('reply_sent');
  });

  it('answers 503 without internals when the mail server is down, and records nothing', async () => {
    const down = await startSmtpServer();
    const url = down.url;
    await down.close();
    const broken = await buildApp({ database, config: { smtpUrl: url, scheduledEmailsIntervalSeconds: 0 } });
    try {
      const id = await store({ email: 'someone@shop.example' });
      const reply = await broken.inject({
        method: 'POST',
        url: `/v1/responses/${id}/replies`,
        headers: { authorization: `Bearer ${project.secretKey}` },
        payload: { body: 'Hello', confirmUnverified: true },
      });
      expect(reply.statusCode).toBe(503);
      expect(reply.json().detail).toBe(
        'The mail server did not accept the reply; nothing was sent. Try again later.',
      );
      expect(reply.body).not.toContain('ECONNREFUSED');
      const activity = await app.inject({
        method: 'GET',
        url: `/v1/responses/${id}/activity`,
        headers: { authorization: `Bearer ${project.secretKey}` },
      });
      expect(activity.json().data.map((a: { type: string }) => a.type)).not.toContain('reply_sent');
    } finally {
      await broken.close();
    }
  });

  it('refuses an empty reply (400)', async () => {
    const id = await store({ email: 'someone@shop.example' });
    const reply = await app.inject({
      method: 'POST',
      url: `/v1/responses/${id}/replies`,
      headers: { authorization: `Bearer ${project.secretKey}` },
      payload: { body: '  ' },
    });
    expect(reply.statusCode).toBe(400);
    expect(reply.json().errors[0].path).toBe('body');
  });

  it('refuses to reply to an unverified address (409 unverified_recipient) until the agent confirms', async () => {
    // The customer, verified; then an attacker claims their id with another address, unsigned.
    await store({ externalId: 'cust-takeover', email: 'customer@shop.example' });
    const forged = await store(
      { externalId: 'cust-takeover', email: 'attacker@evil.example' },
      'Please write back',
      false,
    );
    const agent = await signIn();
    const before = smtp.received.length;
    const refused = await app.inject({
      method: 'POST',
      url: `/v1/responses/${forged}/replies`,
      headers: agent.headers,
      payload: { body: 'Hello' },
    });
    expect(refused.statusCode, refused.body).toBe(409);
    expect(refused.json()).toMatchObject({ code: 'unverified_recipient' });
    expect(refused.json().detail).toContain('attacker@evil.example');
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(smtp.received.length).toBe(before);

    const confirmed = await app.inject({
      method: 'POST',
      url: `/v1/responses/${forged}/replies`,
      headers: agent.headers,
      payload: { body: 'Hello', confirmUnverified: true },
    });
    expect(confirmed.statusCode, confirmed.body).toBe(201);
    // It goes to the claimed address, never to the verified customer's.
    expect(confirmed.json().to).toBe('attacker@evil.example');
    expect((await smtp.nextMessage()).to).toEqual(['attacker@evil.example']);
  });

  it('asks for confirmation before replying to an email-only respondent, who cannot be verified', async () => {
    const id = await store({ email: 'someone@shop.example' });
    const reply = await app.inject({
      method: 'POST',
      url: `/v1/responses/${id}/replies`,
      headers: { authorization: `Bearer ${project.secretKey}` },
      payload: { body: 'Hello' },
    });
    expect(reply.statusCode).toBe(409);
    expect(reply.json().code).toBe('unverified_recipient');
  });
});
