import type { StaffRole } from '@closeloop/shared';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { expect } from 'vitest';
import { createStaffUser } from '../../src/services/staff.ts';
import type { TestContext } from './app.ts';

export const password = 'correct horse battery';

export interface StaffSession {
  userId: string;
  email: string;
  role: StaffRole;
  /** `closeloop_session=…`, for a Cookie header. */
  cookie: string;
  csrfToken: string;
  /** `app.inject` with the session cookie, and the CSRF token on changes. */
  inject(options: InjectOptions): Promise<LightMyRequestResponse>;
}

let counter = 0;

/** A unique email for a test staff user. */
export const uniqueEmail = (role: string) => `${role}-${Date.now()}-${++counter}@staff.example`;

/** Creates a staff user of a project with a role, a unique email and `password`. */
export async function addStaff(ctx: TestContext, projectId: string, role: StaffRole, name = `A ${role}`) {
  const email = uniqueEmail(role);
  const user = await createStaffUser(ctx.database.db, projectId, { email, name, role, password });
  return { id: user.id, email, role };
}

/** Creates a staff user of a project with a role and signs them in. */
export async function signIn(ctx: TestContext, projectId: string, role: StaffRole): Promise<StaffSession> {
  return signInAs(ctx, await addStaff(ctx, projectId, role));
}

/** Signs an existing staff user in with `password`. */
export async function signInAs(
  ctx: TestContext,
  user: { id: string; email: string; role: StaffRole },
): Promise<StaffSession> {
  const reply = await ctx.app.inject({
    method: 'POST',
    url: '/v1/auth/login',
    payload: { email: user.email, password },
  });
  expect(reply.statusCode, reply.body).toBe(200);
  const cookie = reply.cookies.find((c) => c.name === 'closeloop_session');
  expect(cookie).toBeDefined();
  const session = `closeloop_session=${cookie!.value}`;
  const csrfToken = reply.json().csrfToken as string;
  return {
    userId: user.id,
    email: user.email,
    role: user.role,
    cookie: session,
    csrfToken,
    inject: (options) =>
      ctx.app.inject({
        ...options,
        headers: {
          ...options.headers,
          cookie: session,
          ...(options.method && options.method !== 'GET' ? { 'x-csrf-token': csrfToken } : {}),
        },
      }),
  };
}
