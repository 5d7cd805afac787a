/** The management API's secret keys of a project: listed, created (shown once), revoked. */
import type { SecretKeyInfo } from '@closeloop/shared';
import { and, asc, eq, isNull } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { secretKeys } from '../db/schema/index.ts';
import { Errors } from '../errors.ts';
import { createSecretKey } from './projects.ts';

const iso = (date: Date | null) => (date ? date.toISOString() : null);

/** The project's secret keys, oldest first (prefix and last use; never the key). */
export async function listSecretKeys(db: Db, projectId: string): Promise<SecretKeyInfo[]> {
  const rows = await db
    .select()
    .from(secretKeys)
    .where(eq(secretKeys.projectId, projectId))
    .orderBy(asc(secretKeys.createdAt), asc(secretKeys.id));
  return rows.map((row) => ({
    id: row.id,
    name: row.name,
    prefix: row.prefix,
    createdAt: row.createdAt.toISOString(),
    lastUsedAt: iso(row.lastUsedAt),
    revokedAt: iso(row.revokedAt),
  }));
}

/** A new secret key, with the key itself: this is the only time it is shown (only its hash is stored). */
export async function issueSecretKey(
  db: Db,
  projectId: string,
  name: string,
): Promise<SecretKeyInfo & { key: string }> {
  const created = await createSecretKey(db, projectId, name);
  return {
    id: created.id,
    name,
    prefix: created.prefix,
    createdAt: created.createdAt.toISOString(),
    lastUsedAt: null,
    revokedAt: null,
    key: created.key,
  };
}

/** Revokes a secret key at once and for good (revoking again keeps the first time); 404 when there is none. */
export async function revokeSecretKey(db: Db, projectId: string, id: string): Promise<void> {
  const [key] = await db
    .select({ id: secretKeys.id })
    .from(secretKeys)
    .where(and(eq(secretKeys.projectId, projectId), eq(secretKeys.id, id)));
  if (!key) throw new Errors.NotFound(`No secret key ${id} in this project`);
  await db
    .update(secretKeys)
    .set({ revokedAt: new Date() })
    .where(and(eq(secretKeys.id, key.id), isNull(secretKeys.revokedAt)));
}
