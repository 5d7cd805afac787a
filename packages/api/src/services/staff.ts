import { roleAtLeast, type StaffRole, type StaffUser, type StaffUserUpdate } from '@closeloop/shared';
import { and, asc, count, eq, inArray, isNull, ne, sql } from 'drizzle-orm';
import type { Db, Tx } from '../db/client.ts';
import { projects, setupTokens, staffSessions, staffUsers } from '../db/schema/index.ts';
import { Errors } from '../errors.ts';
import type { Auth } from './auth.ts';
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

/** The staff user with an email address, whatever its letter case (emails are unique in any case). */
export async function findStaffUserByEmail(db: Db | Tx, email: string): Promise<StaffUserRow | undefined> {
  const [row] = await db
    .select()
    .from(staffUsers)
    .where(sql`lower(${staffUsers.email}) = ${email.toLowerCase()}`)
    .limit(1);
  return row;
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
  const taken = await findStaffUserByEmail(db, email);
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

const notFound = (id: string) => new Errors.NotFound(`No staff user ${id} in this project`);
const cannotDeactivateSelf = () => new Errors.Forbidden('You cannot deactivate yourself; ask another admin');

function requireOwnerFor(auth: Auth, what: string) {
  if (auth.role !== 'owner') throw new Errors.Forbidden(`Only an owner can ${what}`);
}

/** Refuses a change that would leave the project without an active owner. */
async function keepAnOwner(tx: Tx, projectId: string, leavingUserId: string) {
  // One owner change of a project at a time, so two owners demoting each other at once cannot
  // both see the other as the owner that stays. (No key update: adding staff is not held up.)
  await tx.select({ id: projects.id }).from(projects).where(eq(projects.id, projectId)).for('no key update');
  const [row] = await tx
    .select({ total: count() })
    .from(staffUsers)
    .where(
      and(
        eq(staffUsers.projectId, projectId),
        eq(staffUsers.role, 'owner'),
        isNull(staffUsers.deactivatedAt),
        ne(staffUsers.id, leavingUserId),
      ),
    );
  if ((row?.total ?? 0) === 0) throw new Errors.LastOwner();
}

/** The staff users of a project (deactivated ones too), oldest first. */
export async function listStaffUsers(db: Db, projectId: string): Promise<StaffUser[]> {
  const rows = await db
    .select()
    .from(staffUsers)
    .where(eq(staffUsers.projectId, projectId))
    .orderBy(asc(staffUsers.createdAt), asc(staffUsers.id));
  return rows.map(toStaffUser);
}

/** Adds a staff user to the caller's project; only an owner adds an owner. */
export async function addStaffUser(db: Db, auth: Auth, input: NewStaffUser): Promise<StaffUser> {
  if (input.role === 'owner') requireOwnerFor(auth, 'add an owner');
  return toStaffUser(await createStaffUser(db, auth.projectId, input));
}

/** A staff user of the project, locked until the transaction ends; 404 when there is none. */
async function lockStaffUser(tx: Tx, projectId: string, id: string) {
  const [target] = await tx
    .select()
    .from(staffUsers)
    .where(and(eq(staffUsers.projectId, projectId), eq(staffUsers.id, id)))
    .for('update');
  if (!target) throw notFound(id);
  return target;
}

/**
 * Changes a staff user. Anyone changes their own name and password; everything else needs an
 * admin, and an owner for owners. Nobody deactivates themselves, a project keeps an active owner,
 * and a new password signs out the user's other sessions.
 */
export async function updateStaffUser(
  db: Db,
  auth: Auth,
  id: string,
  changes: StaffUserUpdate,
): Promise<StaffUser> {
  const { name, role, password, active } = changes;
  const isSelf = auth.userId === id;
  if (!isSelf || role !== undefined || active !== undefined) {
    if (!roleAtLeast(auth.role, 'admin')) {
      throw new Errors.Forbidden('Changing other staff users, roles or who is active needs the admin role');
    }
  }
  if (isSelf && active === false) throw cannotDeactivateSelf();
  const updated = await db.transaction(async (tx) => {
    const target = await lockStaffUser(tx, auth.projectId, id);
    if ((target.role === 'owner' && !isSelf) || role === 'owner') {
      requireOwnerFor(auth, 'change an owner or make one');
    }
    const leavesOwners = (role !== undefined && role !== 'owner') || active === false;
    if (target.role === 'owner' && leavesOwners) await keepAnOwner(tx, auth.projectId, id);
    const now = new Date();
    let [row] = await tx
      .update(staffUsers)
      .set({
        ...(name !== undefined ? { name } : {}),
        ...(role !== undefined ? { role } : {}),
        ...(password !== undefined ? { passwordHash: await hashPassword(password) } : {}),
        updatedAt: now,
      })
      .where(eq(staffUsers.id, id))
      .returning();
    if (password !== undefined) {
      // A new password signs out every other session of that user.
      await tx
        .delete(staffSessions)
        .where(
          and(
            eq(staffSessions.userId, id),
            auth.sessionId ? ne(staffSessions.id, auth.sessionId) : undefined,
          ),
        );
    }
    if (active !== undefined) row = await setStaffUserActive(tx, row!, active, now);
    return row!;
  });
  return toStaffUser(updated);
}

/** Deactivates a staff user (signs them out); not oneself, an owner only by an owner, never the last owner. */
export async function deactivateStaffUser(db: Db, auth: Auth, id: string): Promise<void> {
  if (auth.userId === id) throw cannotDeactivateSelf();
  await db.transaction(async (tx) => {
    const target = await lockStaffUser(tx, auth.projectId, id);
    if (target.role === 'owner') {
      requireOwnerFor(auth, 'deactivate an owner');
      await keepAnOwner(tx, auth.projectId, id);
    }
    await setStaffUserActive(tx, target, false);
  });
}
