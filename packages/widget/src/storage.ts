/** The part of `Storage` the widget uses; tests pass their own. */
export interface StorageLike {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  /**
   * Consent given (true): from now on in localStorage, with what this page kept in memory added to
   * it. Withdrawn (false): every `closeloop:` entry leaves localStorage (this page keeps a copy in
   * memory, so what it still has to send is not lost) and nothing is stored again.
   */
  persist?(allowed: boolean): void;
}

/**
 * `kept` joined to `stored` (changing `stored`): lists add up (outbox entries), numbers keep the
 * larger (times in a history), objects join key by key, anything else is `kept`'s.
 */
export function merge(stored: any, kept: any): any {
  if (Array.isArray(kept)) return ([] as unknown[]).concat(stored ?? [], kept);
  if (!kept || typeof kept !== 'object')
    return typeof kept === 'number' ? Math.max(kept, +stored || 0) : kept;
  stored = Object(stored);
  // own keys only: a page may have added enumerable properties to Object.prototype
  for (const key of Object.keys(kept)) stored[key] = merge(stored[key], kept[key]);
  return stored;
}

/**
 * localStorage when it works (it throws in some private modes, in sandboxed frames and on quota)
 * and is allowed (`persist`), otherwise memory for this page only.
 */
export function pageStorage(persist: boolean): StorageLike {
  const memory = new Map<string, string>();
  return {
    getItem(key) {
      try {
        if (persist) return localStorage.getItem(key);
      } catch {}
      return memory.get(key) ?? null;
    },
    setItem(key, value) {
      try {
        if (persist) return localStorage.setItem(key, value);
      } catch {}
      memory.set(key, value);
    },
    persist(allowed) {
      persist = allowed;
      try {
        if (allowed)
          for (const [key, value] of memory) {
            localStorage.setItem(key, JSON.stringify(merge(readJson(this, key), JSON.parse(value))));
            memory.delete(key);
          }
        else
          for (let index = localStorage.length; index--; ) {
            const key = localStorage.key(index)!;
            if (key.startsWith('closeloop:')) {
              if (!memory.has(key)) memory.set(key, localStorage.getItem(key)!);
              localStorage.removeItem(key);
            }
          }
      } catch {}
    },
  };
}

/** Parsed JSON from storage, or undefined when missing or corrupt. */
export function readJson<T>(storage: StorageLike, key: string): T | undefined {
  try {
    return JSON.parse(storage.getItem(key) ?? 'null') ?? undefined;
  } catch {
    return undefined;
  }
}

export function writeJson(storage: StorageLike, key: string, value: unknown): void {
  try {
    storage.setItem(key, JSON.stringify(value));
  } catch {
    // quota: the page keeps working, only persistence is lost
  }
}
