import {
  identitySecretSchema,
  type ProjectSettings,
  projectSettingsSchema,
  projectUpdateSchema,
} from '@closeloop/shared';
import { eq } from 'drizzle-orm';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { projects } from '../../db/schema/index.ts';
import { ValidationError } from '../../errors.ts';
import { projectIdOf } from '../../plugins/auth.ts';
import { rotateIdentitySecret } from '../../services/identity.ts';
import { InvalidOriginError, normalizeOrigins, type ProjectRow } from '../../services/projects.ts';
import { managementErrors as errors, managementSecurity as security } from '../security.ts';

const toSettings = (row: ProjectRow): ProjectSettings => ({
  id: row.id,
  name: row.name,
  publicKey: row.publicKey,
  allowedOrigins: row.allowedOrigins,
  appearance: row.appearance,
  identityVerification: row.identityVerification,
  hasIdentitySecret: row.identitySecret !== null,
  createdAt: row.createdAt.toISOString(),
});

/** Project settings: GET|PATCH /v1/project (name, allowed origins, widget appearance). */
export const projectRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/v1/project',
    {
      schema: {
        tags: ['project'],
        summary: 'The project: name, public key, allowed origins, appearance',
        security,
        response: { 200: projectSettingsSchema, ...errors },
      },
    },
    async (request) => {
      const [row] = await app.db
        .select()
        .from(projects)
        .where(eq(projects.id, projectIdOf(request)));
      return toSettings(row!);
    },
  );

  app.patch(
    '/v1/project',
    {
      schema: {
        tags: ['project'],
        summary: 'Change the name, allowed origins (empty = any) or widget appearance',
        security,
        body: projectUpdateSchema,
        response: { 200: projectSettingsSchema, ...errors },
      },
      config: { access: 'admin' },
    },
    async (request) => {
      const { allowedOrigins, ...rest } = request.body;
      let origins: string[] | undefined;
      if (allowedOrigins) {
        try {
          origins = normalizeOrigins(allowedOrigins);
        } catch (error) {
          if (!(error instanceof InvalidOriginError)) throw error;
          const index = allowedOrigins.findIndex((origin) => {
            try {
              normalizeOrigins([origin]);
              return false;
            } catch {
              return true;
            }
          });
          throw new ValidationError([{ path: `allowedOrigins.${index}`, message: error.message }]);
        }
      }
      const [row] = await app.db
        .update(projects)
        .set({ ...rest, ...(origins ? { allowedOrigins: origins } : {}), updatedAt: new Date() })
        .where(eq(projects.id, projectIdOf(request)))
        .returning();
      return toSettings(row!);
    },
  );

  app.post(
    '/v1/project/identity-secret',
    {
      schema: {
        tags: ['project'],
        summary: 'Make a new identity secret (idsec_…); the previous one stops verifying at once',
        description:
          'Your backend signs each external id: lowercase hex HMAC-SHA256 keyed with the whole idsec_… string, message = externalId. The widget sends it with identify(id, traits, { signature }). The secret is in this answer only.',
        security,
        response: { 200: identitySecretSchema, ...errors },
      },
      config: { access: 'admin' },
    },
    async (request) => ({ secret: await rotateIdentitySecret(app.db, projectIdOf(request)) }),
  );
};
