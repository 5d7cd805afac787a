/**
 * One POST to the ingestion API and what it means for retrying. Bodies are strings, so fetch sends
 * them as `text/plain;charset=UTF-8`: a CORS-safelisted request that needs no preflight.
 */

/** The parts of an RFC 9457 problem the widget looks at. */
export interface ProblemLike {
  detail?: string;
  errors?: { path: string; message: string }[];
}

/** What came back: an HTTP status (0 = network error), the server's Retry-After and its problem body. */
export interface SendOutcome {
  status: number;
  retryAfterMs?: number | undefined;
  problem?: ProblemLike;
}

/** Milliseconds to wait from a Retry-After header (delta-seconds or an HTTP date), at most a day. */
export function parseRetryAfter(value: string | null | undefined, now: number): number | undefined {
  if (!value) return undefined;
  const ms = /^\s*\d+\s*$/.test(value) ? Number(value) * 1000 : Date.parse(value) - now;
  return ms >= 0 ? Math.min(ms, 864e5) : ms < 0 ? 0 : undefined;
}

/** Worth trying again: network errors, timeouts, rate limits and server errors. */
export function isRetryable(status: number): boolean {
  return status === 0 || status === 408 || status === 429 || status >= 500;
}

export const backoff = { baseMs: 1000, capMs: 5 * 60 * 1000 };

/**
 * Delay before retry number `attempt` (1, 2, …): exponential, capped, with "equal jitter" so that
 * browsers recovering from the same outage spread out: a value in [exp/2, exp].
 */
export function backoffDelay(attempt: number, random: () => number = Math.random): number {
  const exp = Math.min(backoff.capMs, backoff.baseMs * 2 ** (attempt - 1));
  return Math.round((exp * (1 + random())) / 2);
}

/** UTF-8 size of a string: what a request body weighs (string lengths count UTF-16 code units). */
export const byteLength = (text: string): number => new TextEncoder().encode(text).length;

/** Browsers refuse a keepalive request once the keepalive bodies in flight pass 64 KiB. */
export const keepaliveMaxBytes = 65_536;

/** POSTs a JSON string; never rejects. */
export async function postBody(
  fetchFn: typeof fetch,
  url: string,
  body: string,
  now: number,
): Promise<SendOutcome> {
  const request = (keepalive: boolean) =>
    fetchFn(url, { method: 'POST', body, keepalive, credentials: 'omit' });
  // keepalive lets a send started just before navigation finish; browsers cap it at 64 KiB (counted
  // in bytes, across the keepalive requests in flight) and throw a TypeError beyond
  const keepalive = byteLength(body) < keepaliveMaxBytes;
  try {
    const response = await request(keepalive).catch((error) => {
      if (keepalive && error instanceof TypeError) return request(false);
      throw error;
    });
    const outcome: SendOutcome = {
      status: response.status,
      retryAfterMs: parseRetryAfter(response.headers.get('retry-after'), now),
    };
    if (response.status >= 400 && !isRetryable(response.status))
      outcome.problem = await response.json().catch(() => undefined);
    return outcome;
  } catch {
    return { status: 0 };
  }
}
