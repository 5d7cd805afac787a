import { respondentEmailQuerySchema, respondentExternalIdParamsSchema } from '@closeloop/shared';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { authOf, projectIdOf } from '../../plugins/auth.ts';
import { auditActorOf } from '../../services/audit.ts';
import { eraseRespondents, type RespondentLookup } from '../../services/respondents.ts';
import { managementErrors as errors, managementSecurity as security } from '../security.ts';

const description =
  'Erases the respondent and every response, note, email message and activity entry about them in ' +
  'one transaction; metrics no longer count them. The audit log records that an erasure happened ' +
  '(who, when, how many rows), nothing of what was erased. Owners and admins only.';

/** What both erasure routes share: tags, description, security, answers and access. */
const erasure = {
  schema: { tags: ['respondents'], description, security, response: { 204: z.null(), ...errors } },
  config: { access: 'admin', audit: false },
} as const;

/** DELETE /v1/respondents/:externalId and DELETE /v1/respondents?email=: privacy erasure. */
export const eraseRespondentRoutes: FastifyPluginAsyncZod = async (app) => {
  const erase = async (request: FastifyRequest, reply: FastifyReply, lookup: RespondentLookup) => {
    await eraseRespondents(app.db, projectIdOf(request), lookup, auditActorOf(authOf(request)));
    return reply.code(204).send(null);
  };

  app.delete(
    '/v1/respondents/:externalId',
    {
      ...erasure,
      schema: {
        ...erasure.schema,
        summary: "Erase a respondent and everything about them, by the site's own user id",
        params: respondentExternalIdParamsSchema,
      },
    },
    (request, reply) => erase(request, reply, { externalId: request.params.externalId }),
  );

  app.delete(
    '/v1/respondents',
    {
      ...erasure,
      schema: {
        ...erasure.schema,
        summary: 'Erase every respondent with an email address and everything about them',
        querystring: respondentEmailQuerySchema,
      },
    },
    (request, reply) => erase(request, reply, { email: request.query.email }),
  );
};
