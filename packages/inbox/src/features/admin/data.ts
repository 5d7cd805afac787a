/**
 * The admin pages' data: hooks over the query cache, and the changes, each of which invalidates
 * what it makes stale (so every page showing it, the queue's survey names too, follows).
 */
import type { ProjectSettings, Rule, SecretKeyInfo, StaffUser, Survey } from '@closeloop/shared';
import { api } from '../../lib/api.ts';
import { mutate, useQuery } from '../../lib/query.ts';
import { staffKey, surveysKey } from '../../lib/resources.ts';

const list = <T>(url: string) => api.get<{ data: T[] }>(url).then((body) => body.data);

// Surveys (the list itself is `useSurveys` in lib/resources.ts: the queue and insights use it too).
export const createSurvey = (body: object) => mutate(() => api.post<Survey>(surveysKey, body), [surveysKey]);
export const updateSurvey = (id: string, body: object) =>
  mutate(() => api.patch<Survey>(`${surveysKey}/${id}`, body), [surveysKey]);
export const deleteSurvey = (id: string) => mutate(() => api.delete(`${surveysKey}/${id}`), [surveysKey]);

// Project settings: install snippet, allowed origins, appearance.
const projectKey = '/v1/project';
export const useProject = () => useQuery(projectKey, () => api.get<ProjectSettings>(projectKey));
export const updateProject = (body: object) => mutate(() => api.patch(projectKey, body), [projectKey]);

// Follow-up rules.
const rulesKey = '/v1/follow-up-rules';
export const useRules = () => useQuery(rulesKey, () => list<Rule>(rulesKey));
export const saveRule = (id: string | null, body: object) =>
  mutate(() => (id ? api.patch(`${rulesKey}/${id}`, body) : api.post(rulesKey, body)), [rulesKey]);
export const deleteRule = (id: string) => mutate(() => api.delete(`${rulesKey}/${id}`), [rulesKey]);

// Staff (the list is `useStaff` in lib/resources.ts).
export const createUser = (body: object) => mutate(() => api.post<StaffUser>(staffKey, body), [staffKey]);
export const updateUser = (id: string, body: object) =>
  mutate(() => api.patch<StaffUser>(`${staffKey}/${id}`, body), [staffKey]);
export const deactivateUser = (id: string) => mutate(() => api.delete(`${staffKey}/${id}`), [staffKey]);

// Secret keys.
const keysKey = '/v1/keys';
export const useKeys = () => useQuery(keysKey, () => list<SecretKeyInfo>(keysKey));
export const createKey = (name: string) =>
  mutate(() => api.post<{ key: string }>(keysKey, { name }), [keysKey]);
export const revokeKey = (id: string) => mutate(() => api.delete(`${keysKey}/${id}`), [keysKey]);
