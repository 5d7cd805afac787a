/** A staff member's email notifications (GET|PATCH /v1/notifications). */
import { z } from 'zod';

export const notificationSettingsSchema = z.object({
  assigned: z.boolean().describe('Email me at once when a follow-up is assigned to me'),
  newFollowUps: z
    .enum(['off', 'immediately'])
    .describe('Email me at once about every new open follow-up in my project'),
});
export type NotificationSettings = z.infer<typeof notificationSettingsSchema>;

export const notificationSettingsUpdateSchema = notificationSettingsSchema
  .partial()
  .strict()
  .refine((patch) => Object.keys(patch).length > 0, { message: 'Give at least one setting to change' });
