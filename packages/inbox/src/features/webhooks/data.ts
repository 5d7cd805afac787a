/** The webhook pages' data: endpoints, their delivery logs, and the changes (each invalidates what it makes stale). */
import type { DeliveryList, Webhook, WebhookEventType, WebhookWithSecret } from '@closeloop/shared';
import { api } from '../../lib/api.ts';
import { mutate, useQuery } from '../../lib/query.ts';

export const webhooksKey = '/v1/webhooks';

/** Every event an endpoint can subscribe to, with what it means (the API's list, without zod). */
export const webhookEvents: { type: WebhookEventType; help: string }[] = [
  { type: 'response.created', help: 'a response arrived' },
  { type: 'response.updated', help: 'a response got its comment, or its tags changed' },
  { type: 'followup.opened', help: 'a follow-up was opened' },
  { type: 'followup.assigned', help: 'a follow-up was assigned' },
  { type: 'followup.resolved', help: 'a follow-up was resolved' },
  { type: 'note.created', help: 'a note was added' },
];

export const useWebhooks = () =>
  useQuery(webhooksKey, () => api.get<{ data: Webhook[] }>(webhooksKey).then((body) => body.data));
export const useWebhook = (id: string) =>
  useQuery(`${webhooksKey}/${id}`, () => api.get<Webhook>(`${webhooksKey}/${id}`));
/** One page of an endpoint's delivery log, newest first. */
export const useDeliveries = (id: string, cursor: string | null) => {
  const url = `${webhooksKey}/${id}/deliveries?limit=20${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
  return useQuery(url, () => api.get<DeliveryList>(url));
};

export const createWebhook = (body: object) =>
  mutate(() => api.post<WebhookWithSecret>(webhooksKey, body), [webhooksKey]);
export const updateWebhook = (id: string, body: object) =>
  mutate(() => api.patch<Webhook>(`${webhooksKey}/${id}`, body), [webhooksKey]);
export const deleteWebhook = (id: string) => mutate(() => api.delete(`${webhooksKey}/${id}`), [webhooksKey]);
export const rotateSecret = (id: string) =>
  mutate(() => api.post<WebhookWithSecret>(`${webhooksKey}/${id}/rotate-secret`, {}), [webhooksKey]);
export const sendTest = (id: string) =>
  mutate(() => api.post(`${webhooksKey}/${id}/test`, {}), [`${webhooksKey}/${id}/deliveries`]);
export const retryDelivery = (id: string, messageId: string) =>
  mutate(
    () => api.post(`${webhooksKey}/${id}/deliveries/${messageId}/retry`, {}),
    [`${webhooksKey}/${id}/deliveries`],
  );
