/**
 * The widget runs on other people's pages: nothing it does may throw into them, and it says at most
 * one thing on the console.
 */

// Kept on the page rather than in this module: the survey UI is a separate script with its own
// copy of this module, and the page still gets one warning at most.
const warned = Symbol.for('closeloop.warned');
const page = globalThis as { [warned]?: boolean };

/** Logs one `console.warn` for the whole page life; later calls are silent. */
export function warnOnce(message: string, detail?: unknown): void {
  if (page[warned]) return;
  page[warned] = true;
  try {
    console.warn(`[closeloop] ${message}`, detail ?? '');
  } catch {
    // a host page that broke console has bigger problems than ours
  }
}

/** For tests: allow the next warning again. */
export function resetWarnings(): void {
  page[warned] = false;
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
