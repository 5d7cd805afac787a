import {
  problemSchema,
  staffUserCreateSchema,
  staffUserSchema,
  staffUserUpdateSchema,
} from '@closeloop/shared';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { authOf, projectIdOf } from '../../plugins/auth.ts';
import { addStaffUser, deactivateStaffUser, listStaffUsers, updateStaffUser } from '../../services/staff.ts';
import { idParams } from '../params.ts';
import { managementErrors as errors, managementSecurity as security } from '../security.ts';

/** Staff users: GET|POST /v1/users, PATCH|DELETE /v1/users/:id (DELETE deactivates; PATCH can reactivate). */
export const userRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/v1/users',
    {
      schema: {
        tags: ['staff'],
        summary: 'List the staff users of the project (deactivated ones too)',
        security,
        response: { 200: z.object({ data: z.array(staffUserSchema) }), ...errors },
      },
    },
    async (request) => ({ data: await listStaffUsers(app.db, projectIdOf(request)) }),
  );

  app.post(
    '/v1/users',
    {
      schema: {
        tags: ['staff'],
        summary: 'Add a staff user (admin; only an owner adds owners)',
        security,
        body: staffUserCreateSchema,
        response: { 201: staffUserSchema, 409: problemSchema, ...errors },
      },
      config: { access: 'admin' },
    },
    async (request, reply) => {
      const user = await addStaffUser(app.db, authOf(request), request.body);
      return reply.code(201).header('location', `/v1/users/${user.id}`).send(user);
    },
  );

  app.patch(
    '/v1/users/:id',
    {
      schema: {
        tags: ['staff'],
        summary:
          'Change a staff user (anyone: their own name and password; admin: others, roles, deactivate and reactivate)',
        description:
          '`active: false` deactivates like DELETE (signs them out; nobody deactivates themselves); ' +
          '`active: true` reactivates. Only an owner changes, deactivates or reactivates an owner; a ' +
          'project keeps at least one active owner (409 last_owner).',
        security,
        params: idParams,
        body: staffUserUpdateSchema,
        response: { 200: staffUserSchema, 409: problemSchema, ...errors },
      },
      // Checked below: everyone may change their own name and password.
      config: { access: 'viewer' },
    },
    async (request) => updateStaffUser(app.db, authOf(request), request.params.id, request.body),
  );

  app.delete(
    '/v1/users/:id',
    {
      schema: {
        tags: ['staff'],
        summary:
          'Deactivate a staff user (signs them out; their activity keeps their name; PATCH with {"active": true} reactivates)',
        security,
        params: idParams,
        response: { 204: z.null(), 409: problemSchema, ...errors },
      },
      config: { access: 'admin' },
    },
    async (request, reply) => {
      await deactivateStaffUser(app.db, authOf(request), request.params.id);
      return reply.code(204).send(null);
    },
  );
};
