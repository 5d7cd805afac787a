/** The inbox's client for the Closeloop API: same origin, session cookie, CSRF token on changes. */

export interface FieldProblem {
  path: string;
  message: string;
}

/** A problem+json answer from the API. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly errors: FieldProblem[] = [],
  ) {
    super(message);
  }
}

let csrfToken = '';
const sessionEndedListeners = new Set<() => void>();

/** Remembers the CSRF token given at sign-in; every POST, PATCH and DELETE sends it. */
export function setCsrfToken(token: string) {
  csrfToken = token;
}

/** Called when the API says the session has ended (401), so the app can show the sign-in page. */
export function onSessionEnded(listener: () => void): () => void {
  sessionEndedListeners.add(listener);
  return () => sessionEndedListeners.delete(listener);
}

async function request<T>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET') headers['x-csrf-token'] = csrfToken;
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      headers,
      credentials: 'same-origin',
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
  } catch {
    throw new ApiError(0, 'network', 'The server cannot be reached. Check your connection and try again.');
  }
  if (response.status === 204) return undefined as T;
  const data = (await response.json().catch(() => null)) as
    | (T & { code?: string; detail?: string; errors?: FieldProblem[] })
    | null;
  if (!response.ok) {
    const error = new ApiError(
      response.status,
      data?.code ?? 'error',
      response.status === 429
        ? tooManyRequests(response.headers.get('retry-after'))
        : (data?.detail ?? `The server answered ${response.status}`),
      data?.errors ?? [],
    );
    if (response.status === 401 && !path.startsWith('/v1/auth/')) {
      for (const listener of sessionEndedListeners) listener();
    }
    throw error;
  }
  return data as T;
}

/** What a person is told after a 429: how long to wait, read from the Retry-After header. */
export function tooManyRequests(retryAfter: string | null, now = Date.now()): string {
  let seconds = Number.NaN;
  if (retryAfter && /^\d+$/.test(retryAfter.trim())) seconds = Number(retryAfter);
  else if (retryAfter) seconds = (Date.parse(retryAfter) - now) / 1000;
  if (!Number.isFinite(seconds)) return 'Too many attempts. Wait a while, then try again.';
  if (seconds <= 60) {
    const whole = Math.max(1, Math.ceil(seconds));
    return `Too many attempts. Try again in ${whole} second${whole === 1 ? '' : 's'}.`;
  }
  const minutes = Math.ceil(seconds / 60);
  return `Too many attempts. Try again in ${minutes} minute${minutes === 1 ? '' : 's'}.`;
}

export const api = {
  get: <T>(path: string) => request<T>('GET', path),
  post: <T>(path: string, body?: unknown) => request<T>('POST', path, body ?? {}),
  patch: <T>(path: string, body: unknown) => request<T>('PATCH', path, body),
  delete: (path: string) => request<void>('DELETE', path),
  /** A raw GET (streamed export downloads). */
  fetchRaw: (path: string) => fetch(path, { credentials: 'same-origin' }),
};

/** Builds a query string from the set values of an object. */
export function query(params: Record<string, string | number | undefined | null>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== '') search.set(key, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}
