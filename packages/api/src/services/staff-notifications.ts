/**
 * Emails to staff: a follow-up assigned to me, a new open follow-up (for those who asked), and an
 * endpoint disabled after failing. They are queued in `staff_emails` inside the transaction of the
 * change (like webhooks) and sent by the delivery worker, so none is lost or sent twice.
 * Links hold `{base}`, replaced by the server's address when the email is sent.
 */
import { createHash, randomBytes } from 'node:crypto';
import {
  defaultNotificationSettings,
  type NotificationSettings,
  type ResponseRecord,
} from '@closeloop/shared';
import { and, eq, inArray, isNull, or } from 'drizzle-orm';
import type { Db, Tx } from '../db/client.ts';
import { notificationSettings, staffEmails, staffUsers, surveys } from '../db/schema/index.ts';
import { Errors, ValidationError } from '../errors.ts';
import type { Auth } from './auth.ts';
import { databaseTimeZone } from './time-zones.ts';
import { uuidv7 } from './uuid7.ts';

export type NotificationKind =
  | 'assigned'
  | 'new_follow_up'
  | 'daily_follow_ups'
  | 'overdue'
  | 'weekly_digest'
  | 'webhook_disabled';

export const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
export const kindNames = { nps: 'NPS', csat: 'CSAT', ces: 'CES' } as const;

export const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

export interface Email {
  subject: string;
  /** Paragraphs of plain text; the HTML part is made from the same text. */
  lines: string[];
  link: { label: string; href: string };
  /** The responses it names, so erasing their respondent finds it. */
  responseIds?: string[];
}

