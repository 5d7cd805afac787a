import {
  defaultLocaleProblem,
  surveyCreateSchema,
  surveySchema,
  surveyUpdateSchema,
} from '@closeloop/shared';
import { and, asc, eq, isNull, sql } from 'drizzle-orm';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { surveys } from '../../db/schema/index.ts';
import { Errors, ValidationError } from '../../errors.ts';
import { projectIdOf } from '../../plugins/auth.ts';
import { toSurvey } from '../../services/surveys.ts';
import { managementErrors as errors, managementSecurity as security } from '../security.ts';

const idParams = z.object({ id: z.uuid() });

const surveyNotFound = (id: string) => new Errors.NotFound(`No survey ${id} in this project`);

/** Surveys CRUD: GET|POST /v1/surveys, GET|PATCH|DELETE /v1/surveys/:id. */
export const surveyRoutes: FastifyPluginAsyncZod = async (app) => {
  const live = (projectId: string, id: string) =>
    and(eq(surveys.projectId, projectId), eq(surveys.id, id), isNull(surveys.deletedAt));

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
    async (request) => {
      const rows = await app.db
        .select()
        .from(surveys)
        .where(and(eq(surveys.projectId, projectIdOf(request)), isNull(surveys.deletedAt)))
        .orderBy(asc(surveys.createdAt), asc(surveys.id));
      return { data: rows.map(toSurvey) };
    },
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
      const [row] = await app.db
        .insert(surveys)
        .values({ ...request.body, projectId: projectIdOf(request) })
        .returning();
      return reply.code(201).header('location', `/v1/surveys/${row!.id}`).send(toSurvey(row!));
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
    async (request) => {
      const [row] = await app.db
        .select()
        .from(surveys)
        .where(live(projectIdOf(request), request.params.id));
      if (!row) throw surveyNotFound(request.params.id);
      return toSurvey(row);
    },
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
    async (request) => {
      const { targeting, recontact, ...rest } = request.body;
      const projectId = projectIdOf(request);
      const id = request.params.id;
      const row = await app.db.transaction(async (tx) => {
        if (rest.defaultLocale !== undefined || rest.texts !== undefined) {
          // The default locale must keep its texts, whichever of the two changes.
          const [stored] = await tx
            .select({ defaultLocale: surveys.defaultLocale, texts: surveys.texts })
            .from(surveys)
            .where(live(projectId, id))
            .for('update');
          if (!stored) throw surveyNotFound(id);
          const problem = defaultLocaleProblem(
            rest.defaultLocale ?? stored.defaultLocale,
            rest.texts ?? stored.texts,
          );
          if (problem)
            throw new ValidationError([
              rest.texts && !rest.defaultLocale
                ? {
                    path: 'texts',
                    message: `must keep texts for the default locale "${stored.defaultLocale}"`,
                  }
                : { path: 'defaultLocale', message: problem },
            ]);
        }
        const [updated] = await tx
          .update(surveys)
          .set({
            ...rest,
            // Only the fields sent change; the rest of the stored object stays.
            ...(targeting
              ? { targeting: sql`${surveys.targeting} || ${JSON.stringify(targeting)}::jsonb` }
              : {}),
            ...(recontact
              ? { recontact: sql`${surveys.recontact} || ${JSON.stringify(recontact)}::jsonb` }
              : {}),
            updatedAt: new Date(),
          })
          .where(live(projectId, id))
          .returning();
        return updated;
      });
      if (!row) throw surveyNotFound(id);
      return toSurvey(row);
    },
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
      const now = new Date();
      const [row] = await app.db
        .update(surveys)
        .set({ deletedAt: now, updatedAt: now })
        .where(live(projectIdOf(request), request.params.id))
        .returning({ id: surveys.id });
      if (!row) throw surveyNotFound(request.params.id);
      return reply.code(204).send(null);
    },
  );
};
