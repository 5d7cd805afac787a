import { loginSchema, problemSchema, sessionSchema, setupSchema } from '@closeloop/shared';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { Errors } from '../../errors.ts';
import { authOf } from '../../plugins/auth.ts';
import { sessionCookie } from '../../services/sessions.ts';
import {
  countSignInAttempt,
  currentSession,
  type SignInLimits,
  type StartedSession,
  setUpFirstOwner,
  setupTokenProjectName,
  signInWithinLimits,
  signOut,
  TooManySignIns,
} from '../../services/sign-in.ts';

const errors = { 400: problemSchema, 401: problemSchema, 403: problemSchema, 429: problemSchema };

/** Public auth routes: sign in (rate-limited) and first-owner setup. */
export const authRoutes: FastifyPluginAsyncZod = async (app) => {
  // Sign-in and setup take JSON only: a cross-site form cannot send it without a preflight, so no
  // other site can sign a visitor in to an account of its choosing (login CSRF).
  app.addHook('preValidation', async (request) => {
    if (request.method !== 'POST' || request.url.startsWith('/v1/auth/logout')) return;
    if (!/^application\/json\b/i.test(request.headers['content-type'] ?? '')) throw new Errors.JsonRequired();
  });
  // Sessions and CSRF tokens are never kept by a cache.
  app.addHook('onSend', async (_request, reply) => {
    reply.header('cache-control', 'no-store');
  });
  // What this server is set up for, told with every session so the inbox can say so up front.
  const features = { email: Boolean(app.mailer) };
  const setSessionCookie = (request: FastifyRequest, reply: FastifyReply, started: StartedSession) => {
    reply.setCookie(sessionCookie, started.token, {
      path: '/',
      httpOnly: true,
      sameSite: 'lax',
      secure: request.protocol === 'https',
      expires: started.expiresAt,
    });
    return { ...started.session, features };
  };

  // Failed sign-ins, counted in the rate-limit store (see services/sign-in.ts for the rules).
  const { clientKey, store } = app.rateLimits;
  const limits: SignInLimits = {
    perEmail: store.named('login'),
    maxPerEmail: app.config.loginRateLimit,
    perAddress: store.named('login-address'),
    maxPerAddress: app.config.loginAddressRateLimit,
  };
  const withRetryAfter = (reply: FastifyReply) => (error: unknown) => {
    if (error instanceof TooManySignIns) reply.header('retry-after', error.retryAfterSeconds);
    throw error;
  };

  app.post(
    '/v1/auth/login',
    {
      schema: {
        tags: ['staff'],
        summary: 'Sign in to the inbox (sets an httpOnly session cookie; returns the CSRF token)',
        description:
          `429 with Retry-After after ${app.config.loginRateLimit} failed attempts for one email from one address, ` +
          `or ${app.config.loginAddressRateLimit} from one address for any emails, within 15 minutes; ` +
          'a successful sign-in starts the count for its email again.',
        body: loginSchema,
        response: { 200: sessionSchema, ...errors },
      },
      onRequest: async (request, reply) => {
        await countSignInAttempt(limits, await clientKey(request)).catch(withRetryAfter(reply));
      },
    },
    async (request, reply) => {
      const input = { ...request.body, userAgent: request.headers['user-agent'] };
      const started = await signInWithinLimits(app.db, limits, await clientKey(request), input).catch(
        withRetryAfter(reply),
      );
      return setSessionCookie(request, reply, started);
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
    async (request) => ({ projectName: await setupTokenProjectName(app.db, request.query.token) }),
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
      const started = await setUpFirstOwner(app.db, request.body, request.headers['user-agent']);
      return reply.code(201).send(setSessionCookie(request, reply, started));
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
      if (token) await signOut(app.db, token, request.headers['x-csrf-token']);
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
    async (request) => ({
      ...(await currentSession(app.db, authOf(request), request.cookies[sessionCookie])),
      features: { email: Boolean(app.mailer) },
    }),
  );
};