/** Makes the server's own links (`{base}/…`, already escaped) in a line of HTML clickable. */
const linkInboxUrls = (html: string) =>
  html.replace(/\{base\}\/[^\s<"&]*/g, (href) => `<a href="${href}">open in the inbox</a>`);

/** Plain-text and HTML parts of an email, both with the unsubscribe link. */
export function render(email: Email, unsubscribeHref: string | null) {
  const footer = unsubscribeHref
    ? `You get this email because of your Closeloop notification settings. Unsubscribe: ${unsubscribeHref}`
    : 'You get this email because you own this Closeloop project.';
  const text = [...email.lines, `${email.link.label}: ${email.link.href}`, '', '—', footer].join('\n\n');
  const html = [
    '<!doctype html><html><body style="font-family:system-ui,sans-serif;color:#1f2933;max-width:36rem">',
    ...email.lines.map((line) => `<p style="white-space:pre-wrap">${linkInboxUrls(escapeHtml(line))}</p>`),
    `<p><a href="${escapeHtml(email.link.href)}">${escapeHtml(email.link.label)}</a></p>`,
    `<hr><p style="font-size:12px;color:#52606d">${
      unsubscribeHref
        ? `You get this email because of your Closeloop notification settings. <a href="${escapeHtml(unsubscribeHref)}">Unsubscribe</a>`
        : escapeHtml(footer)
    }</p></body></html>`,
  ].join('');
  return { text, html };
}

/** Queues one email (with its own unsubscribe token when `kind` can be turned off). */
async function queueEmail(
  tx: Tx | Db,
  projectId: string,
  user: { id: string; email: string },
  kind: NotificationKind,
  dedupeKey: string,
  email: Email,
) {
  const token = kind === 'webhook_disabled' ? null : randomBytes(24).toString('base64url');
  const { text, html } = render(email, token ? `{base}/v1/notifications/unsubscribe?token=${token}` : null);
  await tx
    .insert(staffEmails)
    .values({
      projectId,
      id: uuidv7(),
      userId: user.id,
      kind,
      dedupeKey,
      toAddress: user.email,
      subject: email.subject,
      text,
      html,
      unsubscribeTokenHash: token ? hashToken(token) : null,
      responseIds: email.responseIds ?? [],
    })
    .onConflictDoNothing();
}

function describeResponse(response: ResponseRecord, surveyName: string) {
  const lines = [`${kindNames[response.kind]} ${response.score} on "${surveyName}"`];
  if (response.comment) lines.push(`"${response.comment}"`);
  const who = response.respondent?.email ?? response.respondent?.externalId;
  if (who) lines.push(`From ${who}`);
  if (response.followUp.dueAt)
    lines.push(`Due ${response.followUp.dueAt.replace('T', ' ').slice(0, 16)} UTC`);
  return lines;
}

async function surveyNames(tx: Tx | Db, projectId: string, responses: ResponseRecord[]) {
  const ids = [...new Set(responses.map((response) => response.surveyId))];
  if (ids.length === 0) return new Map<string, string>();
  const rows = await tx
    .select({ id: surveys.id, name: surveys.name })
    .from(surveys)
    .where(and(eq(surveys.projectId, projectId), inArray(surveys.id, ids)));
  return new Map(rows.map((row) => [row.id, row.name]));
}

/** Joins a staff user (`staff_users`) to their notification settings, absent until first saved. */
export const settingsOfUser = and(
  eq(notificationSettings.projectId, staffUsers.projectId),
  eq(notificationSettings.userId, staffUsers.id),
);

/**
 * Whether follow-up events may email anyone: an "assigned" event (its assignee may want to hear
 * of it), or an "opened" one while someone wants new follow-ups at once. At most one small query,
 * so that a caller can skip reading whole responses when nobody is to be told.
 */
export async function mayEmailStaff(
  tx: Tx | Db,
  projectId: string,
  events: { type: 'followup.assigned' | 'followup.opened' }[],
): Promise<boolean> {
  if (events.some((event) => event.type === 'followup.assigned')) return true;
  if (events.length === 0) return false;
  const [wanted] = await tx
    .select({ id: staffUsers.id })
    .from(staffUsers)
    .innerJoin(notificationSettings, settingsOfUser)
    .where(
      and(
        eq(staffUsers.projectId, projectId),
        isNull(staffUsers.deactivatedAt),
        eq(notificationSettings.newFollowUps, 'immediately'),
      ),
    )
    .limit(1);
  return wanted !== undefined;
}

/**
 * Queues the immediate emails of follow-up events: "assigned to you" to each new assignee (unless
 * they turned it off), and "new open follow-up" to everyone who asked for it at once.
 */
export async function enqueueFollowUpEmails(
  tx: Tx | Db,
  projectId: string,
  events: { type: 'followup.assigned' | 'followup.opened'; response: ResponseRecord }[],
) {
  if (events.length === 0) return;
  const assigneeIds = [
    ...new Set(
      events
        .filter((event) => event.type === 'followup.assigned')
        .map((event) => event.response.followUp.assigneeId!),
    ),
  ];
  const opened = events.filter((event) => event.type === 'followup.opened');
  const users = await tx
    .select({
      id: staffUsers.id,
      email: staffUsers.email,
      assigned: notificationSettings.assigned,
      newFollowUps: notificationSettings.newFollowUps,
    })
    .from(staffUsers)
    .leftJoin(notificationSettings, settingsOfUser)
    .where(
      and(
        eq(staffUsers.projectId, projectId),
        isNull(staffUsers.deactivatedAt),
        or(
          assigneeIds.length > 0 ? inArray(staffUsers.id, assigneeIds) : undefined,
          opened.length > 0 ? eq(notificationSettings.newFollowUps, 'immediately') : undefined,
        ),
      ),
    );
  if (users.length === 0) return;
  const names = await surveyNames(
    tx,
    projectId,
    events.map((event) => event.response),
  );
  for (const event of events) {
    const response = event.response;
    const surveyName = names.get(response.surveyId) ?? 'a deleted survey';
    const link = { label: 'Open it in the inbox', href: `{base}/inbox/#/responses/${response.id}` };
    const responseIds = [response.id];
    if (event.type === 'followup.assigned') {
      const user = users.find((candidate) => candidate.id === response.followUp.assigneeId);
      if (!user || user.assigned === false) continue;
      await queueEmail(tx, projectId, user, 'assigned', `assigned:${response.id}:${uuidv7()}`, {
        subject: `Assigned to you: ${kindNames[response.kind]} ${response.score} on ${surveyName}`,
        lines: ['A follow-up was assigned to you.', ...describeResponse(response, surveyName)],
        link,
        responseIds,
      });
    } else {
      for (const user of users) {
        if (user.newFollowUps !== 'immediately') continue;
        await queueEmail(
          tx,
          projectId,
          user,
          'new_follow_up',
          `opened:${response.id}:${user.id}:${uuidv7()}`,
          {
            subject: `New follow-up: ${kindNames[response.kind]} ${response.score} on ${surveyName}`,
            lines: ['A new follow-up is open.', ...describeResponse(response, surveyName)],
            link,
            responseIds,
          },
        );
      }
    }
  }
}

/** Queues an email to each active owner: their webhook endpoint was disabled after failing. */
export async function enqueueWebhookDisabledEmails(
  tx: Tx | Db,
  endpoint: { projectId: string; id: string; url: string },
) {
  const owners = await tx
    .select({ id: staffUsers.id, email: staffUsers.email })
    .from(staffUsers)
    .where(
      and(
        eq(staffUsers.projectId, endpoint.projectId),
        eq(staffUsers.role, 'owner'),
        isNull(staffUsers.deactivatedAt),
      ),
    );
  for (const owner of owners) {
    await queueEmail(
      tx,
      endpoint.projectId,
      owner,
      'webhook_disabled',
      `webhook-disabled:${endpoint.id}:${uuidv7()}`,
      {
        subject: 'A Closeloop webhook was disabled',
        lines: [
          `Every delivery to ${endpoint.url} failed for 5 days, so Closeloop disabled this webhook.`,
          'Fix the receiver, then enable the webhook again in the inbox (Webhooks) or with PATCH /v1/webhooks/:id {"enabled": true}; failed messages can be retried from the delivery log.',
        ],
        link: { label: 'Webhooks in the inbox', href: '{base}/inbox/#/webhooks' },
      },
    );
  }
}

/** The setting an unsubscribe link of each kind of email turns off. */
const unsubscribeChange: Record<NotificationKind, Partial<NotificationSettings>> = {
  assigned: { assigned: false },
  new_follow_up: { newFollowUps: 'off' },
  daily_follow_ups: { newFollowUps: 'off' },
  overdue: { overdue: false },
  weekly_digest: { weeklyDigest: false },
  webhook_disabled: {},
};

/** Turns off the kind of email that carried this unsubscribe token. */
export async function unsubscribe(db: Db, token: string): Promise<{ kind: NotificationKind }> {
  const [email] = await db
    .select({ projectId: staffEmails.projectId, userId: staffEmails.userId, kind: staffEmails.kind })
    .from(staffEmails)
    .where(eq(staffEmails.unsubscribeTokenHash, hashToken(token)))
    .limit(1);
  if (!email) throw new Errors.NotFound('This unsubscribe link is not valid (or its email was deleted)');
  const change = unsubscribeChange[email.kind as NotificationKind];
  if (Object.keys(change).length === 0) return { kind: email.kind as NotificationKind };
  await db
    .insert(notificationSettings)
    .values({ projectId: email.projectId, userId: email.userId, ...change })
    .onConflictDoUpdate({
      target: [notificationSettings.projectId, notificationSettings.userId],
      set: { ...change, updatedAt: new Date() },
    });
  return { kind: email.kind as NotificationKind };
}

/** A staff user's notification settings (defaults when never saved). */
export async function getNotificationSettings(
  db: Db,
  projectId: string,
  userId: string,
): Promise<NotificationSettings> {
  const [row] = await db
    .select({
      assigned: notificationSettings.assigned,
      newFollowUps: notificationSettings.newFollowUps,
      overdue: notificationSettings.overdue,
      weeklyDigest: notificationSettings.weeklyDigest,
      timeZone: notificationSettings.timeZone,
    })
    .from(notificationSettings)
    .where(and(eq(notificationSettings.projectId, projectId), eq(notificationSettings.userId, userId)));
  return row ?? { ...defaultNotificationSettings };
}

/** GET /v1/notifications: the signed-in user's settings; a secret key has none and gets the defaults. */
export async function notificationSettingsOf(db: Db, auth: Auth): Promise<NotificationSettings> {
  if (!auth.userId) return { ...defaultNotificationSettings };
  return getNotificationSettings(db, auth.projectId, auth.userId);
}

/** PATCH /v1/notifications: changes the signed-in user's settings (409 for a secret key). */
export async function changeNotificationSettings(
  db: Db,
  auth: Auth,
  change: Partial<NotificationSettings>,
): Promise<NotificationSettings> {
  const patch = { ...change };
  if (patch.timeZone) {
    // Emails are scheduled by Postgres's clock arithmetic, so the zone must be one it knows.
    patch.timeZone = await databaseTimeZone(db, patch.timeZone).catch(() => {
      throw new ValidationError([
        { path: 'timeZone', message: `the database does not know the time zone "${patch.timeZone}"` },
      ]);
    });
  }
  return updateNotificationSettings(db, auth.projectId, auth.userId, patch);
}

/** Changes a staff user's notification settings. */
export async function updateNotificationSettings(
  db: Db,
  projectId: string,
  userId: string | null,
  patch: Partial<NotificationSettings>,
): Promise<NotificationSettings> {
  if (!userId) {
    throw new Errors.Conflict(
      'Notification settings belong to a staff user; a secret key has none. Sign in to the inbox to change yours',
    );
  }
  await db
    .insert(notificationSettings)
    .values({ projectId, userId, ...patch })
    .onConflictDoUpdate({
      target: [notificationSettings.projectId, notificationSettings.userId],
      set: { ...patch, updatedAt: new Date() },
    });
  return getNotificationSettings(db, projectId, userId);
}
