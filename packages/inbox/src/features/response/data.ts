/** The response page's data: the response, its activity, notes and the respondent's other answers. */
import type { Activity, Note, ResponseRecord } from '@closeloop/shared';
import { api } from '../../lib/api.ts';
import { mutate, useQuery } from '../../lib/query.ts';

const path = (id: string) => `/v1/responses/${id}`;
const list = <T>(url: string) => api.get<{ data: T[] }>(url).then((body) => body.data);

export const useResponse = (id: string) => useQuery(path(id), () => api.get<ResponseRecord>(path(id)));
export const useActivity = (id: string) =>
  useQuery(`${path(id)}/activity`, () => list<Activity>(`${path(id)}/activity`));
export const useNotes = (id: string) => useQuery(`${path(id)}/notes`, () => list<Note>(`${path(id)}/notes`));
export const useHistory = (id: string) =>
  useQuery(`${path(id)}/history`, () => list<ResponseRecord>(`${path(id)}/history`));

/** What a change to a response makes stale: every list and count it may appear in. */
export const responsesChanged = ['/v1/responses', '/v1/inbox'];

/** Changes the follow-up (status, assignee, due date, tags). */
export const updateFollowUp = (id: string, body: object) =>
  mutate(() => api.patch<ResponseRecord>(path(id), body), responsesChanged);

/** Adds an internal note. */
export const addNote = (id: string, body: string) =>
  mutate(() => api.post<Note>(`${path(id)}/notes`, { body }), [path(id)]);

/** Emails the respondent; `confirmUnverified` sends to an address no signature vouched for. */
export const sendReply = (id: string, subject: string, body: string, confirmUnverified = false) =>
  mutate(
    () =>
      api.post(`${path(id)}/replies`, { subject, body, ...(confirmUnverified ? { confirmUnverified } : {}) }),
    responsesChanged,
  );
