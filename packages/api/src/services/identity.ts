/**
 * Verified identities: the project's identity secret (idsec_…) and the signatures a site's
 * backend makes with it, `hex(HMAC-SHA256(secret, externalId))`.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IdentityVerification, RespondentRecord } from '@closeloop/shared';
import { and, eq } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { projects, respondents } from '../db/schema/index.ts';
import { randomBase62 } from './keys.ts';

/** The signature of an external id: lowercase hex HMAC-SHA256 keyed with the whole idsec_… string. */
export function identitySignature(secret: string, externalId: string): string {
  return createHmac('sha256', Buffer.from(secret, 'utf8')).update(externalId, 'utf8').digest('hex');
}

/** Whether `signature` signs `externalId` with `secret` (constant time; hex in any letter case). */
export function isValidSignature(secret: string | null, externalId: string, signature: string | undefined) {
  if (!secret || !signature || !/^[0-9a-fA-F]{64}$/.test(signature)) return false;
  const expected = Buffer.from(identitySignature(secret, externalId), 'hex');
  return timingSafeEqual(expected, Buffer.from(signature, 'hex'));
}

/**
 * Makes a new identity secret for a project and returns it (shown this once). The previous
 * secret stops verifying at once: every signature made with it is from now on unverified.
 */
export async function rotateIdentitySecret(db: Db, projectId: string): Promise<string> {
  const secret = `idsec_${randomBase62(40)}`;
  await db
    .update(projects)
    .set({ identitySecret: secret, updatedAt: new Date() })
    .where(eq(projects.id, projectId));
  return secret;
}

/** How a project treats identities: its secret and whether signatures are required. */
export interface IdentityPolicy {
  secret: string | null;
  verification: IdentityVerification;
}

export async function identityPolicy(db: Db, projectId: string): Promise<IdentityPolicy> {
  const [row] = await db
    .select({ secret: projects.identitySecret, verification: projects.identityVerification })
    .from(projects)
    .where(eq(projects.id, projectId));
  return row ?? { secret: null, verification: 'required' };
}

/** The stored respondent with this external id, or undefined. */
export async function getRespondent(
  db: Db,
  projectId: string,
  externalId: string,
): Promise<RespondentRecord | undefined> {
  const [row] = await db
    .select()
    .from(respondents)
    .where(and(eq(respondents.projectId, projectId), eq(respondents.externalId, externalId)))
    .limit(1);
  if (!row) return undefined;
  return {
    id: row.id,
    externalId: row.externalId,
    email: row.email,
    traits: row.traits,
    verified: row.verified,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}
