import type { EventInput, ResponseInput } from '@closeloop/shared';
import { readJson, type StorageLike, writeJson } from './storage.ts';
import { backoffDelay, byteLength, isRetryable, postBody } from './transport.ts';
import { uuid } from './uuid.ts';

/**
 * The persistent outbox: every response and event is written to storage first and removed only
 * when the API has answered 2xx (which it does only after committing). Reloads, crashes and
 * offline periods therefore lose nothing, and because every item carries its own client UUID,
 * sending one twice (a reload in the middle of a request, a beacon on pagehide) never makes a
 * second row.
 */

export type OutboxItem = { kind: 'response'; item: ResponseInput } | { kind: 'event'; item: EventInput };
export type OutboxEntry = OutboxItem & { entryId: string };

/** What is kept in storage. */
export interface OutboxState {
  entries: OutboxEntry[];
  /** Failed attempts in a row. */
  attempt: number;
  /** Epoch ms before which nothing is sent. */
  retryAt: number;
}

export interface OutboxOptions {
  publicKey: string;
  /** Base URL of the API, ending with a slash. */
  apiUrl: string;
  storage: StorageLike;
  fetch: typeof fetch;
  sendBeacon?: ((url: string, data: Blob) => boolean) | undefined;
  now?: () => number;
  random?: (() => number) | undefined;
  /** Called when the API refuses a batch for good (4xx other than 408/429). */
  onRejected?: (status: number, detail?: string) => void;
}

export interface Outbox {
  /** Stores a response or event and sends it soon. */
  add(entry: OutboxItem): void;
  /** The stored state: what still waits for an acknowledgement, and the retry schedule. */
  state(): OutboxState;
  /** Sends everything due, batch by batch, until empty or a batch fails; never rejects. */
  flush(): Promise<void>;
  /**
   * The page is going away: hand what is due to sendBeacon (or a keepalive fetch). Entries stay
   * stored, since a beacon's answer is never seen; the next page resends them and the API keeps one.
   */
  flushOnExit(): void;
  /** Back online: retry now instead of waiting out the backoff. */
  online(): void;
  /** Stops the timer; stored entries stay for the next page. */
  stop(): void;
}

/** Most entries kept; beyond it the oldest go (a page stuck offline must not fill the quota). */
export const maxEntries = 500;

interface Batch {
  url: string;
  body: string;
  /** Entry ids behind each item of the body, by index (a 400 names items by index). */
  entryIds: string[][];
}

