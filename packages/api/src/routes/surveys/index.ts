import { surveyCreateSchema, surveySchema, surveyUpdateSchema } from '@closeloop/shared';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { projectIdOf } from '../../plugins/auth.ts';
import { createSurvey, deleteSurvey, getSurvey, listSurveys, updateSurvey } from '../../services/surveys.ts';
import { idParams } from '../params.ts';
import { managementErrors as errors, managementSecurity as security } from '../security.ts';

/** Surveys CRUD: GET|POST /v1/surveys, GET|PATCH|DELETE /v1/surveys/:id. */
export const surveyRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/v1/surveys',
    {
      schema: {
        tags: ['surveys'],
        summary: 'List surveys',
        security,
        response: { 200: z.object({ data: z.array(surveySchema) }), ...errors },
      },
    },
    async (request) => ({ data: await listSurveys(app.db, projectIdOf(request)) }),
  );

  app.post(
    '/v1/surveys',
    {
      schema: {
        tags: ['surveys'],
        summary: 'Create a survey',
        security,
        body: surveyCreateSchema,
        response: { 201: surveySchema, ...errors },
      },
    },
    async (request, reply) => {
      const survey = await createSurvey(app.db, projectIdOf(request), request.body);
      return reply.code(201).header('location', `/v1/surveys/${survey.id}`).send(survey);
    },
  );

  app.get(
    '/v1/surveys/:id',
    {
      schema: {
        tags: ['surveys'],
        summary: 'Get a survey',
        security,
        params: idParams,
        response: { 200: surveySchema, ...errors },
      },
    },
    async (request) => getSurvey(app.db, projectIdOf(request), request.params.id),
  );

  app.patch(
    '/v1/surveys/:id',
    {
      schema: {
        tags: ['surveys'],
        summary: 'Change a survey (its kind never changes)',
        security,
        params: idParams,
        body: surveyUpdateSchema,
        response: { 200: surveySchema, ...errors },
      },
    },
    async (request) => updateSurvey(app.db, projectIdOf(request), request.params.id, request.body),
  );

  app.delete(
    '/v1/surveys/:id',
    {
      schema: {
        tags: ['surveys'],
        summary: 'Delete a survey (its responses are kept)',
        security,
        params: idParams,
        response: { 204: z.null(), ...errors },
      },
    },
    async (request, reply) => {
      await deleteSurvey(app.db, projectIdOf(request), request.params.id);
      return reply.code(204).send(null);
    },
  );
};
