import { loginSchema, problemSchema, sessionSchema, setupSchema } from '@closeloop/shared';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { Errors } from '../../errors.ts';
import { authOf } from '../../plugins/auth.ts';
import { refuseOverLimit } from '../../plugins/rate-limit.ts';
import { sessionCookie } from '../../services/sessions.ts';
import {
  currentSession,
  type StartedSession,
  setUpFirstOwner,
  setupTokenProjectName,
  signIn,
  signOut,
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

  // Failed sign-ins per address and email. Every attempt takes a turn before the password is
  // checked (so parallel guesses cannot overtake the count), and the key carries the time of the
  // email's last successful sign-in, so a success starts the count afresh: only failures add up.
  const { clientKey, store } = app.rateLimits;
  const attemptKeys = new WeakMap<FastifyRequest, string>();
  const signInAttempt = app.createRateLimit({
    max: app.config.loginRateLimit,
    timeWindow: '15 minutes',
    keyGenerator: async (request) => attemptKeys.get(request) ?? `login|${await clientKey(request)}`,
  });
  // Failed sign-ins per address, whatever the emails (one address spraying passwords across
  // accounts). Counted when the request arrives, before its body is even read; a successful
  // sign-in gives its turn back.
  const addressFailures = store.named('login-address');
  const fifteenMinutes = 15 * 60_000;

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
        const count = await addressFailures.add(await clientKey(request), 1, fifteenMinutes);
        refuseOverLimit(reply, count, app.config.loginAddressRateLimit, 'Too many failed sign-in attempts');
      },
    },
    async (request, reply) => {
      const address = await clientKey(request);
      const started = await signIn(
        app.db,
        { ...request.body, userAgent: request.headers['user-agent'] },
        async (email, lastLoginAt) => {
          attemptKeys.set(request, `login|${address}|${email}|${lastLoginAt}`);
          const attempt = await signInAttempt(request);
          if (!attempt.isAllowed && attempt.isExceeded) {
            reply.header('retry-after', attempt.ttlInSeconds);
            // Answered like every other rate limit: a rate_limited problem.
            throw Object.assign(new Error('Too many failed sign-in attempts'), { statusCode: 429 });
          }
        },
      );
      await addressFailures.add(address, -1, fifteenMinutes);
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
