/**
 * The widget runs on other people's pages: nothing it does may throw into them, and it says at most
 * one thing on the console.
 */

let warned = false;

/** Logs one `console.warn` for the whole page life; later calls are silent. */
export function warnOnce(message: string, detail?: unknown): void {
  if (warned) return;
  warned = true;
  try {
    console.warn(`[closeloop] ${message}`, detail ?? '');
  } catch {
    // a host page that broke console has bigger problems than ours
  }
}

/** For tests: allow the next warning again. */
export function resetWarnings(): void {
  warned = false;
}

/** Wraps an entry point so that any exception becomes one warning instead of an error in the host page. */
export function guard<A extends unknown[], R>(fn: (...args: A) => R): (...args: A) => R | undefined {
  return (...args: A) => {
    try {
      return fn(...args);
    } catch (error) {
      warnOnce('unexpected error', error);
      return undefined;
    }
  };
}
