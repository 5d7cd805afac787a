import { auditListSchema, auditQuerySchema } from '@closeloop/shared';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { projectIdOf } from '../../plugins/auth.ts';
import { listAudit } from '../../services/audit.ts';
import { managementErrors as errors, managementSecurity as security } from '../security.ts';

/** GET /v1/audit: the project's audit log (owners and admins). */
export const auditRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/v1/audit',
    {
      schema: {
        tags: ['audit'],
        summary:
          'The audit log: sign-ins, users and roles, keys, surveys, rules, exports, erasures, settings',
        description:
          'Newest first, with cursor pagination. Entries are append-only and hold ids, counts and field names, never the personal data an action touched.',
        security,
        querystring: auditQuerySchema,
        response: { 200: auditListSchema, ...errors },
      },
      config: { access: 'admin' },
    },
    async (request) => listAudit(app.readDatabaseFor(request).db, projectIdOf(request), request.query),
  );
};
