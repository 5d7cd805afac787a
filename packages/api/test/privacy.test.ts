import { surveyCreateSchema } from '@closeloop/shared';
import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.ts';
import type { Database } from '../src/db/client.ts';
import { staffEmails, surveys, webhookEndpoints, webhookMessages } from '../src/db/schema/index.ts';
import { createProject } from '../src/services/projects.ts';
import { applyRetention } from '../src/services/retention.ts';
import { aResponse, databaseTargets, type TestProject } from './helpers/app.ts';
import { startSmtpServer, type TestSmtpServer } from './helpers/smtp.ts';
import { signIn } from './helpers/staff.ts';

type App = Awaited<ReturnType<typeof buildApp>>;

/** Every row of every table in the database, as text: what an attacker with a dump would see. */
async function dumpEveryTable(database: Database): Promise<string> {
  const tables = await database.query<{ name: string }>(
    `select quote_ident(table_schema) || '.' || quote_ident(table_name) as name
       from information_schema.tables
      where table_type = 'BASE TABLE' and table_schema not in ('pg_catalog', 'information_schema')`,
  );
  expect(tables.length).toBeGreaterThan(10);
  const parts: string[] = [];
  for (const { name } of tables) {
    const rows = await database.query<{ row: string }>(`select t::text as row from ${name} t`);
    parts.push(...rows.map((row) => `${name}: ${row.row}`));
  }
  return parts.join('\n');
}

