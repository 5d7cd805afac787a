/**
 * The scheduled staff emails: a daily summary of new follow-ups, a daily list of my overdue
 * follow-ups, and the weekly digest. Each is due at 8:00 in the user's time zone (the daily ones
 * every day, the digest on Mondays) and is queued in `staff_emails` like every other staff email,
 * so the delivery worker sends and retries it.
 *
 * Every API process runs the scheduler. An email is claimed before it is composed: a row with its
 * dedupe key (`<kind>:<user>:<local date>`) is inserted in state `preparing`, and only the process
 * whose insert went in composes it; the others see the key and move on. So two processes never
 * compute the same digest, and a user never gets one twice. A process that dies while composing
 * leaves a stale `preparing` row, which the next run removes and claims again.
 */
import { randomBytes } from 'node:crypto';
import {
  defaultNotificationSettings,
  type Metrics,
  type NotificationSettings,
  type SurveyKind,
  scoreBandBounds,
} from '@closeloop/shared';
import { and, asc, count, desc, eq, gte, inArray, isNull, lt, or, sql } from 'drizzle-orm';
import type { Database } from '../db/client.ts';
import { selectRows } from '../db/rows.ts';
import {
  notificationSettings,
  projects,
  responseActivity,
  responses,
  staffEmails,
  staffUsers,
  surveys,
} from '../db/schema/index.ts';
import { computeMetrics } from './metrics.ts';
import {
  type Email,
  hashToken,
  kindNames,
  type NotificationKind,
  render,
  settingsOfUser,
} from './staff-notifications.ts';
import { uuidv7 } from './uuid7.ts';

/** The local hour at which the daily and weekly emails are due. */
export const morningHour = 8;
/** A claim older than this was left by a process that died while composing; it is claimed again. */
const staleClaimMinutes = 10;
/** At most this many follow-ups are listed in a daily email (the rest are counted). */
const listLimit = 20;
/** Detractor comments in a digest. */
const digestComments = 5;

type ScheduledKind = Extract<NotificationKind, 'daily_follow_ups' | 'overdue' | 'weekly_digest'>;

interface Recipient {
  projectId: string;
  projectName: string;
  userId: string;
  email: string;
  settings: NotificationSettings;
}

/** A user's calendar at a moment: local date and hour, and the instants the emails cover. */
export interface LocalCalendar {
  timeZone: string;
  /** Local date, YYYY-MM-DD. */
  date: string;
  hour: number;
  /** ISO weekday, 1 = Monday. */
  weekday: number;
  /** Local midnight today and yesterday. */
  today: Date;
  yesterday: Date;
  /** Local Monday 00:00 of this week and of the week before. */
  week: Date;
  previousWeek: Date;
  /** Local date of `previousWeek`, YYYY-MM-DD (the digest's week). */
  previousWeekDate: string;
}

/** The calendar of `zone` at `now`, by Postgres's time zone rules (those metrics buckets use). */
export async function localCalendar(database: Database, zone: string, now: Date): Promise<LocalCalendar> {
  const [row] = await selectRows<Record<string, string | number>>(
    database.db,
    sql`select to_char(l, 'YYYY-MM-DD') as date, extract(hour from l)::int as hour,
       extract(isodow from l)::int as weekday,
       extract(epoch from date_trunc('day', l) at time zone ${zone})::float8 * 1000 as today,
       extract(epoch from (date_trunc('day', l) - interval '1 day') at time zone ${zone})::float8 * 1000 as yesterday,
       extract(epoch from date_trunc('week', l) at time zone ${zone})::float8 * 1000 as week,
       extract(epoch from (date_trunc('week', l) - interval '1 week') at time zone ${zone})::float8 * 1000 as previous_week,
       to_char(date_trunc('week', l) - interval '1 week', 'YYYY-MM-DD') as previous_week_date
     from (select ${now.toISOString()}::timestamptz at time zone ${zone} as l) as local`,
  );
  return {
    timeZone: zone,
    date: String(row!.date),
    hour: Number(row!.hour),
    weekday: Number(row!.weekday),
    today: new Date(Number(row!.today)),
    yesterday: new Date(Number(row!.yesterday)),
    week: new Date(Number(row!.week)),
    previousWeek: new Date(Number(row!.previous_week)),
    previousWeekDate: String(row!.previous_week_date),
  };
}

