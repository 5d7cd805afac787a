import { loginSchema, problemSchema, type Session, sessionSchema, setupSchema } from '@closeloop/shared';
import { and, eq, gt, isNull, sql } from 'drizzle-orm';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { projects, setupTokens, staffUsers } from '../../db/schema/index.ts';
import { Errors } from '../../errors.ts';
import { hashKey } from '../../services/keys.ts';
import { decoyPasswordHash, verifyPassword } from '../../services/passwords.ts';
import {
  createSession,
  deleteSession,
  findSession,
  sameSecret,
  sessionCookie,
} from '../../services/sessions.ts';
import {
  createStaffUser,
  findUsableSetupToken,
  type StaffUserRow,
  toStaffUser,
} from '../../services/staff.ts';

const errors = { 400: problemSchema, 401: problemSchema, 403: problemSchema, 429: problemSchema };

/** Public auth routes: sign in (rate-limited) and first-owner setup. */
export const authRoutes: FastifyPluginAsyncZod = async (app) => {
  // Sign-in and setup take JSON only: a cross-site form cannot send it without a preflight, so no
  // other site can sign a visitor in to an account of its choosing (login CSRF).
  app.addHook('preValidation', async (request) => {
    if (request.method !== 'POST' || request.url.startsWith('/v1/auth/logout')) return;
    if (!/^application\/json\b/i.test(request.headers['content-type'] ?? '')) throw new Errors.JsonRequired();
  });
  const startSession = async (
    request: FastifyRequest,
    reply: FastifyReply,
    user: StaffUserRow,
  ): Promise<Session> => {
    const { token, session } = await createSession(app.db, user, request.headers['user-agent']);
    await app.db.update(staffUsers).set({ lastLoginAt: new Date() }).where(eq(staffUsers.id, user.id));
    const [project] = await app.db
      .select({ id: projects.id, name: projects.name, publicKey: projects.publicKey })
      .from(projects)
      .where(eq(projects.id, user.projectId));
    reply.setCookie(sessionCookie, token, {
      path: '/',
      httpOnly: true,
      sameSite: 'lax',
      secure: request.protocol === 'https',
      expires: session.expiresAt,
    });
    return {
      user: toStaffUser({ ...user, lastLoginAt: new Date() }),
      project: project!,
      csrfToken: session.csrfToken,
      expiresAt: session.expiresAt.toISOString(),
    };
  };

  // Failed sign-ins per address and email. Every attempt takes a turn before the password is
  // checked (so parallel guesses cannot overtake the count), and the key carries the time of the
  // email's last successful sign-in, so a success starts the count afresh: only failures add up.
  const attemptKeys = new WeakMap<FastifyRequest, string>();
  const signInAttempt = app.createRateLimit({
    max: app.config.loginRateLimit,
    timeWindow: '15 minutes',
    keyGenerator: (request) => attemptKeys.get(request) ?? `login|${request.ip}`,
  });

  app.post(
    '/v1/auth/login',
    {
      schema: {
        tags: ['staff'],
        summary: 'Sign in to the inbox (sets an httpOnly session cookie; returns the CSRF token)',
        description: `429 with Retry-After after ${app.config.loginRateLimit} failed attempts for one email from one address within 15 minutes; a successful sign-in starts the count again.`,
        body: loginSchema,
        response: { 200: sessionSchema, ...errors },
      },
    },
    async (request, reply) => {
      const email = request.body.email.trim().toLowerCase();
      const [user] = await app.db
        .select()
        .from(staffUsers)
        .where(sql`lower(${staffUsers.email}) = ${email}`)
        .limit(1);
      attemptKeys.set(request, `login|${request.ip}|${email}|${user?.lastLoginAt?.getTime() ?? 0}`);
      const attempt = await signInAttempt(request);
      if (!attempt.isAllowed && attempt.isExceeded) {
        reply.header('retry-after', attempt.ttlInSeconds);
        // Answered like every other rate limit: a rate_limited problem.
        throw Object.assign(new Error('Too many failed sign-in attempts'), { statusCode: 429 });
      }
      const valid =
        user && !user.deactivatedAt
          ? await verifyPassword(request.body.password, user.passwordHash)
          : await verifyPassword(request.body.password, await decoyPasswordHash).then(() => false);
      if (!valid || !user) throw new Errors.InvalidCredentials();
      return startSession(request, reply, user);
    },
  );

  app.get(
    '/v1/auth/setup',
    {
      schema: {
        tags: ['staff'],
        summary: 'Check a one-time setup link (first owner of a project)',
        querystring: z.object({ token: z.string().min(1).max(200) }),
        response: { 200: z.object({ projectName: z.string() }), ...errors },
      },
    },
    async (request) => {
      const token = await findUsableSetupToken(app.db, request.query.token);
      if (!token) throw new Errors.SetupTokenInvalid();
      const [project] = await app.db
        .select({ name: projects.name })
        .from(projects)
        .where(eq(projects.id, token.projectId));
      return { projectName: project!.name };
    },
  );

  app.post(
    '/v1/auth/setup',
    {
      schema: {
        tags: ['staff'],
        summary: 'Create the first owner with a one-time setup link, and sign in',
        body: setupSchema,
        response: { 201: sessionSchema, 409: problemSchema, ...errors },
      },
      config: { rateLimit: { max: 20, timeWindow: '15 minutes' } },
    },
    async (request, reply) => {
      const user = await app.db.transaction(async (tx) => {
        // Claiming the token first makes two concurrent setups with one link impossible.
        const [claimed] = await tx
          .update(setupTokens)
          .set({ usedAt: new Date() })
          .where(
            and(
              eq(setupTokens.tokenHash, hashKey(request.body.token)),
              isNull(setupTokens.usedAt),
              gt(setupTokens.expiresAt, new Date()),
            ),
          )
          .returning({ projectId: setupTokens.projectId });
        if (!claimed) throw new Errors.SetupTokenInvalid();
        const [existing] = await tx
          .select({ id: staffUsers.id })
          .from(staffUsers)
          .where(eq(staffUsers.projectId, claimed.projectId))
          .limit(1);
        if (existing) throw new Errors.SetupTokenInvalid();
        return createStaffUser(tx, claimed.projectId, { ...request.body, role: 'owner' });
      });
      return reply.code(201).send(await startSession(request, reply, user));
    },
  );

  app.post(
    '/v1/auth/logout',
    {
      schema: {
        tags: ['staff'],
        summary: 'Sign out (ends the session; needs the x-csrf-token header)',
        response: { 204: z.null(), ...errors },
      },
    },
    async (request, reply) => {
      const token = request.cookies[sessionCookie];
      if (token) {
        const found = await findSession(app.db, token);
        if (found) {
          if (!sameSecret(request.headers['x-csrf-token'], found.session.csrfToken)) {
            throw new Errors.CsrfTokenInvalid();
          }
          await deleteSession(app.db, found.session.id);
        }
      }
      reply.clearCookie(sessionCookie, { path: '/' });
      return reply.code(204).send(null);
    },
  );
};

/** GET /v1/auth/session — who is signed in (management context: a session is required). */
export const sessionRoute: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/v1/auth/session',
    {
      schema: {
        tags: ['staff'],
        summary: 'The signed-in staff member, their project and the CSRF token',
        response: { 200: sessionSchema, ...errors },
      },
    },
    async (request) => {
      const auth = request.auth!;
      if (auth.via !== 'session')
        throw new Errors.Forbidden('Only a staff session has a session; this is a secret key');
      const token = request.cookies[sessionCookie]!;
      const found = await findSession(app.db, token);
      if (!found) throw new Errors.SessionExpired();
      return {
        user: toStaffUser(found.user),
        project: { id: found.project.id, name: found.project.name, publicKey: found.project.publicKey },
        csrfToken: found.session.csrfToken,
        expiresAt: found.session.expiresAt.toISOString(),
      };
    },
  );
};
