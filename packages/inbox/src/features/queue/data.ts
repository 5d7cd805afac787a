/** The queue's data: pages of a queue's responses, counts, and changes to one or many follow-ups. */

import type { ResponseList, ResponseRecord } from '@closeloop/shared';
import type { FollowUpStatus } from '@closeloop/shared/kinds';
import { api } from '../../lib/api.ts';
import { mutate } from '../../lib/query.ts';
import { showToast } from '../../lib/toast.tsx';

/** What a change to responses makes stale: every list and count they may appear in. */
export const responsesChanged = ['/v1/responses', '/v1/inbox'];

/** A page of a queue's responses (the list keeps its own pages, so it is not cached). */
export const fetchQueuePage = (path: string) => api.get<ResponseList>(path);

/** One change for many responses, all or nothing (POST /v1/responses/bulk). */
export const bulkChange = (ids: string[], change: object) =>
  mutate(
    () => api.post<{ data: ResponseRecord[] }>('/v1/responses/bulk', { ids, ...change }),
    responsesChanged,
  );

/**
 * Resolves responses at once and offers the way back: Undo puts each back to the status it had
 * (a resolved follow-up reopens to Open first, then goes on to In progress where it was).
 */
export async function resolveWithUndo(responses: ResponseRecord[]) {
  const ids = responses.map((response) => response.id);
  await bulkChange(ids, { status: 'resolved' });
  const was = (status: FollowUpStatus) =>
    responses.filter((response) => response.followUp.status === status).map((response) => response.id);
  showToast(ids.length === 1 ? 'Resolved.' : `Resolved ${ids.length} responses.`, {
    label: 'Undo',
    run: async () => {
      await bulkChange(ids, { status: 'open' });
      const inProgress = was('in_progress');
      if (inProgress.length > 0) await bulkChange(inProgress, { status: 'in_progress' });
      showToast(ids.length === 1 ? 'Reopened.' : `Reopened ${ids.length} responses.`);
    },
  });
}
