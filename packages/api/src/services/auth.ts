import { roleAtLeast, type StaffRole } from '@closeloop/shared';
import { and, eq, isNull, lt, or } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { projects, secretKeys } from '../db/schema/index.ts';
import { Errors } from '../errors.ts';
import { hashKey } from './keys.ts';
import { findSession, sameSecret } from './sessions.ts';

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

/** How stale `last_used_at` may get before a request writes it again (saves a write per request). */
const lastUsedResolutionMs = 60_000;

/**
 * The caller a bearer token stands for: a live secret key (its `last_used_at` written at most
 * once a minute). A public key is a 403 (it never reaches management), anything else a 401.
 */
export async function authenticateSecretKey(db: Db, token: string): Promise<Auth> {
  if (token.startsWith('pk_')) {
    const [project] = await db
      .select({ id: projects.id })
      .from(projects)
      .where(eq(projects.publicKey, token))
      .limit(1);
    if (project) throw new Errors.PublicKeyForbidden();
    throw new Errors.InvalidKey('The key is not valid');
  }
  if (!token.startsWith('sk_')) throw new Errors.InvalidKey('The key is not valid');
  const [key] = await db
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

  const now = new Date();
  if (!key.lastUsedAt || now.getTime() - key.lastUsedAt.getTime() > lastUsedResolutionMs) {
    await db
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
  return {
    projectId: key.projectId,
    via: 'secret_key',
    keyId: key.id,
    userId: null,
    sessionId: null,
    role: 'admin',
    actorName: `Secret key "${key.name}"`,
  };
}

/**
 * The caller a session cookie stands for: a live session of an active user. A change (`csrfToken`
 * given as what the request sent, or null for reads) must carry the session's CSRF token.
 */
export async function authenticateSession(
  db: Db,
  token: string,
  change: { csrfToken: unknown } | null,
): Promise<Auth> {
  const found = await findSession(db, token);
  if (!found) throw new Errors.SessionExpired();
  if (change && !sameSecret(change.csrfToken, found.session.csrfToken)) throw new Errors.CsrfTokenInvalid();
  return {
    projectId: found.session.projectId,
    via: 'session',
    keyId: null,
    userId: found.user.id,
    sessionId: found.session.id,
    role: found.user.role,
    actorName: found.user.name,
  };
}

/** Refuses (403) a caller whose role does not reach `required`, saying what it would take. */
export function assertRole(auth: Auth, required: StaffRole) {
  if (roleAtLeast(auth.role, required)) return;
  throw new Errors.Forbidden(
    auth.via === 'session'
      ? `This needs the ${required} role or higher; you are ${auth.role === 'agent' ? 'an' : 'a'} ${auth.role}`
      : `This needs a staff session with the ${required} role; a secret key acts as an admin`,
  );
}
