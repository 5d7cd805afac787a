import type { Session } from '@closeloop/shared';
import { and, eq, gt, isNull } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { projects, setupTokens, staffUsers } from '../db/schema/index.ts';
import { Errors } from '../errors.ts';
import { recordAudit } from './audit.ts';
import type { Auth } from './auth.ts';
import { hashKey } from './keys.ts';
import { decoyPasswordHash, verifyPassword } from './passwords.ts';
import { createSession, deleteSession, findSession, sameSecret } from './sessions.ts';
import {
  createStaffUser,
  findStaffUserByEmail,
  findUsableSetupToken,
  type StaffUserRow,
  toStaffUser,
} from './staff.ts';
import { describeUserAgent } from './user-agent.ts';

/** A new session: its cookie token (only its hash is stored) and what the inbox is told. */
export interface StartedSession {
  token: string;
  expiresAt: Date;
  session: Omit<Session, 'features'>;
}

async function startSession(
  db: Db,
  user: StaffUserRow,
  userAgent: string | undefined,
): Promise<StartedSession> {
  const { token, session } = await createSession(db, user, userAgent);
  const lastLoginAt = new Date();
  await db.update(staffUsers).set({ lastLoginAt }).where(eq(staffUsers.id, user.id));
  await recordAudit(db, {
    projectId: user.projectId,
    actor: { kind: 'user', id: user.id, name: user.name },
    action: 'auth.signed_in',
    target: { type: 'user', id: user.id },
    // the browser family and device class, as the session keeps them
    detail: { role: user.role, userAgent: describeUserAgent(userAgent) },
  });
  const [project] = await db
    .select({ id: projects.id, name: projects.name, publicKey: projects.publicKey })
    .from(projects)
    .where(eq(projects.id, user.projectId));
  return {
    token,
    expiresAt: session.expiresAt,
    session: {
      user: toStaffUser({ ...user, lastLoginAt }),
      project: project!,
      csrfToken: session.csrfToken,
      expiresAt: session.expiresAt.toISOString(),
    },
  };
}

export interface SignIn {
  email: string;
  password: string;
  userAgent: string | undefined;
}

/**
 * Signs a staff member in. `beforePasswordCheck` runs once the user is looked up (with the time of
 * their last sign-in, 0 when unknown) and may refuse the attempt (the rate limit). An unknown email
 * is checked against a decoy hash, so timing does not reveal which emails exist.
 */
export async function signIn(
  db: Db,
  input: SignIn,
  beforePasswordCheck: (email: string, lastLoginAt: number) => Promise<void>,
): Promise<StartedSession> {
  const email = input.email.trim().toLowerCase();
  const user = await findStaffUserByEmail(db, email);
  await beforePasswordCheck(email, user?.lastLoginAt?.getTime() ?? 0);
  const valid =
    user && !user.deactivatedAt
      ? await verifyPassword(input.password, user.passwordHash)
      : await verifyPassword(input.password, await decoyPasswordHash).then(() => false);
  if (!valid || !user) throw new Errors.InvalidCredentials();
  return startSession(db, user, input.userAgent);
}

/** A count in the rate-limit store: attempts so far, and milliseconds until the count resets. */
export interface AttemptCount {
  current: number;
  ttl: number;
}

/** Where sign-in attempts are counted (the rate-limit store: Redis, or this process's memory). */
export interface AttemptCounter {
  add(key: string, amount: number, timeWindow: number): Promise<AttemptCount>;
}

/**
 * The limits on failed sign-ins within 15 minutes: `perEmail` for one email from one address,
 * `perAddress` from one address whatever the emails (one address spraying passwords across accounts).
 */
export interface SignInLimits {
  perEmail: AttemptCounter;
  maxPerEmail: number;
  perAddress: AttemptCounter;
  maxPerAddress: number;
}

const signInWindow = 15 * 60_000;

/** An attempt over a sign-in limit: answered as a rate_limited problem with Retry-After. */
export class TooManySignIns extends Error {
  readonly statusCode = 429;
  constructor(readonly retryAfterSeconds: number) {
    super('Too many failed sign-in attempts');
  }
}

