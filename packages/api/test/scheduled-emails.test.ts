import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.ts';
import type { Database } from '../src/db/client.ts';
import { createProject } from '../src/services/projects.ts';
import { createStaffUser } from '../src/services/staff.ts';
import { updateNotificationSettings } from '../src/services/staff-notifications.ts';
import {
  buildWeeklyDigest,
  digestSurveyLine,
  type LocalCalendar,
  localCalendar,
} from '../src/services/staff-scheduled-emails.ts';
import { aResponse, databaseTargets, type TestContext } from './helpers/app.ts';
import { type ReceivedMail, startSmtpServer, type TestSmtpServer } from './helpers/smtp.ts';
import { password, signInAs, uniqueEmail } from './helpers/staff.ts';

type App = Awaited<ReturnType<typeof buildApp>>;

const hour = 3600_000;
const day = 24 * hour;

/** The decoded text/plain part of a raw email (quoted-printable soft breaks joined). */
const plainPart = (raw: string) => {
  const decoded = raw
    .replace(/=\r?\n/g, '')
    .replace(/=([0-9A-F]{2})/g, (_match, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));
  const text = /Content-Type: text\/plain[^\n]*\r?\n(?:[^\r\n]+\r?\n)*\r?\n([\s\S]*?)\r?\n--/.exec(decoded);
  return Buffer.from(text![1]!, 'latin1').toString('utf8');
};
const subjectOf = (mail: ReceivedMail) => /^Subject: (.*)$/m.exec(mail.raw)![1]!;

