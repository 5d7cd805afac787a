/**
 * The quarantine queue's data: responses over the counted budget, and the two decisions. A
 * decision also makes the inbox's response lists and metrics stale.
 */
import type { ResponseRecord } from '@closeloop/shared';
import { api } from '../../lib/api.ts';
import { mutate, useQuery } from '../../lib/query.ts';

const quarantinedKey = '/v1/responses?quarantined=true&limit=100';

/** The first 100 quarantined responses, newest first. */
export const useQuarantined = () =>
  useQuery(quarantinedKey, () =>
    api.get<{ data: ResponseRecord[]; nextCursor: string | null }>(quarantinedKey),
  );

/** Accepts quarantined responses: they count for metrics from now on. */
export const acceptQuarantined = (ids: string[]) =>
  mutate(
    () => api.post<{ accepted: string[] }>('/v1/responses/quarantine/accept', { ids }),
    ['/v1/responses', '/v1/metrics', '/v1/inbox'],
  );

/** Rejects quarantined responses: they are deleted, and the rejection is logged. */
export const rejectQuarantined = (ids: string[]) =>
  mutate(
    () => api.post<{ rejected: string[] }>('/v1/responses/quarantine/reject', { ids }),
    ['/v1/responses', '/v1/metrics', '/v1/inbox'],
  );
