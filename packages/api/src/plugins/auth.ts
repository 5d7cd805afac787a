import { and, eq, isNull, lt, or } from 'drizzle-orm';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { projects, secretKeys } from '../db/schema/index.ts';
import { Errors } from '../errors.ts';
import { hashKey } from '../services/keys.ts';

/** Who is calling the management API, always scoped to one project. */
export interface Auth {
  projectId: string;
  via: 'secret_key';
  keyId: string;
}

declare module 'fastify' {
  interface FastifyRequest {
    auth: Auth | null;
  }
  interface FastifyInstance {
    /** preHandler for management routes: a secret key (or, later, a staff session) is required. */
    authenticate: (request: FastifyRequest) => Promise<void>;
  }
}

/** How stale `last_used_at` may get before a request writes it again (saves a write per request). */
const lastUsedResolutionMs = 60_000;

function bearerToken(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (!header) return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1] ?? '';
}

/** Secret-key authentication for the management API. */
export const authPlugin = fp(
  async (app: FastifyInstance) => {
    app.decorateRequest('auth', null);

    app.decorate('authenticate', async (request: FastifyRequest) => {
      const token = bearerToken(request);
      if (token === undefined) {
        throw new Errors.MissingKey('Send a secret key as "Authorization: Bearer sk_…"');
      }
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
          projectId: secretKeys.projectId,
          revokedAt: secretKeys.revokedAt,
          lastUsedAt: secretKeys.lastUsedAt,
        })
        .from(secretKeys)
        .where(eq(secretKeys.hash, hashKey(token)))
        .limit(1);
      if (!key) throw new Errors.InvalidKey('The key is not valid');
      if (key.revokedAt) throw new Errors.InvalidKey('The key has been revoked');
      request.auth = { projectId: key.projectId, via: 'secret_key', keyId: key.id };

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
    });
  },
  { name: 'closeloop-auth', dependencies: ['closeloop-database'] },
);

/** The project of an authenticated request (routes behind `app.authenticate` only). */
export function projectIdOf(request: FastifyRequest): string {
  if (!request.auth) throw new Error('projectIdOf called on a route without app.authenticate');
  return request.auth.projectId;
}