describe.each(databaseTargets())('daily and weekly staff emails on $name', (target) => {
  let database: Database;
  let app: App;
  let smtp: TestSmtpServer;
  let project: Awaited<ReturnType<typeof createProject>>;
  let npsId: string;
  let csatId: string;
  let agent: { id: string; email: string };
  let nightOwl: { id: string; email: string };
  let quiet: { id: string; email: string };
  /** The real week now is in, in Berlin: the digest run next Monday covers it. */
  let thisWeek: LocalCalendar;
  let digestNow: Date;
  const realNow = new Date();
  const detractorIds: string[] = [];
  /** This project's staff (other files' emails may pass through this SMTP server on Postgres). */
  const mine = new Set<string>();

  const asKey = (options: InjectOptions) =>
    app.inject({ ...options, headers: { authorization: `Bearer ${project.secretKey}` } });
  const send = async (items: ReturnType<typeof aResponse>[]) => {
    const reply = await app.inject({
      method: 'POST',
      url: '/v1/responses',
      payload: { key: project.publicKey, responses: items },
    });
    expect(reply.statusCode, reply.body).toBe(202);
  };
  const user = async (name: string, role: 'agent' | 'viewer') => {
    const email = uniqueEmail(name.toLowerCase());
    const created = await createStaffUser(database.db, project.project.id, { email, name, role, password });
    mine.add(email);
    return { id: created.id, email };
  };
  /** Runs the scheduler at `now`, sends what it queued and returns the emails that arrived. */
  const runAt = async (now: Date, other?: App) => {
    const before = smtp.received.length;
    // Only this project: other test files share the Postgres database.
    const scope = { projectId: project.project.id };
    const outcomes = await Promise.all([
      app.scheduledEmails.run(now, scope),
      other?.scheduledEmails.run(now, scope),
    ]);
    await app.deliveryWorker.drain();
    return {
      queued: outcomes.reduce((sum, outcome) => sum + (outcome?.queued ?? 0), 0),
      mails: smtp.received.slice(before).filter((mail) => mine.has(mail.to[0]!)),
    };
  };

  beforeAll(async () => {
    database = await target.open();
    smtp = await startSmtpServer();
    app = await buildApp({
      database,
      deliveryWorker: false,
      config: {
        smtpUrl: smtp.url,
        publicUrl: 'https://feedback.shop.example',
        scheduledEmailsIntervalSeconds: 0,
        ingestRateLimit: 100_000,
        ingestSurveyBudget: 0,
      },
    });
    await app.ready();
    project = await createProject(database.db, { name: 'Shop' });
    const survey = async (name: string, kind: 'nps' | 'csat') =>
      (
        await asKey({
          method: 'POST',
          url: '/v1/surveys',
          payload: { name, kind, texts: { en: { question: 'Q?' } } },
        })
      ).json().id as string;
    npsId = await survey('Checkout NPS', 'nps');
    csatId = await survey('Support CSAT', 'csat');
    agent = await user('Ann', 'agent');
    nightOwl = await user('Ned', 'viewer');
    quiet = await user('Quinn', 'viewer');
    await updateNotificationSettings(database.db, project.project.id, agent.id, {
      timeZone: 'Europe/Berlin',
      newFollowUps: 'daily',
    });
    await updateNotificationSettings(database.db, project.project.id, nightOwl.id, {
      timeZone: 'America/New_York',
      overdue: false,
    });
    await updateNotificationSettings(database.db, project.project.id, quiet.id, {
      weeklyDigest: false,
      overdue: false,
    });

    thisWeek = await localCalendar(database, 'Europe/Berlin', realNow);
    // Next Monday, 9:00 in Berlin (give or take a DST hour: still morning).
    digestNow = new Date(thisWeek.week.getTime() + 7 * day + 9 * hour);
    // This week: answers from the last minute; the week before: as early as ingestion accepts.
    const current = new Date(Math.max(realNow.getTime() - 60_000, thisWeek.week.getTime() + 1000));
    const before = new Date(
      Math.min(
        Math.max(realNow.getTime() - 7 * day + 10 * 60_000, thisWeek.previousWeek.getTime() + 1000),
        thisWeek.week.getTime() - 1000,
      ),
    );
    const at = (time: Date) => ({ submittedAt: time.toISOString() });
    const slow = aResponse(npsId, { score: 3, comment: 'Too <b>slow</b>', ...at(current) });
    const broken = aResponse(npsId, { score: 0, comment: 'Broken', ...at(current) });
    detractorIds.push(slow.id, broken.id);
    await send([
      aResponse(npsId, { score: 10, ...at(current) }),
      aResponse(npsId, { score: 10, ...at(current) }),
      aResponse(npsId, { score: 9, comment: 'Lovely', ...at(current) }),
      slow,
      broken,
      aResponse(npsId, { score: 5, ...at(before) }),
      aResponse(npsId, { score: 6, ...at(before) }),
      aResponse(npsId, { score: 8, ...at(before) }),
      aResponse(csatId, { score: 5, ...at(before) }),
    ]);
    // One detractor is Ann's, due before next Monday: overdue then.
    const patched = await asKey({
      method: 'PATCH',
      url: `/v1/responses/${slow.id}`,
      payload: { assigneeId: agent.id, dueAt: new Date(realNow.getTime() + hour).toISOString() },
    });
    expect(patched.statusCode, patched.body).toBe(200);
  }, 60_000);
  afterAll(async () => {
    await app?.close();
    await smtp?.close();
    await database?.close();
  });

  it("the weekly digest's numbers are /v1/metrics's for the same week", async () => {
    const calendar = await localCalendar(database, 'Europe/Berlin', digestNow);
    expect(calendar.weekday).toBe(1);
    expect(calendar.previousWeek.getTime()).toBe(thisWeek.week.getTime());
    const digest = await buildWeeklyDigest(
      database,
      project.project.id,
      { from: calendar.previousWeek, to: calendar.week, timeZone: 'Europe/Berlin' },
      digestNow,
    );
    expect(digest.surveys.map((survey) => survey.name)).toEqual(['Checkout NPS', 'Support CSAT']);
    for (const survey of digest.surveys) {
      const reply = await asKey({
        method: 'GET',
        url: '/v1/metrics',
        query: {
          surveyId: survey.id,
          interval: 'week',
          from: calendar.previousWeek.toISOString(),
          to: calendar.week.toISOString(),
          timezone: 'Europe/Berlin',
        },
      });
      expect(reply.statusCode, reply.body).toBe(200);
      expect(JSON.parse(JSON.stringify(survey.metrics))).toEqual(reply.json());
    }
    const nps = digest.surveys[0]!.metrics;
    expect(nps.total.n).toBe(5);
    expect(nps.total.score).toBe(20); // 3 promoters, 2 detractors of 5
    expect(nps.previous.n).toBe(3);
    expect(digest.detractorComments.map((entry) => entry.id).sort()).toEqual([...detractorIds].sort());
    expect(digest.openFollowUps).toBe(4); // the four NPS detractors (≤ 6) opened by the default rule
    expect(digest.overdueFollowUps).toBeGreaterThanOrEqual(1);
  });

  it("sends the digest at 8:00 in each user's time zone, once, with text and HTML parts and a working unsubscribe link", async () => {
    const other = await buildApp({
      database,
      deliveryWorker: false,
      config: { smtpUrl: smtp.url, scheduledEmailsIntervalSeconds: 0 },
    });
    await other.ready();
    try {
      // Monday 7:00 in Berlin: nobody is due yet.
      const early = await runAt(new Date(digestNow.getTime() - 2 * hour), other);
      expect(early.queued).toBe(0);

      // 9:00 in Berlin, two processes at once: Ann gets her digest and her overdue list, once.
      const morning = await runAt(digestNow, other);
      const digests = morning.mails.filter((mail) => subjectOf(mail).startsWith('Weekly digest'));
      expect(digests.map((mail) => mail.to)).toEqual([[agent.email]]);
      expect(subjectOf(digests[0]!)).toBe('Weekly digest for Shop: 5 responses');
      const overdue = morning.mails.filter((mail) => subjectOf(mail).includes('overdue'));
      expect(overdue.map((mail) => mail.to)).toEqual([[agent.email]]);
      expect(subjectOf(overdue[0]!)).toBe('1 overdue follow-up assigned to you in Shop');
      expect(plainPart(overdue[0]!.raw)).toContain(
        `https://feedback.shop.example/inbox/#/responses/${detractorIds[0]}`,
      );

      const raw = digests[0]!.raw;
      expect(raw).toContain('text/plain');
      expect(raw).toContain('text/html');
      const text = plainPart(raw);
      const calendar = await localCalendar(database, 'Europe/Berlin', digestNow);
      for (const [name, surveyId] of [
        ['Checkout NPS', npsId],
        ['Support CSAT', csatId],
      ] as const) {
        const metrics = await asKey({
          method: 'GET',
          url: '/v1/metrics',
          query: {
            surveyId,
            interval: 'week',
            from: calendar.previousWeek.toISOString(),
            to: calendar.week.toISOString(),
            timezone: 'Europe/Berlin',
          },
        });
        expect(text).toContain(digestSurveyLine(name, metrics.json()));
      }
      expect(text).toContain('Checkout NPS (NPS): 20 (95 % interval');
      expect(text).toContain('Support CSAT (CSAT): no responses (1 response the week before)');
      expect(text).toContain('"Too <b>slow</b>"');
      expect(text).toContain(`https://feedback.shop.example/inbox/#/responses/${detractorIds[1]}`);
      expect(text).toMatch(/Follow-ups: 4 open, [1-4] overdue\./);
      // Respondents' text is escaped in the HTML part.
      expect(raw.replace(/=\r?\n/g, '')).toContain('Too &#60;b&#62;slow&#60;/b&#62;');
      expect(raw).toMatch(/^List-Unsubscribe:/m);

      // Later runs (and the other process) queue nothing again for this week.
      const again = await runAt(new Date(digestNow.getTime() + hour), other);
      expect(again.mails.map(subjectOf).filter((subject) => subject.startsWith('Weekly'))).toEqual([]);

      // 8:00 in New York is 14:00 in Berlin: now Ned gets his.
      const newYork = await runAt(new Date(digestNow.getTime() + 6 * hour), other);
      expect(
        newYork.mails.filter((mail) => subjectOf(mail).startsWith('Weekly')).map((mail) => mail.to),
      ).toEqual([[nightOwl.email]]);

      // The unsubscribe link turns the digest off without signing in.
      const link = /https:\/\/feedback\.shop\.example(\/v1\/notifications\/unsubscribe\?token=[\w-]+)/.exec(
        text,
      )![1]!;
      const done = await app.inject({ method: 'POST', url: link });
      expect(done.statusCode, done.body).toBe(200);
      expect(done.body).toContain('the weekly digest');
      const session = await signInAs({ app, database } as unknown as TestContext, {
        ...agent,
        role: 'agent',
      });
      const settings = await session.inject({ method: 'GET', url: '/v1/notifications' });
      expect(settings.json()).toMatchObject({ weeklyDigest: false, overdue: true, newFollowUps: 'daily' });
      const nextWeek = await runAt(new Date(digestNow.getTime() + 7 * day + 6 * hour));
      expect(
        nextWeek.mails.filter((mail) => subjectOf(mail).startsWith('Weekly')).map((mail) => mail.to),
      ).toEqual([[nightOwl.email]]);
    } finally {
      await other.close();
    }
  });

  it("the daily summary lists the follow-ups opened the day before, in the user's time zone", async () => {
    // Tomorrow 9:00 in Berlin: "yesterday" is today.
    const today = await localCalendar(database, 'Europe/Berlin', realNow);
    const tomorrow = new Date(today.today.getTime() + day + 9 * hour);
    await runAt(tomorrow);
    // (On a Sunday, tomorrow is the digest's Monday: the summary came with the digest.)
    const daily = smtp.received.filter(
      (mail) => mine.has(mail.to[0]!) && subjectOf(mail).includes('new follow-up'),
    );
    expect(daily.map((mail) => mail.to)).toEqual([[agent.email]]);
    expect(subjectOf(daily[0]!)).toMatch(/^[2-4] new follow-ups yesterday in Shop$/);
    const text = plainPart(daily[0]!.raw);
    for (const id of detractorIds)
      expect(text).toContain(`https://feedback.shop.example/inbox/#/responses/${id}`);
    // The day after, nothing new was opened: no summary.
    const { mails: later } = await runAt(new Date(tomorrow.getTime() + day));
    expect(later.filter((mail) => subjectOf(mail).includes('new follow-up'))).toEqual([]);
  });

  it("time zones must be known; settings are the signed-in user's own", async () => {
    const session = await signInAs({ app, database } as unknown as TestContext, { ...quiet, role: 'viewer' });
    const bad = await session.inject({
      method: 'PATCH',
      url: '/v1/notifications',
      payload: { timeZone: 'Mars/Olympus' },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors.map((error: { path: string }) => error.path)).toContain('timeZone');
    const wrong = await session.inject({
      method: 'PATCH',
      url: '/v1/notifications',
      payload: { newFollowUps: 'hourly' },
    });
    expect(wrong.statusCode).toBe(400);
    const good = await session.inject({
      method: 'PATCH',
      url: '/v1/notifications',
      payload: { timeZone: 'asia/tokyo', newFollowUps: 'daily' },
    });
    expect(good.statusCode, good.body).toBe(200);
    expect(good.json()).toEqual({
      assigned: true,
      newFollowUps: 'daily',
      overdue: false,
      weeklyDigest: false,
      timeZone: 'Asia/Tokyo',
    });
  });
});
