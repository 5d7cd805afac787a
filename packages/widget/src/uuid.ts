/**
 * A random UUID v4. `crypto.randomUUID` only exists in secure contexts, so plain-http pages fall back
 * to `getRandomValues`, which exists everywhere.
 */
export function uuid(): string {
  const c = crypto;
  if (c.randomUUID) return c.randomUUID();
  return '10000000-1000-4000-8000-100000000000'.replace(/[018]/g, (digit) => {
    const d = Number(digit);
    return (d ^ (c.getRandomValues(new Uint8Array(1))[0]! & (15 >> (d / 4)))).toString(16);
  });
}
