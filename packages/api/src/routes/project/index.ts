import { identitySecretSchema, projectSettingsSchema, projectUpdateSchema } from '@closeloop/shared';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { projectIdOf } from '../../plugins/auth.ts';
import { rotateIdentitySecret } from '../../services/identity.ts';
import { projectSettings, updateProjectSettings } from '../../services/projects.ts';
import { managementErrors as errors, managementSecurity as security } from '../security.ts';

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
    async (request) => projectSettings(app.db, projectIdOf(request)),
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
    async (request) => updateProjectSettings(app.db, projectIdOf(request), request.body),
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