const round = (value: number) => Math.round(value);
const signed = (value: number) => (value > 0 ? `+${round(value)}` : String(round(value)));
const scoreText = (kind: SurveyKind, value: number) =>
  kind === 'nps' ? String(round(value)) : `${round(value)} %`;
const responseLink = (id: string) => `{base}/inbox/#/responses/${id}`;
const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** One survey's line of the digest: score, 95 % interval, responses, change against the week before. */
export function digestSurveyLine(name: string, metrics: Metrics): string {
  const { total, previous, change, kind } = metrics;
  const head = `${name} (${kindNames[kind]}): `;
  if (total.n === 0 || total.score === null) {
    return `${head}no responses (${plural(previous.n, 'response')} the week before)`;
  }
  const interval = total.ci
    ? ` (95 % interval ${scoreText(kind, total.ci.low)} to ${scoreText(kind, total.ci.high)})`
    : '';
  const against =
    previous.n === 0 || change.difference === null
      ? 'no responses the week before'
      : `${signed(change.difference)} against the week before (${scoreText(kind, previous.score!)}), ${
          change.significant ? 'significant' : 'not significant'
        }${change.pValue === null ? '' : `, p = ${change.pValue.toFixed(3)}`}`;
  return `${head}${scoreText(kind, total.score)}${interval}, ${plural(total.n, 'response')}; ${against}`;
}

export interface WeeklyDigest {
  from: Date;
  to: Date;
  timeZone: string;
  /** Each survey's `/v1/metrics` for the week (interval=week, from, to, timezone). */
  surveys: { id: string; name: string; metrics: Metrics }[];
  detractorComments: {
    id: string;
    surveyName: string;
    kind: SurveyKind;
    score: number;
    comment: string;
    submittedAt: Date;
  }[];
  openFollowUps: number;
  overdueFollowUps: number;
}

const openStatuses = ['open', 'in_progress'] as const;

/**
 * The weekly digest's numbers for a project and week. Scores, intervals, counts and changes are
 * `computeMetrics` itself, so the digest says exactly what `GET /v1/metrics` says.
 */
export async function buildWeeklyDigest(
  database: Database,
  projectId: string,
  week: { from: Date; to: Date; timeZone: string },
  now: Date,
): Promise<WeeklyDigest> {
  const db = database.db;
  const surveyRows = await db
    .select({ id: surveys.id, name: surveys.name })
    .from(surveys)
    .where(and(eq(surveys.projectId, projectId), isNull(surveys.deletedAt)))
    .orderBy(asc(surveys.name), asc(surveys.id));
  const surveyMetrics = [];
  for (const survey of surveyRows) {
    const metrics = await computeMetrics(database, projectId, {
      surveyId: survey.id,
      interval: 'week',
      from: week.from.toISOString(),
      to: week.to.toISOString(),
      timezone: week.timeZone,
    });
    surveyMetrics.push({ ...survey, metrics });
  }
  const names = new Map(surveyRows.map((survey) => [survey.id, survey.name]));
  const negative = or(
    ...(Object.entries(scoreBandBounds) as [SurveyKind, { negativeMax: number }][]).map(([kind, bounds]) =>
      and(eq(responses.kind, kind), sql`${responses.score} <= ${bounds.negativeMax}`),
    ),
  );
  const comments = await db
    .select({
      id: responses.id,
      surveyId: responses.surveyId,
      kind: responses.kind,
      score: responses.score,
      comment: responses.comment,
      submittedAt: responses.submittedAt,
    })
    .from(responses)
    .where(
      and(
        eq(responses.projectId, projectId),
        gte(responses.submittedAt, week.from),
        lt(responses.submittedAt, week.to),
        eq(responses.quarantined, false),
        sql`${responses.comment} is not null and ${responses.comment} <> ''`,
        negative,
      ),
    )
    .orderBy(desc(responses.submittedAt), desc(responses.id))
    .limit(digestComments);
  const [followUps] = await db
    .select({
      open: count(),
      overdue:
        sql<number>`count(*) filter (where ${responses.dueAt} < ${now.toISOString()}::timestamptz)`.mapWith(
          Number,
        ),
    })
    .from(responses)
    .where(and(eq(responses.projectId, projectId), inArray(responses.followUpStatus, [...openStatuses])));
  return {
    from: week.from,
    to: week.to,
    timeZone: week.timeZone,
    surveys: surveyMetrics,
    detractorComments: comments.map((row) => ({
      id: row.id,
      surveyName: names.get(row.surveyId) ?? 'a deleted survey',
      kind: row.kind,
      score: row.score,
      comment: row.comment!,
      submittedAt: row.submittedAt,
    })),
    openFollowUps: followUps?.open ?? 0,
    overdueFollowUps: followUps?.overdue ?? 0,
  };
}

