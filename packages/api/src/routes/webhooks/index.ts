import {
  deliveryListQuerySchema,
  deliveryListSchema,
  deliverySchema,
  problemSchema,
  webhookCreateSchema,
  webhookListSchema,
  webhookSchema,
  webhookUpdateSchema,
  webhookWithSecretSchema,
} from '@closeloop/shared';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { projectIdOf } from '../../plugins/auth.ts';
import {
  createWebhook,
  deleteWebhook,
  getWebhook,
  listDeliveries,
  listWebhooks,
  retryDelivery,
  rotateWebhookSecret,
  sendTestMessage,
  updateWebhook,
} from '../../services/webhooks.ts';
import { idParams } from '../params.ts';
import { managementErrors as errors, managementSecurity as security } from '../security.ts';

const tags = ['webhooks'];
const signing =
  'Each message is POSTed with the Standard Webhooks headers webhook-id (the same on every retry), ' +
  'webhook-timestamp (seconds) and webhook-signature (v1,<base64 HMAC-SHA256 of "id.timestamp.body" ' +
  'keyed by the base64-decoded secret after whsec_); the body is {"type","timestamp","data":{"response":…}} ' +
  'with the response exactly as GET /v1/responses/:id returns it. Non-2xx answers, timeouts (10 s) and ' +
  'network errors are retried after about 5 s, 5 min, 30 min, 2 h, 5 h, 10 h and 10 h; then the message ' +
  'has failed. An endpoint failing every delivery for 5 days is disabled and its owners are emailed. ' +
  'Only https URLs resolving to public addresses are called (checked at every connection); redirects ' +
  'are not followed. format "slack" posts a Block Kit message for a Slack incoming webhook instead.';

/**
 * Webhook endpoints (admin: their URLs and secrets are credentials): CRUD, secret rotation, the
 * delivery log, redelivery and test messages.
 */
export const webhookRoutes: FastifyPluginAsyncZod = async (app) => {
  const allowPrivate = { allowPrivate: app.config.webhookAllowPrivate };

  app.get(
    '/v1/webhooks',
    {
      schema: {
        tags,
        summary: 'List webhook endpoints (never their secrets)',
        security,
        response: { 200: webhookListSchema, ...errors },
      },
      config: { access: 'admin' },
    },
    async (request) => ({ data: await listWebhooks(app.db, projectIdOf(request)) }),
  );

  app.post(
    '/v1/webhooks',
    {
      schema: {
        tags,
        summary: 'Create a webhook endpoint (its signing secret is in this answer only)',
        description: signing,
        security,
        body: webhookCreateSchema,
        response: { 201: webhookWithSecretSchema, ...errors },
      },
      config: { access: 'admin' },
    },
    async (request, reply) =>
      reply.code(201).send(await createWebhook(app.db, projectIdOf(request), request.body, allowPrivate)),
  );

  app.get(
    '/v1/webhooks/:id',
    {
      schema: {
        tags,
        summary: 'Get a webhook endpoint',
        security,
        params: idParams,
        response: { 200: webhookSchema, ...errors },
      },
      config: { access: 'admin' },
    },
    async (request) => getWebhook(app.db, projectIdOf(request), request.params.id),
  );

  app.patch(
    '/v1/webhooks/:id',
    {
      schema: {
        tags,
        summary: 'Change a webhook endpoint (url, events, description, format, enabled)',
        security,
        params: idParams,
        body: webhookUpdateSchema,
        response: { 200: webhookSchema, ...errors },
      },
      config: { access: 'admin' },
    },
    async (request) =>
      updateWebhook(app.db, projectIdOf(request), request.params.id, request.body, allowPrivate),
  );

  app.delete(
    '/v1/webhooks/:id',
    {
      schema: {
        tags,
        summary: 'Delete a webhook endpoint with its queued messages and delivery log',
        security,
        params: idParams,
        response: { 204: z.null(), ...errors },
      },
      config: { access: 'admin' },
    },
    async (request, reply) => {
      await deleteWebhook(app.db, projectIdOf(request), request.params.id);
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/v1/webhooks/:id/rotate-secret',
    {
      schema: {
        tags,
        summary: 'Give the endpoint a new signing secret (shown in this answer only)',
        description:
          'For 24 hours deliveries carry a signature with the old secret too (webhook-signature lists both), ' +
          'so the receiver can switch without missing a message.',
        security,
        params: idParams,
        response: { 200: webhookWithSecretSchema, ...errors },
      },
      config: { access: 'admin' },
    },
    async (request) => rotateWebhookSecret(app.db, projectIdOf(request), request.params.id),
  );

  app.get(
    '/v1/webhooks/:id/deliveries',
    {
      schema: {
        tags,
        summary: 'The delivery log: messages to this endpoint, newest first, with every attempt',
        security,
        params: idParams,
        querystring: deliveryListQuerySchema,
        response: { 200: deliveryListSchema, ...errors },
      },
      config: { access: 'admin' },
    },
    async (request) => listDeliveries(app.db, projectIdOf(request), request.params.id, request.query),
  );

  app.post(
    '/v1/webhooks/:id/deliveries/:messageId/retry',
    {
      schema: {
        tags,
        summary: 'Send a message again now (same webhook-id and body, a fresh retry schedule)',
        security,
        params: idParams.extend({ messageId: z.uuid() }),
        response: { 202: deliverySchema, 409: problemSchema, ...errors },
      },
      config: { access: 'admin' },
    },
    async (request, reply) =>
      reply
        .code(202)
        .send(await retryDelivery(app.db, projectIdOf(request), request.params.id, request.params.messageId)),
  );

  app.post(
    '/v1/webhooks/:id/test',
    {
      schema: {
        tags,
        summary: 'Send a webhook.test message to the endpoint',
        security,
        params: idParams,
        response: { 202: deliverySchema, 409: problemSchema, ...errors },
      },
      config: { access: 'admin' },
    },
    async (request, reply) =>
      reply.code(202).send(await sendTestMessage(app.db, projectIdOf(request), request.params.id)),
  );
};
