import { randomBytes, timingSafeEqual } from 'node:crypto';
import { and, eq, gt, isNull, lt } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { projects, staffSessions, staffUsers } from '../db/schema/index.ts';
import { hashKey } from './keys.ts';
import { describeUserAgent } from './user-agent.ts';

/** Name of the httpOnly session cookie. */
export const sessionCookie = 'closeloop_session';
/** Sessions last a week from sign-in. */
export const sessionLifetimeMs = 7 * 24 * 60 * 60 * 1000;

/** Starts a session for a user; the returned token goes in the cookie, only its hash is stored. */
export async function createSession(db: Db, user: { id: string; projectId: string }, userAgent?: string) {
  const token = randomBytes(32).toString('base64url');
  const csrfToken = randomBytes(24).toString('base64url');
  const expiresAt = new Date(Date.now() + sessionLifetimeMs);
  const [row] = await db
    .insert(staffSessions)
    .values({
      projectId: user.projectId,
      userId: user.id,
      tokenHash: hashKey(token),
      csrfToken,
      expiresAt,
      // Only the browser family and device class ("Firefox, desktop"), never the full string.
      userAgent: describeUserAgent(userAgent),
    })
    .returning();
  // Expired sessions of this user are swept on each sign-in.
  await db
    .delete(staffSessions)
    .where(and(eq(staffSessions.userId, user.id), lt(staffSessions.expiresAt, new Date())));
  return { token, session: row! };
}

/** The live session of a cookie token, with its (active) user and project; undefined otherwise. */
export async function findSession(db: Db, token: string) {
  const [row] = await db
    .select({ session: staffSessions, user: staffUsers, project: projects })
    .from(staffSessions)
    .innerJoin(staffUsers, eq(staffUsers.id, staffSessions.userId))
    .innerJoin(projects, eq(projects.id, staffSessions.projectId))
    .where(
      and(
        eq(staffSessions.tokenHash, hashKey(token)),
        gt(staffSessions.expiresAt, new Date()),
        isNull(staffUsers.deactivatedAt),
      ),
    )
    .limit(1);
  return row;
}

/** Ends a session. */
export async function deleteSession(db: Db, sessionId: string) {
  await db.delete(staffSessions).where(eq(staffSessions.id, sessionId));
}

/** Constant-time comparison of a given secret (e.g. the x-csrf-token header) with the expected one. */
export function sameSecret(given: unknown, expected: string): boolean {
  if (typeof given !== 'string') return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