function digestEmail(projectName: string, calendar: LocalCalendar, digest: WeeklyDigest): Email {
  const total = digest.surveys.reduce((sum, survey) => sum + survey.metrics.total.n, 0);
  const lines = [
    `The week of ${calendar.previousWeekDate} (${calendar.timeZone}) in ${projectName}: ${plural(total, 'response')}.`,
    ...(digest.surveys.length === 0
      ? ['No surveys yet.']
      : digest.surveys.map((survey) => digestSurveyLine(survey.name, survey.metrics))),
    digest.detractorComments.length === 0
      ? 'No detractor comments this week.'
      : `Newest detractor comments:\n${digest.detractorComments
          .map(
            (entry) =>
              `• ${kindNames[entry.kind]} ${entry.score} on ${entry.surveyName}: "${entry.comment}" ${responseLink(entry.id)}`,
          )
          .join('\n')}`,
    `Follow-ups: ${digest.openFollowUps} open, ${digest.overdueFollowUps} overdue.`,
  ];
  return {
    subject: `Weekly digest for ${projectName}: ${plural(total, 'response')}`,
    lines,
    link: { label: 'Insights in the inbox', href: '{base}/inbox/#/insights' },
    responseIds: digest.detractorComments.map((entry) => entry.id),
  };
}

interface ListedFollowUp {
  id: string;
  surveyId: string;
  kind: SurveyKind;
  score: number;
  comment: string | null;
  dueAt: Date | null;
}

function followUpLine(entry: ListedFollowUp, names: Map<string, string>) {
  const due = entry.dueAt ? `, due ${entry.dueAt.toISOString().replace('T', ' ').slice(0, 16)} UTC` : '';
  const comment = entry.comment
    ? `: "${entry.comment.length > 200 ? `${entry.comment.slice(0, 200)}…` : entry.comment}"`
    : '';
  return `• ${kindNames[entry.kind]} ${entry.score} on ${names.get(entry.surveyId) ?? 'a deleted survey'}${comment}${due} ${responseLink(entry.id)}`;
}

async function surveyNameMap(database: Database, projectId: string) {
  const rows = await database.db
    .select({ id: surveys.id, name: surveys.name })
    .from(surveys)
    .where(eq(surveys.projectId, projectId));
  return new Map(rows.map((row) => [row.id, row.name]));
}

const listColumns = {
  id: responses.id,
  surveyId: responses.surveyId,
  kind: responses.kind,
  score: responses.score,
  comment: responses.comment,
  dueAt: responses.dueAt,
};

/** Follow-ups still open that were opened in [from, to): received then, or reopened then. */
async function newFollowUps(database: Database, projectId: string, from: Date, to: Date) {
  const opened = and(
    eq(responses.projectId, projectId),
    inArray(responses.followUpStatus, [...openStatuses]),
    or(
      and(gte(responses.receivedAt, from), lt(responses.receivedAt, to)),
      sql`exists (select 1 from ${responseActivity} where ${responseActivity.projectId} = ${responses.projectId}
        and ${responseActivity.responseId} = ${responses.id} and ${responseActivity.type} = 'status_changed'
        and ${responseActivity.detail} ->> 'to' = 'open'
        and ${responseActivity.createdAt} >= ${from.toISOString()}::timestamptz
        and ${responseActivity.createdAt} < ${to.toISOString()}::timestamptz)`,
    ),
  );
  const [rows, [total]] = await Promise.all([
    database.db
      .select(listColumns)
      .from(responses)
      .where(opened)
      .orderBy(asc(responses.dueAt), asc(responses.id))
      .limit(listLimit),
    database.db.select({ n: count() }).from(responses).where(opened),
  ]);
  return { rows, total: total?.n ?? 0 };
}

