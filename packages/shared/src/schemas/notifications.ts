/** A staff member's email notifications (GET|PATCH /v1/notifications). */
import { z } from 'zod';
import { timeZoneSchema } from './metrics.ts';

export const notificationSettingsSchema = z.object({
  assigned: z.boolean().describe('Email me at once when a follow-up is assigned to me'),
  newFollowUps: z
    .enum(['off', 'immediately', 'daily'])
    .describe(
      'New open follow-ups in my project: no email, one email each at once, or a daily summary ' +
        '(the day before, sent at 8:00 in my time zone)',
    ),
  overdue: z.boolean().describe('A daily email (8:00 in my time zone) listing my overdue follow-ups'),
  weeklyDigest: z
    .boolean()
    .describe(
      "A weekly digest on Monday at 8:00 in my time zone: each survey's score with its 95 % interval and " +
        'change against the week before, response counts, the newest detractor comments, open and overdue follow-ups',
    ),
  timeZone: timeZoneSchema.describe('The IANA time zone the daily and weekly emails follow'),
});
export type NotificationSettings = z.infer<typeof notificationSettingsSchema>;

/** The settings of a user who never changed them (and of a secret key, which has none). */
export const defaultNotificationSettings: NotificationSettings = {
  assigned: true,
  newFollowUps: 'off',
  overdue: true,
  weeklyDigest: true,
  timeZone: 'UTC',
};

export const notificationSettingsUpdateSchema = notificationSettingsSchema
  .partial()
  .strict()
  .refine((patch) => Object.keys(patch).length > 0, { message: 'Give at least one setting to change' });
