/**
 * Live updates: one server-sent event stream (GET /v1/inbox/events) while signed in. Each event
 * names responses that were created or changed; the inbox refetches what it shows (the query
 * cache's invalidation), so a new follow-up appears in the queue without a reload.
 */
import { useEffect } from 'preact/hooks';
import { invalidate } from './query.ts';

/** Changes arriving together (a bulk action, a batch of answers) cause one refetch. */
const settleMs = 250;

/** Listens to the inbox's event stream while the signed-in app is shown. */
export function useLiveUpdates() {
  useEffect(() => {
    if (typeof EventSource === 'undefined') return;
    const source = new EventSource('/v1/inbox/events');
    let timer: ReturnType<typeof setTimeout> | undefined;
    const changed = () => {
      clearTimeout(timer);
      timer = setTimeout(() => invalidate('/v1/responses', '/v1/inbox'), settleMs);
    };
    source.addEventListener('created', changed);
    source.addEventListener('updated', changed);
    // After the stream was broken (a restart, another replica), changes may have been missed.
    let opened = false;
    source.addEventListener('open', () => {
      if (opened) changed();
      opened = true;
    });
    return () => {
      clearTimeout(timer);
      source.close();
    };
  }, []);
}