async function overdueFollowUps(database: Database, projectId: string, userId: string, now: Date) {
  const overdue = and(
    eq(responses.projectId, projectId),
    eq(responses.assigneeId, userId),
    inArray(responses.followUpStatus, [...openStatuses]),
    lt(responses.dueAt, now),
  );
  const [rows, [total]] = await Promise.all([
    database.db
      .select(listColumns)
      .from(responses)
      .where(overdue)
      .orderBy(asc(responses.dueAt), asc(responses.id))
      .limit(listLimit),
    database.db.select({ n: count() }).from(responses).where(overdue),
  ]);
  return { rows, total: total?.n ?? 0 };
}

/** Composes a claimed email; null when there is nothing to tell. */
async function compose(
  database: Database,
  recipient: Recipient,
  kind: ScheduledKind,
  calendar: LocalCalendar,
  now: Date,
): Promise<Email | null> {
  const { projectId, projectName } = recipient;
  if (kind === 'weekly_digest') {
    const digest = await buildWeeklyDigest(
      database,
      projectId,
      { from: calendar.previousWeek, to: calendar.week, timeZone: calendar.timeZone },
      now,
    );
    return digestEmail(projectName, calendar, digest);
  }
  const list =
    kind === 'daily_follow_ups'
      ? await newFollowUps(database, projectId, calendar.yesterday, calendar.today)
      : await overdueFollowUps(database, projectId, recipient.userId, now);
  if (list.total === 0) return null;
  const names = await surveyNameMap(database, projectId);
  const more = list.total > list.rows.length ? [`…and ${list.total - list.rows.length} more.`] : [];
  const lines = list.rows.map((row) => followUpLine(row, names)).join('\n');
  const responseIds = list.rows.map((row) => row.id);
  return kind === 'daily_follow_ups'
    ? {
        subject: `${plural(list.total, 'new follow-up')} yesterday in ${projectName}`,
        lines: [`Follow-ups opened yesterday (${calendar.timeZone}) and still open:`, lines, ...more],
        link: { label: 'Open follow-ups in the inbox', href: '{base}/inbox/#/' },
        responseIds,
      }
    : {
        subject: `${plural(list.total, 'overdue follow-up')} assigned to you in ${projectName}`,
        lines: ['These follow-ups assigned to you are past their due date:', lines, ...more],
        link: { label: 'Your follow-ups in the inbox', href: '{base}/inbox/#/' },
        responseIds,
      };
}

/** The emails a recipient is due at `calendar`, with their dedupe keys. */
function dueKinds(recipient: Recipient, calendar: LocalCalendar): { kind: ScheduledKind; key: string }[] {
  if (calendar.hour < morningHour) return [];
  const { settings, userId } = recipient;
  const due: { kind: ScheduledKind; key: string }[] = [];
  if (settings.newFollowUps === 'daily') {
    due.push({ kind: 'daily_follow_ups', key: `daily_follow_ups:${userId}:${calendar.date}` });
  }
  if (settings.overdue) due.push({ kind: 'overdue', key: `overdue:${userId}:${calendar.date}` });
  if (settings.weeklyDigest && calendar.weekday === 1) {
    due.push({ kind: 'weekly_digest', key: `weekly_digest:${userId}:${calendar.previousWeekDate}` });
  }
  return due;
}

export interface ScheduledOutcome {
  /** Emails queued for sending by this run. */
  queued: number;
  /** Emails claimed but with nothing to tell (no new or overdue follow-ups). */
  empty: number;
}

/**
 * Queues the daily and weekly emails due at `now` (injectable so tests control the clock). Safe
 * to run in every process at once and as often as wanted: each email is claimed once.
 */
