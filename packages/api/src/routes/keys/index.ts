import { createdSecretKeySchema, secretKeyCreateSchema, secretKeySchema } from '@closeloop/shared';
import { and, asc, eq, isNull } from 'drizzle-orm';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { secretKeys } from '../../db/schema/index.ts';
import { Errors } from '../../errors.ts';
import { projectIdOf } from '../../plugins/auth.ts';
import { createSecretKey } from '../../services/projects.ts';
import { managementErrors as errors, managementSecurity as security } from '../security.ts';

const iso = (date: Date | null) => (date ? date.toISOString() : null);

/** Secret keys (admin): GET|POST /v1/keys, DELETE /v1/keys/:id (revoke). */
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
    async (request) => {
      const rows = await app.db
        .select()
        .from(secretKeys)
        .where(eq(secretKeys.projectId, projectIdOf(request)))
        .orderBy(asc(secretKeys.createdAt), asc(secretKeys.id));
      return {
        data: rows.map((row) => ({
          id: row.id,
          name: row.name,
          prefix: row.prefix,
          createdAt: row.createdAt.toISOString(),
          lastUsedAt: iso(row.lastUsedAt),
          revokedAt: iso(row.revokedAt),
        })),
      };
    },
  );

  app.post(
    '/v1/keys',
    {
      schema: {
        tags: ['keys'],
        summary: 'Create a secret key (the key is in this answer only)',
        security,
        body: secretKeyCreateSchema,
        response: { 201: createdSecretKeySchema, ...errors },
      },
      config: { access: 'admin' },
    },
    async (request, reply) => {
      const created = await createSecretKey(app.db, projectIdOf(request), request.body.name);
      return reply.code(201).send({
        id: created.id,
        name: request.body.name,
        prefix: created.prefix,
        createdAt: created.createdAt.toISOString(),
        lastUsedAt: null,
        revokedAt: null,
        key: created.key,
      });
    },
  );

  app.delete(
    '/v1/keys/:id',
    {
      schema: {
        tags: ['keys'],
        summary: 'Revoke a secret key (at once, for good)',
        security,
        params: z.object({ id: z.uuid() }),
        response: { 204: z.null(), ...errors },
      },
      config: { access: 'admin' },
    },
    async (request, reply) => {
      const [key] = await app.db
        .select({ id: secretKeys.id })
        .from(secretKeys)
        .where(and(eq(secretKeys.projectId, projectIdOf(request)), eq(secretKeys.id, request.params.id)));
      if (!key) throw new Errors.NotFound(`No secret key ${request.params.id} in this project`);
      await app.db
        .update(secretKeys)
        .set({ revokedAt: new Date() })
        .where(and(eq(secretKeys.id, key.id), isNull(secretKeys.revokedAt)));
      return reply.code(204).send(null);
    },
  );
};
