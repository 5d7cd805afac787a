import { and, eq } from 'drizzle-orm';
import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.ts';
import type { Database } from '../src/db/client.ts';
import { webhookEndpoints } from '../src/db/schema/index.ts';
import { createProject } from '../src/services/projects.ts';
import { createStaffUser } from '../src/services/staff.ts';
import { updateNotificationSettings } from '../src/services/staff-notifications.ts';
import { aResponse, databaseTargets } from './helpers/app.ts';
import { startSmtpServer, type TestSmtpServer } from './helpers/smtp.ts';
import { password, uniqueEmail } from './helpers/staff.ts';
import { startWebhookReceiver, type WebhookReceiver } from './helpers/webhook-receiver.ts';

type App = Awaited<ReturnType<typeof buildApp>>;

/** The decoded text/plain part of a raw email (quoted-printable soft breaks joined). */
const plainText = (raw: string) =>
  raw
    .replace(/=\r?\n/g, '')
    .replace(/=([0-9A-F]{2})/g, (_match, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));

describe.each(databaseTargets())('staff email notifications on $name', (target) => {
  let database: Database;
  let app: App;
  let smtp: TestSmtpServer;
  let slack: WebhookReceiver;
  let project: Awaited<ReturnType<typeof createProject>>;
  let surveyId: string;
  let agent: { id: string; email: string };

  const asKey = (options: InjectOptions) =>
    app.inject({ ...options, headers: { authorization: `Bearer ${project.secretKey}` } });

  beforeAll(async () => {
    database = await target.open();
    smtp = await startSmtpServer();
    slack = await startWebhookReceiver();
    app = await buildApp({
      database,
      config: {
        smtpUrl: smtp.url,
        mailFrom: 'Closeloop <closeloop@shop.example>',
        publicUrl: 'https://feedback.shop.example',
        webhookAllowPrivate: true,
        deliveryPollIntervalMs: 50,
        scheduledEmailsIntervalSeconds: 0,
      },
    });
    await app.ready();
    project = await createProject(database.db, { name: 'Shop' });
    const survey = await asKey({
      method: 'POST',
      url: '/v1/surveys',
      payload: { name: 'Checkout NPS', kind: 'nps', texts: { en: { question: 'Q?' } } },
    });
    surveyId = survey.json().id;
    const email = uniqueEmail('agent');
    const user = await createStaffUser(database.db, project.project.id, {
      email,
      name: 'Ann Agent',
      role: 'agent',
      password,
    });
    agent = { id: user.id, email };
  }, 60_000);
  afterAll(async () => {
    await app?.close();
    await smtp?.close();
    await slack?.close();
    await database?.close();
  });

  it('a detractor assigned by a rule emails the assignee and posts to Slack', async () => {
    // Every detractor opens and goes to the agent.
    const rules = await asKey({ method: 'GET', url: '/v1/follow-up-rules' });
    for (const rule of rules.json().data) {
      await asKey({ method: 'DELETE', url: `/v1/follow-up-rules/${rule.id}` });
    }
    const rule = await asKey({
      method: 'POST',
      url: '/v1/follow-up-rules',
      payload: {
        name: 'Detractors to Ann',
        conditions: { scoreAtMost: 6 },
        effects: { open: true, assign: { type: 'user', userId: agent.id } },
      },
    });
    expect(rule.statusCode, rule.body).toBe(201);
    const hook = await asKey({
      method: 'POST',
      url: '/v1/webhooks',
      payload: { url: slack.url, events: ['followup.opened'], format: 'slack' },
    });
    expect(hook.statusCode, hook.body).toBe(201);

    const item = aResponse(surveyId, { score: 2, comment: 'Checkout <b>froze</b>' });
    const sent = await app.inject({
      method: 'POST',
      url: '/v1/responses',
      payload: { key: project.publicKey, responses: [item] },
    });
    expect(sent.statusCode).toBe(202);

    const mail = await smtp.nextMessage();
    expect(mail.to).toEqual([agent.email]);
    expect(mail.raw).toMatch(/^Subject: Assigned to you: NPS 2 on Checkout NPS/m);
    expect(mail.raw).toContain('text/plain');
    expect(mail.raw).toContain('text/html');
    const text = plainText(mail.raw);
    expect(text).toContain(`https://feedback.shop.example/inbox/#/responses/${item.id}`);
    // Free text is escaped in the HTML part.
    expect(text).toContain('Checkout &#60;b&#62;froze&#60;/b&#62;');
    expect(text).not.toContain('<b>froze</b>"</p>');
    expect(mail.raw).toMatch(
      /^List-Unsubscribe:\s+<https:\/\/feedback\.shop\.example\/v1\/notifications\/unsubscribe\?token=/m,
    );

    const [slackMessage] = await slack.waitFor(1);
    expect(JSON.parse(slackMessage!.body).text).toBe('Follow-up opened: NPS 2 on Checkout NPS');

    // The unsubscribe link works without signing in: GET shows a button, POST turns it off.
    const link = /https:\/\/feedback\.shop\.example(\/v1\/notifications\/unsubscribe\?token=[\w-]+)/.exec(
      text,
    )![1]!;
    const pageReply = await app.inject({ method: 'GET', url: link });
    expect(pageReply.statusCode).toBe(200);
    expect(pageReply.body).toContain('<form method="post"');
    const done = await app.inject({
      method: 'POST',
      url: link,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'List-Unsubscribe=One-Click',
    });
    expect(done.statusCode, done.body).toBe(200);
    expect(done.body).toContain('no more emails about follow-ups assigned to you');
    const bogus = await app.inject({
      method: 'POST',
      url: '/v1/notifications/unsubscribe?token=aaaaaaaaaaaaaaaaaaaaaaaa',
    });
    expect(bogus.statusCode).toBe(404);

    // Unsubscribed: the next assignment sends nothing.
    const before = smtp.received.length;
    await app.inject({
      method: 'POST',
      url: '/v1/responses',
      payload: { key: project.publicKey, responses: [aResponse(surveyId, { score: 1 })] },
    });
    await app.deliveryWorker.drain();
    await slack.waitFor(2);
    expect(smtp.received.length).toBe(before);
  });

  it('each email is sent once, whichever process would send it', async () => {
    const other = await buildApp({
      database,
      config: { smtpUrl: smtp.url, deliveryPollIntervalMs: 50, scheduledEmailsIntervalSeconds: 0 },
    });
    await other.ready();
    try {
      const before = smtp.received.length;
      const item = aResponse(surveyId, { score: 9 });
      await app.inject({
        method: 'POST',
        url: '/v1/responses',
        payload: { key: project.publicKey, responses: [item] },
      });
      // Turn "assigned" on again (the test before unsubscribed), then assign by hand.
      await updateNotificationSettings(database.db, project.project.id, agent.id, { assigned: true });
      const patched = await asKey({
        method: 'PATCH',
        url: `/v1/responses/${item.id}`,
        payload: { assigneeId: agent.id },
      });
      expect(patched.statusCode, patched.body).toBe(200);
      await smtp.nextMessage();
      await Promise.all([app.deliveryWorker.drain(), other.deliveryWorker.drain()]);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(smtp.received.length).toBe(before + 1);
    } finally {
      await other.close();
    }
  });

  it('an endpoint failing everything for 5 days is disabled and its owners are told by email', async () => {
    const ownerEmail = uniqueEmail('owner');
    await createStaffUser(database.db, project.project.id, {
      email: ownerEmail,
      name: 'Olga Owner',
      role: 'owner',
      password,
    });
    const failing = await startWebhookReceiver();
    failing.answer = (_request, response) => response.writeHead(500).end();
    try {
      const hook = await asKey({
        method: 'POST',
        url: '/v1/webhooks',
        payload: { url: failing.url, events: ['response.created'] },
      });
      expect(hook.statusCode, hook.body).toBe(201);
      // Its first failure was 5 days and a minute ago.
      await database.db
        .update(webhookEndpoints)
        .set({ failingSince: new Date(Date.now() - 5 * 24 * 3600_000 - 60_000) })
        .where(
          and(eq(webhookEndpoints.projectId, project.project.id), eq(webhookEndpoints.id, hook.json().id)),
        );
      const before = smtp.received.length;
      await app.inject({
        method: 'POST',
        url: '/v1/responses',
        payload: { key: project.publicKey, responses: [aResponse(surveyId, { score: 8 })] },
      });
      await failing.waitFor(1);
      await expect
        .poll(
          async () => (await asKey({ method: 'GET', url: `/v1/webhooks/${hook.json().id}` })).json().enabled,
        )
        .toBe(false);
      await app.deliveryWorker.drain();
      await expect.poll(() => smtp.received.length).toBeGreaterThan(before);
      const told = smtp.received
        .slice(before)
        .filter((mail) => /^Subject: A Closeloop webhook was disabled/m.test(mail.raw));
      expect(told.map((mail) => mail.to)).toEqual([[ownerEmail]]);
      const text = plainText(told[0]!.raw);
      expect(text).toContain(failing.url);
      expect(text).toContain('https://feedback.shop.example/inbox/#/webhooks');
      // Disabled: the next change sends it nothing.
      await app.inject({
        method: 'POST',
        url: '/v1/responses',
        payload: { key: project.publicKey, responses: [aResponse(surveyId, { score: 8 })] },
      });
      await app.deliveryWorker.drain();
      expect(failing.received.length).toBe(1);
    } finally {
      await failing.close();
    }
  });

  it('a secret key has no notification settings to change', async () => {
    const read = await asKey({ method: 'GET', url: '/v1/notifications' });
    expect(read.json()).toEqual({
      assigned: true,
      newFollowUps: 'off',
      overdue: true,
      weeklyDigest: true,
      timeZone: 'UTC',
    });
    const change = await asKey({ method: 'PATCH', url: '/v1/notifications', payload: { assigned: false } });
    expect(change.statusCode).toBe(409);
    const empty = await asKey({ method: 'PATCH', url: '/v1/notifications', payload: {} });
    expect(empty.statusCode).toBe(400);
  });
});
