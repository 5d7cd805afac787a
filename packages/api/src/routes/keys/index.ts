import { createdSecretKeySchema, secretKeyCreateSchema, secretKeySchema } from '@closeloop/shared';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { projectIdOf } from '../../plugins/auth.ts';
import { issueSecretKey, listSecretKeys, revokeSecretKey } from '../../services/secret-keys.ts';
import { idParams } from '../params.ts';
import { managementErrors as errors, managementSecurity as security } from '../security.ts';

/** Secret keys (admin): GET|POST /v1/keys, DELETE /v1/keys/:id (revoke); only staff sessions create or revoke. */
export const keyRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/v1/keys',
    {
      schema: {
        tags: ['keys'],
        summary: 'List secret keys (prefix, last use; never the key)',
        security,
        response: { 200: z.object({ data: z.array(secretKeySchema) }), ...errors },
      },
      config: { access: 'admin' },
    },
    async (request) => ({ data: await listSecretKeys(app.db, projectIdOf(request)) }),
  );

  app.post(
    '/v1/keys',
    {
      schema: {
        tags: ['keys'],
        summary:
          'Create a secret key (the key is in this answer only; staff sessions of owners and admins only)',
        security,
        body: secretKeyCreateSchema,
        response: { 201: createdSecretKeySchema, ...errors },
      },
      // A leaked secret key must not be able to mint more keys, nor revoke the others.
      config: { access: 'admin', sessionOnly: true },
    },
    async (request, reply) =>
      reply.code(201).send(await issueSecretKey(app.db, projectIdOf(request), request.body.name)),
  );

  app.delete(
    '/v1/keys/:id',
    {
      schema: {
        tags: ['keys'],
        summary: 'Revoke a secret key (at once, for good; staff sessions of owners and admins only)',
        security,
        params: idParams,
        response: { 204: z.null(), ...errors },
      },
      config: { access: 'admin', sessionOnly: true },
    },
    async (request, reply) => {
      await revokeSecretKey(app.db, projectIdOf(request), request.params.id);
      return reply.code(204).send(null);
    },
  );
};
