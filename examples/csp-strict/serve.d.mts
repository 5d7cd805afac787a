/** The Content-Security-Policy header value this example is served with. */
export function strictPolicy(apiOrigin: string): string;

/** Serves examples/csp-strict on 127.0.0.1 with a strict CSP (port 0 = any free port). */
export function serveStrictCsp(options: {
  apiUrl: string;
  publicKey: string;
  port?: number;
  root?: string;
}): Promise<{ url: string; close(): Promise<void> }>;