function refuseOver(count: AttemptCount, max: number) {
  if (count.current > max) throw new TooManySignIns(Math.max(1, Math.ceil(count.ttl / 1000)));
}

/**
 * Counts a sign-in attempt from `address` (its client key) as it arrives, before its body is even
 * read; throws TooManySignIns over the per-address limit. A successful sign-in gives the turn back.
 */
export async function countSignInAttempt(limits: SignInLimits, address: string): Promise<void> {
  refuseOver(await limits.perAddress.add(address, 1, signInWindow), limits.maxPerAddress);
}

/**
 * Signs in within the per-email limit. Every attempt takes a turn before the password is checked
 * (so parallel guesses cannot overtake the count), and the key carries the time of the email's
 * last successful sign-in, so a success starts the count afresh: only failures add up.
 */
export async function signInWithinLimits(
  db: Db,
  limits: SignInLimits,
  address: string,
  input: SignIn,
): Promise<StartedSession> {
  const started = await signIn(db, input, async (email, lastLoginAt) => {
    const count = await limits.perEmail.add(`${address}|${email}|${lastLoginAt}`, 1, signInWindow);
    refuseOver(count, limits.maxPerEmail);
  });
  await limits.perAddress.add(address, -1, signInWindow);
  return started;
}

/** The name of the project a one-time setup token may create the first owner of; 400 when unusable. */
export async function setupTokenProjectName(db: Db, token: string): Promise<string> {
  const usable = await findUsableSetupToken(db, token);
  if (!usable) throw new Errors.SetupTokenInvalid();
  const [project] = await db
    .select({ name: projects.name })
    .from(projects)
    .where(eq(projects.id, usable.projectId));
  return project!.name;
}

export interface FirstOwner {
  token: string;
  email: string;
  name: string;
  password: string;
}

/** Creates a project's first owner with its one-time setup token, and signs them in. */
export async function setUpFirstOwner(
  db: Db,
  input: FirstOwner,
  userAgent: string | undefined,
): Promise<StartedSession> {
  const user = await db.transaction(async (tx) => {
    // Claiming the token first makes two concurrent setups with one link impossible.
    const [claimed] = await tx
      .update(setupTokens)
      .set({ usedAt: new Date() })
      .where(
        and(
          eq(setupTokens.tokenHash, hashKey(input.token)),
          isNull(setupTokens.usedAt),
          gt(setupTokens.expiresAt, new Date()),
        ),
      )
      .returning({ projectId: setupTokens.projectId });
    if (!claimed) throw new Errors.SetupTokenInvalid();
    const [existing] = await tx
      .select({ id: staffUsers.id })
      .from(staffUsers)
      .where(eq(staffUsers.projectId, claimed.projectId))
      .limit(1);
    if (existing) throw new Errors.SetupTokenInvalid();
    return createStaffUser(tx, claimed.projectId, { ...input, role: 'owner' });
  });
  return startSession(db, user, userAgent);
}

/** Ends the session of a cookie token, if it is live; a change, so it needs the session's CSRF token. */
export async function signOut(db: Db, token: string, csrfToken: unknown): Promise<void> {
  const found = await findSession(db, token);
  if (!found) return;
  if (!sameSecret(csrfToken, found.session.csrfToken)) throw new Errors.CsrfTokenInvalid();
  await deleteSession(db, found.session.id);
}

/** The signed-in staff member, their project and CSRF token (a staff session only). */
/** (The route adds `features`: what the server is set up for is not the session's.) */
export async function currentSession(
  db: Db,
  auth: Auth,
  token: string | undefined,
): Promise<Omit<Session, 'features'>> {
  if (auth.via !== 'session')
    throw new Errors.Forbidden('Only a staff session has a session; this is a secret key');
  const found = token ? await findSession(db, token) : undefined;
  if (!found) throw new Errors.SessionExpired();
  return {
    user: toStaffUser(found.user),
    project: { id: found.project.id, name: found.project.name, publicKey: found.project.publicKey },
    csrfToken: found.session.csrfToken,
    expiresAt: found.session.expiresAt.toISOString(),
  };
}
