/** Email replies to respondents over SMTP (SMTP_URL), recorded as messages and activity. */
import type { EmailMessage, ReplyCreate } from '@closeloop/shared';
import { and, eq } from 'drizzle-orm';
import nodemailer, { type Transporter } from 'nodemailer';
import type { Db } from '../db/client.ts';
import { emailMessages, projects, respondents, responses, staffUsers } from '../db/schema/index.ts';
import { Errors } from '../errors.ts';
import { actorOf, recordActivity } from './activity.ts';
import type { Auth } from './auth.ts';
import { responseNotFound } from './responses.ts';

export interface Mailer {
  send(message: {
    from: string;
    to: string;
    replyTo?: string;
    subject: string;
    text: string;
    html?: string;
    headers?: Record<string, string>;
  }): Promise<{
    messageId: string;
  }>;
  close(): void;
}

/** A mailer over SMTP_URL, or null when it is not configured. */
export function createMailer(smtpUrl: string | undefined): Mailer | null {
  if (!smtpUrl) return null;
  const transport: Transporter = nodemailer.createTransport(smtpUrl);
  return {
    send: async (message) => {
      const info = await transport.sendMail(message);
      return { messageId: String(info.messageId ?? '') };
    },
    close: () => transport.close(),
  };
}

const quote = (text: string) =>
  text
    .split('\n')
    .map((line) => `> ${line}`)
    .join('\n');

/**
 * Sends a reply to the respondent of a response. The message is stored and recorded as activity
 * only once the mail server has accepted it.
 */
export async function sendReply(
  db: Db,
  mailer: Mailer | null,
  from: string,
  auth: Auth,
  responseId: string,
  reply: ReplyCreate,
): Promise<EmailMessage> {
  const projectId = auth.projectId;
  const [row] = await db
    .select({
      comment: responses.comment,
      email: respondents.email,
      verified: respondents.verified,
      claimed: responses.claimedRespondent,
      projectName: projects.name,
    })
    .from(responses)
    .innerJoin(projects, eq(projects.id, responses.projectId))
    .leftJoin(
      respondents,
      and(eq(respondents.projectId, responses.projectId), eq(respondents.id, responses.respondentId)),
    )
    .where(and(eq(responses.projectId, projectId), eq(responses.id, responseId)))
    .limit(1);
  if (!row) throw responseNotFound(responseId);
  // The stored respondent's address, else the one claimed on this response alone.
  const to = row.email ?? row.claimed?.email ?? null;
  if (!to) throw new Errors.RespondentEmailUnknown();
  // Only a verified respondent's address is known to be theirs; any other may be an attacker's.
  const verified = row.email !== null && row.verified === true;
  if (!mailer) throw new Errors.EmailNotConfigured();
  if (!verified && reply.confirmUnverified !== true) throw new Errors.UnverifiedRecipient(to);

  let replyTo: string | undefined;
  if (auth.userId) {
    const [user] = await db
      .select({ email: staffUsers.email })
      .from(staffUsers)
      .where(eq(staffUsers.id, auth.userId));
    replyTo = user?.email;
  }
  const subject = reply.subject ?? `Re: your feedback to ${row.projectName}`;
  const text = row.comment ? `${reply.body}\n\n${quote(row.comment)}\n` : `${reply.body}\n`;
  let messageId: string;
  try {
    ({ messageId } = await mailer.send({
      from,
      to,
      ...(replyTo ? { replyTo } : {}),
      subject,
      text,
    }));
  } catch {
    throw new Errors.Unavailable(
      'The mail server did not accept the reply; nothing was sent. Try again later.',
    );
  }
  const actor = actorOf(auth);
  const stored = await db.transaction(async (tx) => {
    const [message] = await tx
      .insert(emailMessages)
      .values({
        projectId,
        responseId,
        senderKind: actor.kind === 'user' ? 'user' : 'secret_key',
        senderId: actor.id,
        senderName: actor.name,
        toAddress: to,
        subject,
        body: reply.body,
        messageId,
      })
      .returning();
    await recordActivity(tx, projectId, [
      {
        responseId,
        type: 'reply_sent',
        actor,
        detail: {
          messageId: message!.id,
          to,
          subject,
          body: reply.body,
          ...(verified ? {} : { unverifiedRecipient: true }),
        },
      },
    ]);
    return message!;
  });
  return {
    id: stored.id,
    responseId,
    to: stored.toAddress,
    subject: stored.subject,
    body: stored.body,
    sentBy: actor,
    createdAt: stored.createdAt.toISOString(),
  };
}
