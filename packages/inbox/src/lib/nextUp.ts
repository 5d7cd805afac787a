/**
 * The queue as last shown: the response page moves on to the next response of that list after
 * resolving one, the way a triage tool should, instead of leaving the agent on a finished item.
 */
let shown: { ids: string[]; href: string } = { ids: [], href: '#/inbox' };

/** Remembers the list the queue shows (ids in order) and its address. */
export function rememberQueue(ids: string[], href: string) {
  shown = { ids, href };
}

/** The response after `id` in the last shown queue (or the one before it at the end); null if none. */
export function nextAfter(id: string): string | null {
  const index = shown.ids.indexOf(id);
  if (index === -1) return shown.ids.find((other) => other !== id) ?? null;
  return shown.ids[index + 1] ?? shown.ids[index - 1] ?? null;
}

/** The address of the last shown queue. */
export const queueHref = () => shown.href;
