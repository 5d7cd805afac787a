import {
  problemSchema,
  roleAtLeast,
  staffUserCreateSchema,
  staffUserSchema,
  staffUserUpdateSchema,
} from '@closeloop/shared';
import { and, asc, count, eq, isNull, ne } from 'drizzle-orm';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Tx } from '../../db/client.ts';
import { projects, staffSessions, staffUsers } from '../../db/schema/index.ts';
import { Errors } from '../../errors.ts';
import { type Auth, authOf, projectIdOf } from '../../plugins/auth.ts';
import { hashPassword } from '../../services/passwords.ts';
import { createStaffUser, setStaffUserActive, toStaffUser } from '../../services/staff.ts';
import { managementErrors as errors, managementSecurity as security } from '../security.ts';

const idParams = z.object({ id: z.uuid() });
const notFound = (id: string) => new Errors.NotFound(`No staff user ${id} in this project`);
const cannotDeactivateSelf = () => new Errors.Forbidden('You cannot deactivate yourself; ask another admin');

function requireOwnerFor(auth: Auth, what: string) {
  if (auth.role !== 'owner') throw new Errors.Forbidden(`Only an owner can ${what}`);
}

/** Refuses a change that would leave the project without an active owner. */
async function keepAnOwner(tx: Tx, projectId: string, leavingUserId: string) {
  // One owner change of a project at a time, so two owners demoting each other at once cannot
  // both see the other as the owner that stays. (No key update: adding staff is not held up.)
  await tx.select({ id: projects.id }).from(projects).where(eq(projects.id, projectId)).for('no key update');
  const [row] = await tx
    .select({ total: count() })
    .from(staffUsers)
    .where(
      and(
        eq(staffUsers.projectId, projectId),
        eq(staffUsers.role, 'owner'),
        isNull(staffUsers.deactivatedAt),
        ne(staffUsers.id, leavingUserId),
      ),
    );
  if ((row?.total ?? 0) === 0) throw new Errors.LastOwner();
}

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
    async (request) => {
      const rows = await app.db
        .select()
        .from(staffUsers)
        .where(eq(staffUsers.projectId, projectIdOf(request)))
        .orderBy(asc(staffUsers.createdAt), asc(staffUsers.id));
      return { data: rows.map(toStaffUser) };
    },
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
      const auth = authOf(request);
      if (request.body.role === 'owner') requireOwnerFor(auth, 'add an owner');
      const row = await createStaffUser(app.db, auth.projectId, request.body);
      return reply.code(201).header('location', `/v1/users/${row.id}`).send(toStaffUser(row));
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
    async (request) => {
      const auth = authOf(request);
      const { id } = request.params;
      const { name, role, password, active } = request.body;
      const isSelf = auth.userId === id;
      if (!isSelf || role !== undefined || active !== undefined) {
        if (!roleAtLeast(auth.role, 'admin')) {
          throw new Errors.Forbidden(
            'Changing other staff users, roles or who is active needs the admin role',
          );
        }
      }
      if (isSelf && active === false) throw cannotDeactivateSelf();
      const updated = await app.db.transaction(async (tx) => {
        const [target] = await tx
          .select()
          .from(staffUsers)
          .where(and(eq(staffUsers.projectId, auth.projectId), eq(staffUsers.id, id)))
          .for('update');
        if (!target) throw notFound(id);
        if ((target.role === 'owner' && !isSelf) || role === 'owner') {
          requireOwnerFor(auth, 'change an owner or make one');
        }
        const leavesOwners = (role !== undefined && role !== 'owner') || active === false;
        if (target.role === 'owner' && leavesOwners) await keepAnOwner(tx, auth.projectId, id);
        const now = new Date();
        let [row] = await tx
          .update(staffUsers)
          .set({
            ...(name !== undefined ? { name } : {}),
            ...(role !== undefined ? { role } : {}),
            ...(password !== undefined ? { passwordHash: await hashPassword(password) } : {}),
            updatedAt: now,
          })
          .where(eq(staffUsers.id, id))
          .returning();
        if (password !== undefined) {
          // A new password signs out every other session of that user.
          await tx
            .delete(staffSessions)
            .where(
              and(
                eq(staffSessions.userId, id),
                auth.sessionId ? ne(staffSessions.id, auth.sessionId) : undefined,
              ),
            );
        }
        if (active !== undefined) row = await setStaffUserActive(tx, row!, active, now);
        return row!;
      });
      return toStaffUser(updated);
    },
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
      const auth = authOf(request);
      const { id } = request.params;
      if (auth.userId === id) throw cannotDeactivateSelf();
      await app.db.transaction(async (tx) => {
        const [target] = await tx
          .select()
          .from(staffUsers)
          .where(and(eq(staffUsers.projectId, auth.projectId), eq(staffUsers.id, id)))
          .for('update');
        if (!target) throw notFound(id);
        if (target.role === 'owner') {
          requireOwnerFor(auth, 'deactivate an owner');
          await keepAnOwner(tx, auth.projectId, id);
        }
        await setStaffUserActive(tx, target, false);
      });
      return reply.code(204).send(null);
    },
  );
};
