/** The overview's data: each kind's metrics for a period, and its open and overdue follow-ups. */
import type { Metrics, QueueCounts } from '@closeloop/shared';
import type { SurveyKind } from '@closeloop/shared/kinds';
import { api, query } from '../../lib/api.ts';
import { useQuery } from '../../lib/query.ts';

export const periods = {
  '30d': { label: 'Last 30 days', days: 30, interval: 'day' },
  '12w': { label: 'Last 12 weeks', days: 84, interval: 'week' },
  '12m': { label: 'Last 12 months', days: 365, interval: 'month' },
} as const;
export type Period = keyof typeof periods;

const timezone = Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';

/** Where a period starts: whole local days, so the same period asks the same question all day. */
function periodStart(days: number): string {
  const start = new Date();
  start.setHours(0, 0, 0, 0);
  start.setDate(start.getDate() - days + 1);
  return start.toISOString();
}

/** One kind's score over a period, with its buckets (for the sparkline) and the period before. */
export function useKindMetrics(kind: SurveyKind, period: Period) {
  const { days, interval } = periods[period];
  const path = `/v1/metrics${query({ kind, interval, timezone, from: periodStart(days) })}`;
  return useQuery(path, () => api.get<Metrics>(path));
}

/** One kind's follow-up counts (open, overdue). */
export function useKindCounts(kind: SurveyKind) {
  const path = `/v1/inbox/counts${query({ kind })}`;
  return useQuery(path, () => api.get<QueueCounts>(path));
}
