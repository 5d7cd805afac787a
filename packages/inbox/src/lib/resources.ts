/**
 * Data hooks for the lists several areas show (surveys, staff): one cached request each, shared by
 * every page that names a survey or a person. Area-specific hooks live in features/<area>/data.ts.
 */
import type { StaffUser, Survey } from '@closeloop/shared';
import { useMemo } from 'preact/hooks';
import { api } from './api.ts';
import { useQuery } from './query.ts';

export const surveysKey = '/v1/surveys';
export const staffKey = '/v1/users';

/** The project's surveys. */
export function useSurveys() {
  return useQuery(surveysKey, () => api.get<{ data: Survey[] }>(surveysKey).then((body) => body.data));
}

/** The project's staff, deactivated ones included (their names stay on their work). */
export function useStaff() {
  return useQuery(staffKey, () => api.get<{ data: StaffUser[] }>(staffKey).then((body) => body.data));
}

/** Survey id → name; `…` while the list loads, "Deleted survey" for one that is gone. */
export function useSurveyName(): (id: string) => string {
  const [surveys] = useSurveys();
  return useMemo(() => {
    const names = new Map((surveys.state === 'ready' ? surveys.value : []).map((s) => [s.id, s.name]));
    const missing =
      surveys.state === 'ready' ? 'Deleted survey' : surveys.state === 'loading' ? '…' : 'Unknown survey';
    return (id: string) => names.get(id) ?? missing;
  }, [surveys]);
}
