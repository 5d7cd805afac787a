import {
  defaultNotificationSettings,
  notificationSettingsSchema,
  notificationSettingsUpdateSchema,
} from '@closeloop/shared';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { ValidationError } from '../../errors.ts';
import { authOf } from '../../plugins/auth.ts';
import { databaseTimeZone } from '../../services/metrics.ts';
import { getNotificationSettings, updateNotificationSettings } from '../../services/staff-notifications.ts';
import { managementErrors as errors, managementSecurity as security } from '../security.ts';

/** The signed-in staff member's email notifications: GET|PATCH /v1/notifications. */
export const notificationRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/v1/notifications',
    {
      schema: {
        tags: ['notifications'],
        summary: 'My email notifications (a secret key has none: defaults)',
        security,
        response: { 200: notificationSettingsSchema, ...errors },
      },
    },
    async (request) => {
      const auth = authOf(request);
      if (!auth.userId) return { ...defaultNotificationSettings };
      return getNotificationSettings(app.db, auth.projectId, auth.userId);
    },
  );
  app.patch(
    '/v1/notifications',
    {
      schema: {
        tags: ['notifications'],
        summary: 'Change my email notifications (staff session only)',
        security,
        body: notificationSettingsUpdateSchema,
        response: { 200: notificationSettingsSchema, ...errors },
      },
      config: { access: 'viewer' },
    },
    async (request) => {
      const auth = authOf(request);
      const patch = { ...request.body };
      if (patch.timeZone) {
        // Emails are scheduled by Postgres's clock arithmetic, so the zone must be one it knows.
        patch.timeZone = await databaseTimeZone(app.database, patch.timeZone).catch(() => {
          throw new ValidationError([
            { path: 'timeZone', message: `the database does not know the time zone "${patch.timeZone}"` },
          ]);
        });
      }
      return updateNotificationSettings(app.db, auth.projectId, auth.userId, patch);
    },
  );
};
