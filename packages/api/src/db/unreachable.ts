/** Seconds a client is asked to wait (Retry-After) while the database cannot be reached. */
export const databaseRetryAfterSeconds = 5;

// Error codes that mean the database could not be reached (postgres.js and socket errors, and
// Postgres shutting down or starting up), as opposed to an error of the statement itself.
const unreachableCodes = new Set([
  'CONNECT_TIMEOUT',
  'CONNECTION_CLOSED',
  'CONNECTION_DESTROYED',
  'CONNECTION_ENDED',
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
  '57P01', // admin_shutdown
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now
  '08000',
  '08001',
  '08003',
  '08006',
]);

/** Whether an error (or one of its causes) says the database could not be reached. */
export function isDatabaseUnreachable(error: unknown): boolean {
  for (let current = error, depth = 0; current && depth < 5; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && unreachableCodes.has(code)) return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}
