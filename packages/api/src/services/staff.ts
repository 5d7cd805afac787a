import type { StaffRole, StaffUser } from '@closeloop/shared';
import { and, asc, count, eq, inArray, isNull, sql } from 'drizzle-orm';
import type { Db, Tx } from '../db/client.ts';
import { setupTokens, staffSessions, staffUsers } from '../db/schema/index.ts';
import { Errors } from '../errors.ts';
import { generateKey, hashKey } from './keys.ts';
import { hashPassword } from './passwords.ts';

export type StaffUserRow = typeof staffUsers.$inferSelect;

const iso = (date: Date | null) => (date ? date.toISOString() : null);

/** A staff user as the API returns it. */
export function toStaffUser(row: StaffUserRow): StaffUser {
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    role: row.role,
    createdAt: row.createdAt.toISOString(),
    lastLoginAt: iso(row.lastLoginAt),
    deactivatedAt: iso(row.deactivatedAt),
  };
}

export interface NewStaffUser {
  email: string;
  name: string;
  role: StaffRole;
  password: string;
}

/**
 * Creates a staff user; a 409 when the email is taken (emails are unique across the installation).
 * When it belongs to a deactivated user of the same project, the 409 says so and how to reactivate.
 */
export async function createStaffUser(db: Db | Tx, projectId: string, input: NewStaffUser) {
  const email = input.email.trim().toLowerCase();
  const [taken] = await db
    .select({ id: staffUsers.id, projectId: staffUsers.projectId, deactivatedAt: staffUsers.deactivatedAt })
    .from(staffUsers)
    .where(sql`lower(${staffUsers.email}) = ${email}`)
    .limit(1);
  if (taken?.deactivatedAt && taken.projectId === projectId) {
    throw new Errors.EmailTaken(
      `The staff user with the email ${email} is deactivated; reactivate them instead (PATCH /v1/users/${taken.id} with {"active": true})`,
    );
  }
  if (taken) throw new Errors.EmailTaken(`A staff user with the email ${email} already exists`);
  const [row] = await db
    .insert(staffUsers)
    .values({
      projectId,
      email,
      name: input.name.trim(),
      role: input.role,
      passwordHash: await hashPassword(input.password),
    })
    .onConflictDoNothing()
    .returning();
  if (!row) throw new Errors.EmailTaken(`A staff user with the email ${email} already exists`);
  return row;
}

/**
 * Deactivates (signs out everywhere; their name stays on their activity) or reactivates a staff
 * user. Deactivating again keeps the first deactivation time.
 */
export async function setStaffUserActive(tx: Tx, user: StaffUserRow, active: boolean, now = new Date()) {
  const [row] = await tx
    .update(staffUsers)
    .set({ deactivatedAt: active ? null : (user.deactivatedAt ?? now), updatedAt: now })
    .where(eq(staffUsers.id, user.id))
    .returning();
  if (!active) await tx.delete(staffSessions).where(eq(staffSessions.userId, user.id));
  return row!;
}

/** Active staff users of a project, oldest first. */
export function activeStaff(db: Db | Tx, projectId: string, roles?: StaffRole[]) {
  return db
    .select()
    .from(staffUsers)
    .where(
      and(
        eq(staffUsers.projectId, projectId),
        isNull(staffUsers.deactivatedAt),
        roles ? inArray(staffUsers.role, roles) : undefined,
      ),
    )
    .orderBy(asc(staffUsers.createdAt), asc(staffUsers.id));
}

/** How many staff users (active or not) a project has. */
export async function countStaff(db: Db, projectId: string): Promise<number> {
  const [row] = await db
    .select({ total: count() })
    .from(staffUsers)
    .where(eq(staffUsers.projectId, projectId));
  return row?.total ?? 0;
}

const setupTokenLifetimeMs = 24 * 60 * 60 * 1000;

/**
 * A new one-time setup token for the first owner of a project (earlier unused ones stop working).
 * Returns the token; only its hash is stored.
 */
export async function createSetupToken(db: Db, projectId: string): Promise<string> {
  const token = generateKey('sk').replace(/^sk_/, 'setup_');
  await db.transaction(async (tx) => {
    await tx.delete(setupTokens).where(and(eq(setupTokens.projectId, projectId), isNull(setupTokens.usedAt)));
    await tx.insert(setupTokens).values({
      projectId,
      tokenHash: hashKey(token),
      expiresAt: new Date(Date.now() + setupTokenLifetimeMs),
    });
  });
  return token;
}

/** The project a setup token may create the first owner of, or undefined when it is not usable. */
export async function findUsableSetupToken(db: Db | Tx, token: string) {
  const [row] = await db
    .select()
    .from(setupTokens)
    .where(eq(setupTokens.tokenHash, hashKey(token)))
    .limit(1);
  if (!row || row.usedAt || row.expiresAt.getTime() < Date.now()) return undefined;
  const [{ total } = { total: 0 }] = await db
    .select({ total: count() })
    .from(staffUsers)
    .where(eq(staffUsers.projectId, row.projectId));
  return total === 0 ? row : undefined;
}
