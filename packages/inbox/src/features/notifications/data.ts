/** The signed-in user's email notification settings. */
import type { NotificationSettings } from '@closeloop/shared';
import { api } from '../../lib/api.ts';
import { mutate, useQuery } from '../../lib/query.ts';

const key = '/v1/notifications';
export const useNotificationSettings = () => useQuery(key, () => api.get<NotificationSettings>(key));
export const saveNotificationSettings = (patch: Partial<NotificationSettings>) =>
  mutate(() => api.patch<NotificationSettings>(key, patch), [key]);
