import { merge, readJson, type StorageLike, writeJson } from './storage.ts';
import { uuid } from './uuid.ts';

/** Trait values the API accepts. */
export type TraitValue = string | number | boolean | null;
export type Traits = Record<string, TraitValue>;

/** One person's survey history in this browser, for recontact, cooldown and sampling. */
export interface History {
  /** Random id of this person in this browser; sampling is decided from it so it stays stable. */
  visitorId: string;
  /** Survey id → epoch ms when last shown. */
  shown: Record<string, number>;
  /** Survey id → epoch ms when last answered. */
  answered: Record<string, number>;
  /** Epoch ms when any survey was last shown (project-wide cooldown). */
  lastShownAt: number;
}

/**
 * What the widget remembers in this browser, per project: who the visitor is (after identify), their
 * history, and the history of the other users who identified here before, so that switching
 * accounts and back does not ask anyone again what they already answered.
 */
export interface VisitorMemory extends History {
  userId: string | null;
  traits: Traits | null;
  /**
   * The site's signature of `userId` (identify's third argument), sent with answers. Null rather
   * than absent when there is none, so joining a stored memory (after consent) cannot pair another
   * user's signature with this user.
   */
  signature?: string | null;
  /** Other users' histories, the most recently active last; at most `maxUsers`. */
  users?: (History & { userId: string })[];
}

/** Most other users whose history is kept. */
export const maxUsers = 20;

export function freshMemory(): VisitorMemory {
  return { visitorId: uuid(), userId: null, traits: null, shown: {}, answered: {}, lastShownAt: 0 };
}

export const memoryKey = (publicKey: string) => `closeloop:${publicKey}:visitor`;

export function loadMemory(storage: StorageLike, publicKey: string): VisitorMemory {
  const stored = readJson<VisitorMemory>(storage, memoryKey(publicKey));
  if (!stored || typeof stored.visitorId !== 'string') return freshMemory();
  if (!Array.isArray(stored.users)) delete stored.users;
  // a damaged part (another version's, edited by hand) counts as nothing rather than failing
  for (const key of ['shown', 'answered'] as const)
    if (typeof stored[key] !== 'object' || !stored[key]) stored[key] = {};
  stored.lastShownAt = Number(stored.lastShownAt) || 0;
  return { ...freshMemory(), ...stored };
}

/**
 * Reads the memory, changes it and writes it back in one synchronous step, so that other tabs of
 * the site, which write to the same storage, never have their changes overwritten by a stale copy.
 */
export function updateMemory(
  storage: StorageLike,
  publicKey: string,
  change: (memory: VisitorMemory) => void,
): VisitorMemory {
  const memory = loadMemory(storage, publicKey);
  change(memory);
  writeJson(storage, memoryKey(publicKey), memory);
  return memory;
}

const historyOf = ({ visitorId, shown, answered, lastShownAt }: History): History => ({
  visitorId,
  shown,
  answered,
  lastShownAt,
});

/** Both histories in one: the latest time of each, and the sampling draw of `into`. */
const merged = (from: History, into?: History): History =>
  into ? merge(historyOf(from), historyOf(into)) : historyOf(from);

/**
 * Makes `userId` the visitor (null: nobody, after a logout), changing `memory`. An anonymous
 * visitor who logs in keeps their history, merged into what that user already had here; a different
 * user gets back their own history, or starts from nothing; the previous user's history is kept for
 * when they come back. Nobody at all (reset) starts from nothing, with a new visitor id.
 */
export function switchUser(
  memory: VisitorMemory,
  userId: string | null,
  traits: Traits | null,
  signature?: string,
): void {
  const current = memory.userId;
  if (userId !== null && current === userId) {
    if (traits) memory.traits = { ...memory.traits, ...traits };
    if (signature) memory.signature = signature;
    return;
  }
  const users = memory.users ?? [];
  const saved = users.find((user) => user.userId === userId);
  const others = users.filter((user) => user !== saved && user.userId !== current);
  if (current !== null) others.push({ ...historyOf(memory), userId: current });
  const next =
    current === null && userId !== null ? merged(memory, saved) : historyOf(saved ?? freshMemory());
  Object.assign(memory, next, {
    userId,
    traits,
    signature: signature ?? null,
    users: others.slice(-maxUsers),
  });
}
