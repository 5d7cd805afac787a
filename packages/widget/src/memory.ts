import { readJson, type StorageLike, writeJson } from './storage.ts';
import { uuid } from './uuid.ts';

/** Trait values the API accepts. */
export type TraitValue = string | number | boolean | null;
export type Traits = Record<string, TraitValue>;

/**
 * What the widget remembers about the visitor of this browser, per project: who they are (after
 * identify) and which surveys they were shown or answered when, for recontact and cooldown rules.
 */
export interface VisitorMemory {
  /** Random id of this browser's visitor; sampling is decided from it so it stays stable. */
  visitorId: string;
  userId: string | null;
  traits: Traits | null;
  /** Survey id → epoch ms when last shown. */
  shown: Record<string, number>;
  /** Survey id → epoch ms when last answered. */
  answered: Record<string, number>;
  /** Epoch ms when any survey was last shown (project-wide cooldown). */
  lastShownAt: number;
}

export function freshMemory(): VisitorMemory {
  return { visitorId: uuid(), userId: null, traits: null, shown: {}, answered: {}, lastShownAt: 0 };
}

export const memoryKey = (publicKey: string) => `closeloop:${publicKey}:visitor`;

export function loadMemory(storage: StorageLike, publicKey: string): VisitorMemory {
  const stored = readJson<VisitorMemory>(storage, memoryKey(publicKey));
  if (!stored || typeof stored.visitorId !== 'string') return freshMemory();
  return { ...freshMemory(), ...stored };
}

export function saveMemory(storage: StorageLike, publicKey: string, memory: VisitorMemory): void {
  writeJson(storage, memoryKey(publicKey), memory);
}

/**
 * Ties the memory to a user. An anonymous visitor who logs in keeps their history; a different user
 * on the same browser starts from nothing (their answers are not the previous user's).
 */
export function rememberUser(memory: VisitorMemory, userId: string, traits: Traits | null): VisitorMemory {
  const next = memory.userId !== null && memory.userId !== userId ? freshMemory() : { ...memory };
  next.userId = userId;
  if (traits) next.traits = { ...next.traits, ...traits };
  return next;
}