export async function queueScheduledEmails(
  database: Database,
  now: Date,
  scope: { projectId?: string } = {},
): Promise<ScheduledOutcome> {
  const db = database.db;
  const outcome: ScheduledOutcome = { queued: 0, empty: 0 };
  await db
    .delete(staffEmails)
    .where(
      and(
        eq(staffEmails.status, 'preparing'),
        lt(staffEmails.createdAt, sql`now() - ${`${staleClaimMinutes} minutes`}::interval`),
      ),
    );
  const rows = await db
    .select({
      projectId: staffUsers.projectId,
      projectName: projects.name,
      userId: staffUsers.id,
      email: staffUsers.email,
      assigned: notificationSettings.assigned,
      newFollowUps: notificationSettings.newFollowUps,
      overdue: notificationSettings.overdue,
      weeklyDigest: notificationSettings.weeklyDigest,
      timeZone: notificationSettings.timeZone,
    })
    .from(staffUsers)
    .innerJoin(projects, eq(projects.id, staffUsers.projectId))
    .leftJoin(notificationSettings, settingsOfUser)
    .where(
      and(
        isNull(staffUsers.deactivatedAt),
        scope.projectId ? eq(staffUsers.projectId, scope.projectId) : undefined,
      ),
    )
    .orderBy(asc(staffUsers.projectId), asc(staffUsers.id));
  const calendars = new Map<string, LocalCalendar>();
  const calendarOf = async (zone: string) => {
    let calendar = calendars.get(zone);
    if (!calendar) {
      // A zone Postgres no longer knows (after an upgrade) falls back to UTC.
      calendar = await localCalendar(database, zone, now).catch(() => localCalendar(database, 'UTC', now));
      calendars.set(zone, calendar);
    }
    return calendar;
  };
  for (const row of rows) {
    const settings: NotificationSettings =
      row.assigned === null
        ? { ...defaultNotificationSettings }
        : {
            assigned: row.assigned,
            newFollowUps: row.newFollowUps!,
            overdue: row.overdue!,
            weeklyDigest: row.weeklyDigest!,
            timeZone: row.timeZone!,
          };
    const recipient: Recipient = {
      projectId: row.projectId,
      projectName: row.projectName,
      userId: row.userId,
      email: row.email,
      settings,
    };
    const calendar = await calendarOf(settings.timeZone);
    const due = dueKinds(recipient, calendar);
    if (due.length === 0) continue;
    const existing = await db
      .select({ key: staffEmails.dedupeKey })
      .from(staffEmails)
      .where(
        and(
          eq(staffEmails.projectId, recipient.projectId),
          inArray(
            staffEmails.dedupeKey,
            due.map((entry) => entry.key),
          ),
        ),
      );
    const taken = new Set(existing.map((entry) => entry.key));
    for (const entry of due) {
      if (taken.has(entry.key)) continue;
      const result = await sendWhenComposed(database, recipient, entry, calendar, now);
      if (result) outcome[result] += 1;
    }
  }
  return outcome;
}

/** Claims one email by its dedupe key, composes it and queues it; null when another process has it. */
async function sendWhenComposed(
  database: Database,
  recipient: Recipient,
  entry: { kind: ScheduledKind; key: string },
  calendar: LocalCalendar,
  now: Date,
): Promise<keyof ScheduledOutcome | null> {
  const db = database.db;
  const id = uuidv7();
  const claimToken = crypto.randomUUID();
  const claimed = await db
    .insert(staffEmails)
    .values({
      projectId: recipient.projectId,
      id,
      userId: recipient.userId,
      kind: entry.kind,
      dedupeKey: entry.key,
      toAddress: recipient.email,
      subject: '',
      text: '',
      html: '',
      status: 'preparing',
      leaseToken: claimToken,
    })
    .onConflictDoNothing()
    .returning({ id: staffEmails.id });
  if (claimed.length === 0) return null;
  const ofClaim = and(
    eq(staffEmails.projectId, recipient.projectId),
    eq(staffEmails.id, id),
    eq(staffEmails.leaseToken, claimToken),
  );
  try {
    const email = await compose(database, recipient, entry.kind, calendar, now);
    if (!email) {
      await db
        .update(staffEmails)
        .set({ status: 'skipped', subject: 'Nothing to tell', leaseToken: null })
        .where(ofClaim);
      return 'empty';
    }
    const token = randomBytes(24).toString('base64url');
    const { text, html } = render(email, `{base}/v1/notifications/unsubscribe?token=${token}`);
    await db
      .update(staffEmails)
      .set({
        subject: email.subject,
        text,
        html,
        unsubscribeTokenHash: hashToken(token),
        responseIds: email.responseIds ?? [],
        status: 'pending',
        leaseToken: null,
        nextAttemptAt: sql`now()`,
      })
      .where(ofClaim);
    return 'queued';
  } catch (error) {
    // Let the next run try again.
    await db.delete(staffEmails).where(ofClaim);
    throw error;
  }
}
