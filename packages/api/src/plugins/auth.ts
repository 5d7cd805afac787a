import type { StaffRole } from '@closeloop/shared';
import type {} from '@fastify/cookie';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { Errors } from '../errors.ts';
import { type Auth, assertRole, authenticateSecretKey, authenticateSession } from '../services/auth.ts';
import { sessionCookie } from '../services/sessions.ts';

export type { Auth };

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
    /** Only a staff session may use the route; a secret key is refused (403). */
    sessionOnly?: boolean;
  }
}

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

    app.decorate('authenticate', async (request: FastifyRequest) => {
      const token = bearerToken(request);
      const cookie = request.cookies?.[sessionCookie];
      if (token !== undefined) request.auth = await authenticateSecretKey(app.db, token);
      else if (cookie) {
        const change = safeMethods.has(request.method)
          ? null
          : { csrfToken: request.headers['x-csrf-token'] };
        request.auth = await authenticateSession(app.db, cookie, change);
      } else {
        throw new Errors.MissingKey(
          'Send a secret key as "Authorization: Bearer sk_…", or sign in to the inbox',
        );
      }
      assertRole(request.auth, requiredRole(request));
      if (request.routeOptions.config?.sessionOnly && request.auth.via !== 'session') {
        throw new Errors.Forbidden(
          'This needs a staff session of an owner or admin; a secret key cannot do it',
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