describe.each(databaseTargets())('privacy on $name', (target) => {
  let database: Database;
  let smtp: TestSmtpServer;
  let app: App;

  beforeAll(async () => {
    database = await target.open();
    smtp = await startSmtpServer();
    app = await buildApp({
      database,
      config: { smtpUrl: smtp.url, ingestRateLimit: 100_000, scheduledEmailsIntervalSeconds: 0 },
    });
    await app.ready();
  }, 60_000);
  afterAll(async () => {
    await app?.close();
    await smtp?.close();
    await database?.close();
  });

  const newProject = async (): Promise<TestProject> => {
    const created = await createProject(database.db, { name: 'Privacy shop' });
    const rows = await database.db
      .insert(surveys)
      .values(
        (['nps', 'csat', 'ces'] as const).map((kind) => ({
          ...surveyCreateSchema.parse({ name: kind, kind, texts: { en: { question: `${kind}?` } } }),
          projectId: created.project.id,
        })),
      )
      .returning({ id: surveys.id, kind: surveys.kind });
    return {
      projectId: created.project.id,
      publicKey: created.publicKey,
      secretKey: created.secretKey,
      surveyIds: Object.fromEntries(rows.map((row) => [row.kind, row.id])) as TestProject['surveyIds'],
    };
  };
  const asKey = (project: TestProject, options: InjectOptions) =>
    app.inject({ ...options, headers: { ...options.headers, authorization: `Bearer ${project.secretKey}` } });
  const store = async (project: TestProject, items: ReturnType<typeof aResponse>[]) => {
    const reply = await app.inject({
      method: 'POST',
      url: '/v1/responses',
      payload: { key: project.publicKey, responses: items },
    });
    expect(reply.statusCode, reply.body).toBe(202);
  };

  /** A respondent with two answers, a note, a follow-up change and an email reply; unique markers. */
  async function personWithHistory(project: TestProject) {
    const tag = crypto.randomUUID().slice(0, 8);
    const person = {
      externalId: `user-${tag}`,
      email: `Person.${tag}@Customer.example`,
      comment: `The parcel never came ${tag}`,
      trait: `trait-${tag}`,
      note: `Called them back ${tag}`,
      reply: `Sorry about that ${tag}`,
    };
    const first = aResponse(project.surveyIds.nps, {
      score: 2,
      comment: person.comment,
      respondent: { externalId: person.externalId, email: person.email, traits: { plan: person.trait } },
      context: {
        url: `https://shop.example/orders/${tag}`,
        locale: 'en',
        userAgent: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) Gecko/20100101 Firefox/128.0',
      },
    });
    const second = aResponse(project.surveyIds.csat, {
      score: 5,
      respondent: { externalId: person.externalId },
    });
    await store(project, [first, second]);
    const note = await asKey(project, {
      method: 'POST',
      url: `/v1/responses/${first.id}/notes`,
      payload: { body: person.note },
    });
    expect(note.statusCode, note.body).toBe(201);
    const patch = await asKey(project, {
      method: 'PATCH',
      url: `/v1/responses/${first.id}`,
      payload: { status: 'in_progress', tags: ['late'] },
    });
    expect(patch.statusCode, patch.body).toBe(200);
    const reply = await asKey(project, {
      method: 'POST',
      url: `/v1/responses/${first.id}/replies`,
      payload: { body: person.reply, confirmUnverified: true },
    });
    expect(reply.statusCode, reply.body).toBe(201);
    return { ...person, responseIds: [first.id, second.id] };
  }

  it('exports everything about a respondent by external id and by email', async () => {
    const project = await newProject();
    const person = await personWithHistory(project);
    const byId = await asKey(project, { method: 'GET', url: `/v1/respondents/${person.externalId}` });
    expect(byId.statusCode, byId.body).toBe(200);
    const data = byId.json();
    expect(data.externalId).toBe(person.externalId);
    expect(data.responses.map((r: { id: string }) => r.id).sort()).toEqual([...person.responseIds].sort());
    expect(data.notes.map((n: { body: string }) => n.body)).toEqual([person.note]);
    expect(data.emailMessages.map((m: { body: string }) => m.body)).toEqual([person.reply]);
    expect(data.activity.map((a: { type: string }) => a.type)).toEqual(
      expect.arrayContaining(['rule_applied', 'note_added', 'status_changed', 'reply_sent']),
    );
    // The user agent is kept only as browser family and device class.
    const withContext = data.responses.find((r: { comment: string | null }) => r.comment === person.comment);
    expect(withContext.context).toMatchObject({ browser: 'Firefox', device: 'desktop' });
    expect(withContext.context.userAgent).toBeUndefined();

    const byEmail = await asKey(project, {
      method: 'GET',
      url: `/v1/respondents?email=${encodeURIComponent(person.email.toUpperCase())}`,
    });
    expect(byEmail.statusCode, byEmail.body).toBe(200);
    expect(byEmail.json().data).toHaveLength(1);
    expect(byEmail.json().data[0].id).toBe(data.id);

    const audit = await asKey(project, { method: 'GET', url: '/v1/audit?action=respondent.exported' });
    expect(audit.json().data).toHaveLength(2);
    expect(JSON.stringify(audit.json())).not.toContain(person.externalId);
    expect(JSON.stringify(audit.json()).toLowerCase()).not.toContain(person.email.toLowerCase());
  });

  it('erases a respondent so that no table holds their email, id, comments, notes or traits', async () => {
    const project = await newProject();
    const person = await personWithHistory(project);
    const bystander = await personWithHistory(project);
    const before = await asKey(project, {
      method: 'GET',
      url: `/v1/metrics?surveyId=${project.surveyIds.nps}`,
    });
    expect(before.statusCode, before.body).toBe(200);
    expect(before.json().total.n).toBe(2);

    // Queued webhook messages and staff emails about them (written as the delivery outbox does).
    const [endpoint] = await database.db
      .insert(webhookEndpoints)
      .values({
        projectId: project.projectId,
        url: 'https://hooks.example/in',
        events: ['response.created'],
        secret: 'whsec_test',
      })
      .returning();
    for (const someone of [person, bystander]) {
      await database.db.insert(webhookMessages).values({
        projectId: project.projectId,
        id: crypto.randomUUID(),
        endpointId: endpoint!.id,
        type: 'response.created',
        responseId: someone.responseIds[0],
        body: JSON.stringify({ comment: someone.comment, respondent: { externalId: someone.externalId } }),
      });
      await database.db.insert(staffEmails).values({
        projectId: project.projectId,
        id: crypto.randomUUID(),
        userId: crypto.randomUUID(),
        kind: 'new_follow_up',
        dedupeKey: `new:${someone.responseIds[0]}`,
        toAddress: 'agent@staff.example',
        subject: 'New follow-up',
        text: `${someone.email} wrote: ${someone.comment}`,
        html: `<p>${someone.email} wrote: ${someone.comment}</p>`,
        responseIds: [someone.responseIds[0]!],
      });
    }
    const exported = await asKey(project, { method: 'GET', url: `/v1/respondents/${person.externalId}` });
    expect(exported.json().webhookMessages).toHaveLength(1);

    const erased = await asKey(project, { method: 'DELETE', url: `/v1/respondents/${person.externalId}` });
    expect(erased.statusCode, erased.body).toBe(204);

    const dump = await dumpEveryTable(database);
    for (const marker of [person.externalId, person.comment, person.trait, person.note, person.reply]) {
      expect(dump).not.toContain(marker);
    }
    expect(dump.toLowerCase()).not.toContain(person.email.toLowerCase());
    // Only what was asked for: the other respondent is whole.
    for (const marker of [bystander.externalId, bystander.comment, bystander.trait, bystander.note]) {
      expect(dump).toContain(marker);
    }
    const after = await asKey(project, {
      method: 'GET',
      url: `/v1/metrics?surveyId=${project.surveyIds.nps}`,
    });
    expect(after.json().total.n).toBe(1);

    const audit = await asKey(project, { method: 'GET', url: '/v1/audit?action=respondent.erased' });
    const [entry] = audit.json().data;
    expect(entry.actor).toMatchObject({ kind: 'secret_key' });
    // Unsigned identities are kept on their responses only (no stored respondent row).
    expect(entry.detail.rows).toEqual({
      respondents: 0,
      responses: 2,
      notes: 1,
      emailMessages: 1,
      activity: 5,
      webhookMessages: 1,
      staffEmails: 1,
    });

    const again = await asKey(project, { method: 'DELETE', url: `/v1/respondents/${person.externalId}` });
    expect(again.statusCode).toBe(404);
    expect(again.json().code).toBe('not_found');
    const gone = await asKey(project, { method: 'GET', url: `/v1/respondents/${person.externalId}` });
    expect(gone.statusCode).toBe(404);
  });

  it('erases by email every respondent with that address, whatever its letter case', async () => {
    const project = await newProject();
    const email = `Twice.${crypto.randomUUID().slice(0, 8)}@customer.example`;
    await store(project, [
      aResponse(project.surveyIds.nps, { comment: 'first', respondent: { externalId: 'a-1', email } }),
      aResponse(project.surveyIds.nps, { comment: 'second', respondent: { email: email.toLowerCase() } }),
    ]);
    const erased = await asKey(project, {
      method: 'DELETE',
      url: `/v1/respondents?email=${encodeURIComponent(email.toUpperCase())}`,
    });
    expect(erased.statusCode, erased.body).toBe(204);
    expect((await dumpEveryTable(database)).toLowerCase()).not.toContain(email.toLowerCase());
    const list = await asKey(project, { method: 'GET', url: '/v1/responses' });
    expect(list.json().data).toEqual([]);
  });

  it('erases responses that only claimed the identity without a signature', async () => {
    const project = await newProject();
    const required = await asKey(project, {
      method: 'PATCH',
      url: '/v1/project',
      payload: { identityVerification: 'required' },
    });
    expect(required.statusCode, required.body).toBe(200);
    const claim = `claimed-${crypto.randomUUID()}`;
    await store(project, [
      aResponse(project.surveyIds.nps, { comment: `unsigned ${claim}`, respondent: { externalId: claim } }),
    ]);
    const exported = await asKey(project, { method: 'GET', url: `/v1/respondents/${claim}` });
    expect(exported.statusCode, exported.body).toBe(200);
    expect(exported.json()).toMatchObject({ id: null, externalId: claim, verified: false });
    expect(exported.json().responses).toHaveLength(1);
    const erased = await asKey(project, { method: 'DELETE', url: `/v1/respondents/${claim}` });
    expect(erased.statusCode, erased.body).toBe(204);
    expect(await dumpEveryTable(database)).not.toContain(claim);
  });

  it('refuses erasure to agents and viewers, bad emails with 400, and other projects with 404', async () => {
    const project = await newProject();
    const other = await newProject();
    await store(project, [aResponse(project.surveyIds.nps, { respondent: { externalId: 'keep-me' } })]);
    for (const role of ['agent', 'viewer'] as const) {
      const session = await signIn({ app, database } as never, project.projectId, role);
      const reply = await session.inject({ method: 'DELETE', url: '/v1/respondents/keep-me' });
      expect(reply.statusCode).toBe(403);
      const read = await session.inject({ method: 'GET', url: '/v1/respondents/keep-me' });
      expect(read.statusCode).toBe(403);
    }
    const foreign = await asKey(other, { method: 'DELETE', url: '/v1/respondents/keep-me' });
    expect(foreign.statusCode).toBe(404);
    const bad = await asKey(project, { method: 'DELETE', url: '/v1/respondents?email=not-an-email' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors[0].path).toBe('email');
    const missing = await asKey(project, { method: 'DELETE', url: '/v1/respondents' });
    expect(missing.statusCode).toBe(400);
    const kept = await asKey(project, { method: 'GET', url: '/v1/respondents/keep-me' });
    expect(kept.statusCode).toBe(200);
  });

  it('retention removes who answered and what they wrote, keeping score, survey, time and locale', async () => {
    const project = await newProject();
    const set = await asKey(project, { method: 'PATCH', url: '/v1/project', payload: { retentionDays: 30 } });
    expect(set.statusCode, set.body).toBe(200);
    expect(set.json().retentionDays).toBe(30);
    const person = await personWithHistory(project);
    // a staff email about the old response repeats its comment and address
    await database.db.insert(staffEmails).values({
      projectId: project.projectId,
      id: crypto.randomUUID(),
      userId: crypto.randomUUID(),
      kind: 'new_follow_up',
      dedupeKey: `retention:${person.responseIds[0]}`,
      toAddress: 'agent@staff.example',
      subject: 'New follow-up',
      text: `${person.email} wrote: ${person.comment}`,
      html: `<p>${person.email} wrote: ${person.comment}</p>`,
      responseIds: [person.responseIds[0]!],
    });
    const now = new Date();

    // 29 days later nothing is due yet.
    const early = await applyRetention(database.db, new Date(now.getTime() + 29 * 86_400_000));
    expect(early.find((outcome) => outcome.projectId === project.projectId)?.responses).toBe(0);

    // A response given 29 days from now is younger than the period when the clock reaches 31 days.
    const later = aResponse(project.surveyIds.nps, {
      score: 7,
      comment: 'Still fresh',
      respondent: { externalId: 'fresh-one', traits: { plan: 'pro' } },
    });
    await store(project, [later]);
    await database.query('update responses set submitted_at = $1 where project_id = $2 and id = $3', [
      new Date(now.getTime() + 29 * 86_400_000),
      project.projectId,
      later.id,
    ]);

    const outcome = (await applyRetention(database.db, new Date(now.getTime() + 31 * 86_400_000))).find(
      (entry) => entry.projectId === project.projectId,
    )!;
    expect(outcome).toMatchObject({
      responses: 2,
      notes: 1,
      emailMessages: 1,
      respondents: 0,
      skipped: false,
    });

    const dump = await dumpEveryTable(database);
    for (const marker of [person.externalId, person.comment, person.trait, person.note, person.reply]) {
      expect(dump).not.toContain(marker);
    }
    expect(dump.toLowerCase()).not.toContain(person.email.toLowerCase());

    const list = await asKey(project, { method: 'GET', url: '/v1/responses?limit=10' });
    expect(list.statusCode, list.body).toBe(200);
    const rows = list.json().data as {
      id: string;
      score: number;
      comment: string | null;
      respondent: unknown;
      context: { url: string; locale?: string };
    }[];
    const old = rows.find((row) => row.id === person.responseIds[0])!;
    expect(old).toMatchObject({ score: 2, comment: null, respondent: null });
    expect(old.context.url).toBe('');
    expect(old.context.locale).toBe('en');
    const fresh = rows.find((row) => row.id === later.id)!;
    expect(fresh).toMatchObject({ comment: 'Still fresh', claimedRespondent: { externalId: 'fresh-one' } });

    // Trends stay whole: metrics still count the scrubbed responses.
    const metrics = await asKey(project, {
      method: 'GET',
      url: `/v1/metrics?surveyId=${project.surveyIds.nps}&to=${encodeURIComponent(new Date(now.getTime() + 40 * 86_400_000).toISOString())}`,
    });
    expect(metrics.json().total.n).toBe(2);

    // Running again finds nothing more, and the log says what the first run removed.
    const rerun = await applyRetention(database.db, new Date(now.getTime() + 31 * 86_400_000));
    expect(rerun.find((entry) => entry.projectId === project.projectId)?.responses).toBe(0);
    const audit = await asKey(project, { method: 'GET', url: '/v1/audit?actorKind=system' });
    expect(audit.json().data).toHaveLength(1);
    expect(audit.json().data[0]).toMatchObject({
      action: 'retention.applied',
      detail: { retentionDays: 30, rows: { responses: 2, notes: 1, emailMessages: 1, respondents: 0 } },
    });
  });

  it('refuses a retention period outside 7 to 3650 days and keeps the old one', async () => {
    const project = await newProject();
    for (const retentionDays of [0, 6, 3651, 1.5, '30']) {
      const reply = await asKey(project, { method: 'PATCH', url: '/v1/project', payload: { retentionDays } });
      expect(reply.statusCode, String(retentionDays)).toBe(400);
      expect(reply.json().errors[0].path).toBe('retentionDays');
    }
    const cleared = await asKey(project, {
      method: 'PATCH',
      url: '/v1/project',
      payload: { retentionDays: null },
    });
    expect(cleared.json().retentionDays).toBeNull();
  });

  it('keeps an audit log of changes, sign-ins and exports, paged newest first and filtered', async () => {
    const project = await newProject();
    const owner = await signIn({ app, database } as never, project.projectId, 'owner');
    const created = await owner.inject({
      method: 'POST',
      url: '/v1/surveys',
      payload: { name: 'Audited', kind: 'nps', texts: { en: { question: 'Q?' } } },
    });
    expect(created.statusCode).toBe(201);
    await owner.inject({
      method: 'PATCH',
      url: `/v1/surveys/${created.json().id}`,
      payload: { status: 'paused' },
    });
    await owner.inject({ method: 'POST', url: '/v1/keys', payload: { name: 'CI' } });
    await asKey(project, { method: 'GET', url: '/v1/responses/export?format=csv' });
    // A refused change is not in the log.
    await owner.inject({
      method: 'PATCH',
      url: `/v1/surveys/${created.json().id}`,
      payload: { kind: 'nope' },
    });

    const all = await owner.inject({ method: 'GET', url: '/v1/audit' });
    expect(all.statusCode, all.body).toBe(200);
    const actions = all.json().data.map((entry: { action: string }) => entry.action);
    expect(actions).toEqual([
      'responses.exported',
      'key.created',
      'survey.updated',
      'survey.created',
      'auth.signed_in',
    ]);
    // the sign-in names who and with which browser, never the email address used
    expect(all.json().data[4]).toMatchObject({
      actor: { kind: 'user', id: owner.userId },
      target: { type: 'user', id: owner.userId },
      detail: { role: 'owner' },
    });
    expect(JSON.stringify(all.json().data[4])).not.toContain(owner.email);
    const update = all.json().data[2];
    expect(update).toMatchObject({
      actor: { kind: 'user', id: owner.userId },
      target: { type: 'survey', id: created.json().id },
      detail: { fields: ['status'], status: 'paused' },
    });
    expect(all.json().data[3].target.id).toBe(created.json().id);

    const pages: string[] = [];
    let cursor: string | null = null;
    do {
      const page = await owner.inject({
        method: 'GET',
        url: `/v1/audit?limit=2${cursor ? `&cursor=${cursor}` : ''}`,
      });
      pages.push(...page.json().data.map((entry: { action: string }) => entry.action));
      cursor = page.json().nextCursor;
    } while (cursor);
    expect(pages).toEqual(actions);

    const surveysOnly = await owner.inject({ method: 'GET', url: '/v1/audit?action=survey.' });
    expect(surveysOnly.json().data.map((entry: { action: string }) => entry.action)).toEqual([
      'survey.updated',
      'survey.created',
    ]);
    const keysOnly = await owner.inject({ method: 'GET', url: '/v1/audit?actorKind=secret_key' });
    expect(keysOnly.json().data).toHaveLength(1);

    // a failed sign-in is no sign-in: only the successful one is in the log
    const failed = await app.inject({
      method: 'POST',
      url: '/v1/auth/login',
      payload: { email: owner.email, password: 'not the password' },
    });
    expect(failed.statusCode).toBe(401);
    const signIns = await owner.inject({ method: 'GET', url: '/v1/audit?action=auth.signed_in' });
    expect(signIns.json().data).toHaveLength(1);

    const agent = await signIn({ app, database } as never, project.projectId, 'agent');
    expect((await agent.inject({ method: 'GET', url: '/v1/audit' })).statusCode).toBe(403);
    const afterAgent = await owner.inject({ method: 'GET', url: '/v1/audit?action=auth.signed_in' });
    expect(afterAgent.json().data[0]).toMatchObject({
      actor: { id: agent.userId },
      detail: { role: 'agent' },
    });
    const badCursor = await owner.inject({ method: 'GET', url: '/v1/audit?cursor=nope' });
    expect(badCursor.statusCode).toBe(400);
    const backwards = await owner.inject({
      method: 'GET',
      url: '/v1/audit?from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z',
    });
    expect(backwards.statusCode).toBe(400);
  });
});
