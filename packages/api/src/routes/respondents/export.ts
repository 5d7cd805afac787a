import {
  respondentDataListSchema,
  respondentDataSchema,
  respondentEmailQuerySchema,
  respondentExternalIdParamsSchema,
} from '@closeloop/shared';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { authOf, projectIdOf } from '../../plugins/auth.ts';
import { auditActorOf } from '../../services/audit.ts';
import { exportRespondents } from '../../services/respondents.ts';
import { managementErrors as errors, managementSecurity as security } from '../security.ts';

const description =
  'Everything stored about the person: the respondent with every response, note, email message and ' +
  'activity entry about them (a privacy access request). Owners and admins only; recorded in the audit log.';

/** GET /v1/respondents/:externalId and GET /v1/respondents?email=: privacy export. */
export const exportRespondentRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/v1/respondents/:externalId',
    {
      schema: {
        tags: ['respondents'],
        summary: "Export a respondent's data by the site's own user id",
        description,
        security,
        params: respondentExternalIdParamsSchema,
        response: { 200: respondentDataSchema, ...errors },
      },
      config: { access: 'admin' },
    },
    async (request) => {
      const [respondent] = await exportRespondents(
        app.db,
        projectIdOf(request),
        { externalId: request.params.externalId },
        auditActorOf(authOf(request)),
      );
      return respondent!;
    },
  );

  app.get(
    '/v1/respondents',
    {
      schema: {
        tags: ['respondents'],
        summary: 'Export the data of every respondent with an email address',
        description,
        security,
        querystring: respondentEmailQuerySchema,
        response: { 200: respondentDataListSchema, ...errors },
      },
      config: { access: 'admin' },
    },
    async (request) => {
      const data = await exportRespondents(
        app.db,
        projectIdOf(request),
        { email: request.query.email },
        auditActorOf(authOf(request)),
      );
      return { email: request.query.email, data };
    },
  );
};
