import {
  activitySchema,
  emailMessageSchema,
  followUpUpdateSchema,
  noteCreateSchema,
  noteSchema,
  problemSchema,
  queueCountsSchema,
  replyCreateSchema,
  respondentHistorySchema,
  responseListQuerySchema,
  responseRecordSchema,
} from '@closeloop/shared';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { authOf, projectIdOf } from '../../plugins/auth.ts';
import {
  activityOfResponse,
  addNote,
  notesOfResponse,
  queueCounts,
  respondentHistory,
  updateFollowUp,
} from '../../services/follow-up.ts';
import { sendReply } from '../../services/mail.ts';
import { idParams } from '../params.ts';
import { managementErrors as errors, managementSecurity as security } from '../security.ts';

/**
 * Working a response: PATCH /v1/responses/:id (follow-up), notes, activity, email replies, the
 * respondent's other responses, and the inbox queue counts.
 */
export const followUpRoutes: FastifyPluginAsyncZod = async (app) => {
  app.patch(
    '/v1/responses/:id',
    {
      schema: {
        tags: ['follow-up'],
        summary: 'Change the follow-up of a response: status, assignee, due date, tags',
        description:
          'Status moves: none → open; open → in_progress | resolved; in_progress → open | resolved; ' +
          'resolved → open. Every change is recorded as activity.',
        security,
        params: idParams,
        body: followUpUpdateSchema,
        response: { 200: responseRecordSchema, 409: problemSchema, ...errors },
      },
      config: { access: 'agent' },
    },
    async (request) => updateFollowUp(app.db, authOf(request), request.params.id, request.body),
  );

  app.get(
    '/v1/responses/:id/notes',
    {
      schema: {
        tags: ['follow-up'],
        summary: 'Internal notes on a response, oldest first',
        security,
        params: idParams,
        response: { 200: z.object({ data: z.array(noteSchema) }), ...errors },
      },
    },
    async (request) => {
      return { data: await notesOfResponse(app.db, projectIdOf(request), request.params.id) };
    },
  );

  app.post(
    '/v1/responses/:id/notes',
    {
      schema: {
        tags: ['follow-up'],
        summary: 'Add an internal note to a response',
        security,
        params: idParams,
        body: noteCreateSchema,
        response: { 201: noteSchema, ...errors },
      },
      config: { access: 'agent' },
    },
    async (request, reply) =>
      reply.code(201).send(await addNote(app.db, authOf(request), request.params.id, request.body.body)),
  );

  app.get(
    '/v1/responses/:id/activity',
    {
      schema: {
        tags: ['follow-up'],
        summary: 'Activity of a response (who changed what, when), oldest first',
        security,
        params: idParams,
        response: { 200: z.object({ data: z.array(activitySchema) }), ...errors },
      },
    },
    async (request) => {
      return { data: await activityOfResponse(app.db, projectIdOf(request), request.params.id) };
    },
  );

  app.get(
    '/v1/responses/:id/history',
    {
      schema: {
        tags: ['follow-up'],
        summary: "The respondent's other responses, newest first (at most 50)",
        security,
        params: idParams,
        response: { 200: respondentHistorySchema, ...errors },
      },
    },
    async (request) => ({ data: await respondentHistory(app.db, projectIdOf(request), request.params.id) }),
  );

  app.post(
    '/v1/responses/:id/replies',
    {
      schema: {
        tags: ['follow-up'],
        summary: 'Reply to the respondent by email (SMTP_URL); the message becomes activity',
        description:
          '409 respondent_email_unknown when the respondent left no email; 422 email_not_configured when ' +
          'SMTP_URL is not set; 503 when the mail server does not accept the message (nothing is recorded).',
        security,
        params: idParams,
        body: replyCreateSchema,
        response: {
          201: emailMessageSchema,
          409: problemSchema,
          422: problemSchema,
          503: problemSchema,
          ...errors,
        },
      },
      config: { access: 'agent', rateLimit: { max: 60, timeWindow: '1 minute' } },
    },
    async (request, reply) =>
      reply
        .code(201)
        .send(
          await sendReply(
            app.db,
            app.mailer,
            app.config.mailFrom,
            authOf(request),
            request.params.id,
            request.body,
          ),
        ),
  );

  app.get(
    '/v1/inbox/counts',
    {
      schema: {
        tags: ['follow-up'],
        summary: 'Counts of the inbox queues (Open, Mine, Overdue, Resolved, All) under the list filters',
        security,
        querystring: responseListQuerySchema.omit({
          limit: true,
          cursor: true,
          queue: true,
          assignee: true,
          sort: true,
        }),
        response: { 200: queueCountsSchema, ...errors },
      },
    },
    async (request) => queueCounts(app.readDatabaseFor(request).db, authOf(request), request.query),
  );
};
