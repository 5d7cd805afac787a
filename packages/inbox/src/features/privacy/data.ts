/**
 * Privacy data: a respondent's export and erasure, the project's retention period, the audit log.
 */
import type { AuditEntry, RespondentData, ResponseRecord } from '@closeloop/shared';
import { api, query } from '../../lib/api.ts';
import { invalidate, mutate } from '../../lib/query.ts';

/** How privacy requests name the person a response is from: their external id, else their email. */
export function respondentPath(record: ResponseRecord): string | null {
  const who = record.respondent ?? record.claimedRespondent;
  if (who?.externalId) return `/v1/respondents/${encodeURIComponent(who.externalId)}`;
  if (who?.email) return `/v1/respondents${query({ email: who.email })}`;
  return null;
}

/** Saves everything stored about the respondent as a JSON file. */
export async function downloadRespondent(path: string, fileName: string): Promise<void> {
  const data = await api.get<RespondentData | { data: RespondentData[] }>(path);
  const url = URL.createObjectURL(new Blob([JSON.stringify(data, null, 2)], { type: 'application/json' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** Erases the respondent and everything about them; every cached list may have held them. */
export const eraseRespondent = (path: string) => mutate(() => api.delete(path), ['/v1']);

/** The filters of the audit log page. */
export interface AuditFilters {
  action?: string | undefined;
  actorKind?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
}

export interface AuditPage {
  data: AuditEntry[];
  nextCursor: string | null;
}

/** One page of the audit log, newest first. */
export const fetchAuditPage = (filters: AuditFilters, cursor: string | null) =>
  api.get<AuditPage>(`/v1/audit${query({ ...filters, cursor, limit: 50 })}`);

/** The audit log changed (a setting saved here is itself an entry). */
export const auditChanged = () => invalidate('/v1/audit');