export function createOutbox(options: OutboxOptions): Outbox {
  const { storage, publicKey } = options;
  const storageKey = `closeloop:${publicKey}:outbox`;
  const now = options.now ?? Date.now;
  let sending = false;
  let timer: ReturnType<typeof setTimeout> | undefined;

  const read = (): OutboxState => {
    const state = readJson<OutboxState>(storage, storageKey);
    if (!Array.isArray(state?.entries)) return { entries: [], attempt: 0, retryAt: 0 };
    // what this version cannot read (left by another version, damaged) must not block the rest
    return {
      entries: state.entries.filter(
        (entry) => typeof entry?.entryId === 'string' && typeof entry.item?.id === 'string',
      ),
      attempt: Number(state.attempt) || 0,
      retryAt: Number(state.retryAt) || 0,
    };
  };
  // Read-modify-write in one synchronous step, so two tabs of one site do not lose each other's entries.
  const update = (change: (state: OutboxState) => void) => {
    const state = read();
    change(state);
    writeJson(storage, storageKey, state);
  };
  const stop = () => clearTimeout(timer);
  const schedule = (ms: number) => {
    stop();
    timer = setTimeout(flush, ms);
  };
  const batchOf = (entries: OutboxEntry[]) => nextBatch(entries, publicKey, options.apiUrl);

  async function flush(): Promise<void> {
    // one sending loop at a time: it reads the outbox again after every batch, so entries added
    // while it sends are not forgotten
    if (sending) return;
    sending = true;
    try {
      for (;;) {
        const { entries, retryAt } = read();
        if (retryAt > now()) return schedule(retryAt - now());
        const batch = batchOf(entries);
        if (!batch) return;
        const { status, retryAfterMs, problem } = await postBody(options.fetch, batch.url, batch.body, now());
        const retry = isRetryable(status);
        let done = batch.entryIds;
        if (status >= 400 && !retry) {
          // refused for good: when the API names the invalid items (errors[].path
          // "responses.3.score"), only those are dropped and the rest is sent again
          const named = (problem?.errors ?? []).map((error) => /^\w+\.(\d+)/.exec(error.path)?.[1]);
          const invalid = done.filter((_, index) => named.includes(String(index)));
          if (invalid.length) done = invalid;
          options.onRejected?.(status, problem?.detail);
        }
        update((state) => {
          if (retry) {
            state.attempt += 1;
            state.retryAt = now() + Math.max(backoffDelay(state.attempt, options.random), retryAfterMs ?? 0);
          } else {
            const gone = done.flat();
            state.entries = state.entries.filter((entry) => !gone.includes(entry.entryId));
            if (status < 400) state.attempt = state.retryAt = 0;
          }
        });
      }
    } catch {
      // storage or a body that cannot be read: try again on the next occasion
    } finally {
      sending = false;
    }
  }

  return {
    add(entry) {
      update((state) => {
        state.entries.push({ entryId: uuid(), ...entry });
        state.entries.splice(0, state.entries.length - maxEntries);
      });
      schedule(0);
    },
    state: read,
    flush,
    flushOnExit() {
      let { entries, retryAt } = read();
      if (retryAt > now()) return;
      for (let batch = batchOf(entries); batch; batch = batchOf(entries)) {
        const { url, body } = batch;
        try {
          // a beacon over the browser's quota is refused: then a keepalive fetch, or a plain one
          if (!options.sendBeacon?.(url, new Blob([body], { type: 'text/plain;charset=UTF-8' })))
            void postBody(options.fetch, url, body, now());
        } catch {
          // nothing more can be done while unloading; the entries are still stored
        }
        const sent = batch.entryIds.flat();
        entries = entries.filter((entry) => !sent.includes(entry.entryId));
      }
    },
    online() {
      update((state) => {
        state.retryAt = 0;
      });
      schedule(0);
    },
    stop,
  };
}

/** Most bytes of items in one batch (UTF-8), so that a batch fits in a keepalive request (64 KiB). */
export const maxBatchBytes = 60_000;

/**
 * The next request to make: responses first, oldest first, at most 100 items and 60 KB of UTF-8
 * (one larger item still goes, alone). Entries with the same item id (a score, then the same
 * response with its comment) become one item, the latest, so a batch never names an id twice.
 */
export function nextBatch(entries: OutboxEntry[], publicKey: string, apiUrl = ''): Batch | undefined {
  const kind = entries.some((entry) => entry.kind === 'response') ? 'responses' : 'events';
  const items = new Map<string, unknown>();
  const entryIds = new Map<string, string[]>();
  const sizes = new Map<string, number>();
  let bytes = 0;
  for (const { kind: entryKind, item, entryId } of entries) {
    if (`${entryKind}s` !== kind) continue;
    const ids = entryIds.get(item.id);
    // a later entry replaces the earlier one of its id (the comment is the bigger part)
    const size = byteLength(JSON.stringify(item)) + 1;
    const grown = bytes - (sizes.get(item.id) ?? 0) + size;
    const count = items.size + (ids ? 0 : 1);
    if (count > 100 || (count > 1 && grown > maxBatchBytes)) break;
    bytes = grown;
    sizes.set(item.id, size);
    items.set(item.id, item);
    entryIds.set(item.id, [...(ids ?? []), entryId]);
  }
  return items.size
    ? {
        url: `${apiUrl}v1/${kind}`,
        body: JSON.stringify({ key: publicKey, [kind]: [...items.values()] }),
        entryIds: [...entryIds.values()],
      }
    : undefined;
}
