import { roleAtLeast, type StaffRole } from '@closeloop/shared';
import type {} from '@fastify/cookie';
import { and, eq, isNull, lt, or } from 'drizzle-orm';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { projects, secretKeys } from '../db/schema/index.ts';
import { Errors } from '../errors.ts';
import { hashKey } from '../services/keys.ts';
import { findSession, sameSecret, sessionCookie } from '../services/sessions.ts';

/**
 * Who is calling the management API, always scoped to one project: a secret key (which acts as an
 * admin of its project) or a staff member signed in to the inbox.
 */
export interface Auth {
  projectId: string;
  via: 'secret_key' | 'session';
  /** The secret key, when `via` is `secret_key`. */
  keyId: string | null;
  /** The staff user and session, when `via` is `session`. */
  userId: string | null;
  sessionId: string | null;
  role: StaffRole;
  /** How activity names this caller: the user's name, or `Secret key "name"`. */
  actorName: string;
}

declare module 'fastify' {
  interface FastifyRequest {
    auth: Auth | null;
  }
  interface FastifyInstance {
    /**
     * onRequest hook of the management routes: a secret key or a staff session (with its CSRF token
     * on changes) is required, and the caller's role must reach the route's `config.access`.
     */
    authenticate: (request: FastifyRequest) => Promise<void>;
  }
  interface FastifyContextConfig {
    /**
     * The least role a route needs. Default: viewer for GET/HEAD, admin for every change — a new
     * route that forgets to say is closed, not open.
     */
    access?: StaffRole;
  }
}

/** How stale `last_used_at` may get before a request writes it again (saves a write per request). */
const lastUsedResolutionMs = 60_000;

const safeMethods = new Set(['GET', 'HEAD', 'OPTIONS']);

function bearerToken(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (!header) return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1] ?? '';
}

/** The least role a request's route needs (see FastifyContextConfig.access). */
export function requiredRole(request: FastifyRequest): StaffRole {
  return request.routeOptions.config?.access ?? (safeMethods.has(request.method) ? 'viewer' : 'admin');
}

/** Secret-key and staff-session authentication, and role checks, for the management API. */
export const authPlugin = fp(
  async (app: FastifyInstance) => {
    app.decorateRequest('auth', null);

    const authenticateSecretKey = async (request: FastifyRequest, token: string) => {
      if (token.startsWith('pk_')) {
        const [project] = await app.db
          .select({ id: projects.id })
          .from(projects)
          .where(eq(projects.publicKey, token))
          .limit(1);
        if (project) throw new Errors.PublicKeyForbidden();
        throw new Errors.InvalidKey('The key is not valid');
      }
      if (!token.startsWith('sk_')) throw new Errors.InvalidKey('The key is not valid');
      const [key] = await app.db
        .select({
          id: secretKeys.id,
          name: secretKeys.name,
          projectId: secretKeys.projectId,
          revokedAt: secretKeys.revokedAt,
          lastUsedAt: secretKeys.lastUsedAt,
        })
        .from(secretKeys)
        .where(eq(secretKeys.hash, hashKey(token)))
        .limit(1);
      if (!key) throw new Errors.InvalidKey('The key is not valid');
      if (key.revokedAt) throw new Errors.InvalidKey('The key has been revoked');
      request.auth = {
        projectId: key.projectId,
        via: 'secret_key',
        keyId: key.id,
        userId: null,
        sessionId: null,
        role: 'admin',
        actorName: `Secret key "${key.name}"`,
      };

      const now = new Date();
      if (!key.lastUsedAt || now.getTime() - key.lastUsedAt.getTime() > lastUsedResolutionMs) {
        await app.db
          .update(secretKeys)
          .set({ lastUsedAt: now })
          .where(
            and(
              eq(secretKeys.id, key.id),
              or(
                isNull(secretKeys.lastUsedAt),
                lt(secretKeys.lastUsedAt, new Date(now.getTime() - lastUsedResolutionMs)),
              ),
            ),
          );
      }
    };

    const authenticateSession = async (request: FastifyRequest, token: string) => {
      const found = await findSession(app.db, token);
      if (!found) throw new Errors.SessionExpired();
      if (!safeMethods.has(request.method)) {
        if (!sameSecret(request.headers['x-csrf-token'], found.session.csrfToken)) {
          throw new Errors.CsrfTokenInvalid();
        }
      }
      request.auth = {
        projectId: found.session.projectId,
        via: 'session',
        keyId: null,
        userId: found.user.id,
        sessionId: found.session.id,
        role: found.user.role,
        actorName: found.user.name,
      };
    };

    app.decorate('authenticate', async (request: FastifyRequest) => {
      const token = bearerToken(request);
      const cookie = request.cookies?.[sessionCookie];
      if (token !== undefined) await authenticateSecretKey(request, token);
      else if (cookie) await authenticateSession(request, cookie);
      else {
        throw new Errors.MissingKey(
          'Send a secret key as "Authorization: Bearer sk_…", or sign in to the inbox',
        );
      }
      const auth = request.auth!;
      const required = requiredRole(request);
      if (!roleAtLeast(auth.role, required)) {
        throw new Errors.Forbidden(
          auth.via === 'session'
            ? `This needs the ${required} role or higher; you are ${auth.role === 'agent' ? 'an' : 'a'} ${auth.role}`
            : `This needs a staff session with the ${required} role; a secret key acts as an admin`,
        );
      }
    });
  },
  { name: 'closeloop-auth', dependencies: ['closeloop-database'] },
);

/** The project of an authenticated request (routes behind `app.authenticate` only). */
export function projectIdOf(request: FastifyRequest): string {
  if (!request.auth) throw new Error('projectIdOf called on a route without app.authenticate');
  return request.auth.projectId;
}

/** The auth of a request behind `app.authenticate`. */
export function authOf(request: FastifyRequest): Auth {
  if (!request.auth) throw new Error('authOf called on a route without app.authenticate');
  return request.auth;
}
