/**
 * Normalises an allowed origin as browsers send it in the Origin header (`https://shop.example`,
 * lower-case, no path, default port dropped). Returns null when the text is not an origin.
 */
export function normalizeOrigin(text: string): string | null {
  const trimmed = text.trim();
  if (trimmed === '') return null;
  let url: URL;
  try {
    url = new URL(trimmed);
  } catch {
    return null;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
  if ((url.pathname !== '/' && url.pathname !== '') || url.search || url.hash || url.username) return null;
  return url.origin;
}

/** Whether a request's Origin may use a project's widget endpoints (empty allowlist = any origin). */
export function isOriginAllowed(allowedOrigins: readonly string[], origin: string | undefined): boolean {
  if (origin === undefined || allowedOrigins.length === 0) return true;
  return allowedOrigins.includes(origin.toLowerCase());
}
