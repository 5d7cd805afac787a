import { notificationSettingsSchema, notificationSettingsUpdateSchema } from '@closeloop/shared';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { authOf } from '../../plugins/auth.ts';
import { changeNotificationSettings, notificationSettingsOf } from '../../services/staff-notifications.ts';
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
    async (request) => notificationSettingsOf(app.db, authOf(request)),
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
    async (request) => changeNotificationSettings(app.db, authOf(request), request.body),
  );
};
