/** The part of `Storage` the widget uses; tests pass their own. */
export interface StorageLike {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

/**
 * localStorage when it works (it throws in some private modes, in sandboxed frames and on quota),
 * otherwise memory for this page only.
 */
export function pageStorage(): StorageLike {
  const memory = new Map<string, string>();
  return {
    getItem(key) {
      try {
        return localStorage.getItem(key);
      } catch {
        return memory.get(key) ?? null;
      }
    },
    setItem(key, value) {
      try {
        localStorage.setItem(key, value);
      } catch {
        memory.set(key, value);
      }
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
