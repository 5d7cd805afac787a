import { respondentRecordSchema } from '@closeloop/shared';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { Errors } from '../../errors.ts';
import { projectIdOf } from '../../plugins/auth.ts';
import { getRespondent } from '../../services/identity.ts';
import { managementErrors as errors, managementSecurity as security } from '../security.ts';

/** GET /v1/respondents/:externalId: the stored respondent (email, traits, verified). */
export const respondentRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/v1/respondents/:externalId',
    {
      schema: {
        tags: ['respondents'],
        summary: 'Get a respondent by the site’s own user id',
        security,
        params: z.object({ externalId: z.string().min(1).max(256) }),
        response: { 200: respondentRecordSchema, ...errors },
      },
    },
    async (request) => {
      const respondent = await getRespondent(app.db, projectIdOf(request), request.params.externalId);
      if (!respondent)
        throw new Errors.NotFound(`No respondent ${request.params.externalId} in this project`);
      return respondent;
    },
  );
};
