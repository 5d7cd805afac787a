/**
 * Client addresses are never stored: only a keyed hash, whose key (a random salt per UTC day)
 * is replaced every day and the old one deleted, so yesterday's hashes can no longer be linked to
 * an address, nor to today's hashes of the same address.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { eq, lt } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { addressSalts } from '../db/schema/index.ts';

const saltOfDay = new WeakMap<Db, { day: string; salt: Promise<string> }>();

/** Today's salt (UTC day of `now`), made by the first process that needs it; older ones are deleted. */
async function daySalt(db: Db, now: Date): Promise<string> {
  const day = now.toISOString().slice(0, 10);
  const cached = saltOfDay.get(db);
  if (cached?.day === day) return cached.salt;
  const salt = (async () => {
    await db
      .insert(addressSalts)
      .values({ day, salt: randomBytes(32).toString('base64url') })
      .onConflictDoNothing();
    await db.delete(addressSalts).where(lt(addressSalts.day, day));
    const [row] = await db
      .select({ salt: addressSalts.salt })
      .from(addressSalts)
      .where(eq(addressSalts.day, day));
    return row!.salt;
  })();
  saltOfDay.set(db, { day, salt });
  salt.catch(() => {
    if (saltOfDay.get(db)?.salt === salt) saltOfDay.delete(db);
  });
  return salt;
}

/**
 * The keyed hash of a client address for the day of `now` (HMAC-SHA256 with that day's salt,
 * hex): the same address hashes alike all day, and differently the next day.
 */
export async function hashClientAddress(db: Db, address: string, now = new Date()): Promise<string> {
  const salt = await daySalt(db, now);
  // A visitor sends several requests (events, then responses): their hash is kept for the day's
  // salt, a bounded number at a time.
  let hashes = recentHashes.get(db);
  if (hashes?.salt !== salt) {
    hashes = { salt, byAddress: new Map() };
    recentHashes.set(db, hashes);
  }
  let hash = hashes.byAddress.get(address);
  if (hash === undefined) {
    hash = createHmac('sha256', salt).update(address).digest('hex').slice(0, 32);
    if (hashes.byAddress.size >= maxRecentHashes) hashes.byAddress.clear();
    hashes.byAddress.set(address, hash);
  }
  return hash;
}

const maxRecentHashes = 10_000;
const recentHashes = new WeakMap<Db, { salt: string; byAddress: Map<string, string> }>();
