/** Webhook endpoints, their messages and delivery attempts (the /v1/webhooks contract). */
import { z } from 'zod';

/** Events an endpoint can subscribe to. `webhook.test` is sent on request only. */
export const webhookEventTypes = [
  'response.created',
  'response.updated',
  'followup.opened',
  'followup.assigned',
  'followup.resolved',
  'note.created',
] as const;
export type WebhookEventType = (typeof webhookEventTypes)[number];
export type WebhookMessageType = WebhookEventType | 'webhook.test';

export const webhookEventTypeSchema = z.enum(webhookEventTypes);
export const webhookFormatSchema = z
  .enum(['standard', 'slack'])
  .describe(
    'standard: Standard Webhooks JSON body and signature; slack: a Block Kit message for a Slack incoming webhook',
  );
export type WebhookFormat = z.infer<typeof webhookFormatSchema>;

const webhookUrl = z
  .url({ protocol: /^https?$/ })
  .max(2000)
  .describe('https:// (http:// and private addresses only when the server sets WEBHOOK_ALLOW_PRIVATE=true)');

const eventList = z
  .array(webhookEventTypeSchema)
  .min(1)
  .max(webhookEventTypes.length)
  .transform((events) => [...new Set(events)])
  .describe('The events to send; each at most once');

const description = z.string().trim().max(500);

export const webhookCreateSchema = z.strictObject({
  url: webhookUrl,
  events: eventList,
  description: description.optional(),
  format: webhookFormatSchema.default('standard'),
  enabled: z.boolean().default(true),
});
export type WebhookCreate = z.infer<typeof webhookCreateSchema>;

export const webhookUpdateSchema = z
  .strictObject({
    url: webhookUrl.optional(),
    events: eventList.optional(),
    description: description.nullable().optional(),
    format: webhookFormatSchema.optional(),
    enabled: z.boolean().optional().describe('true re-enables an endpoint disabled after failing'),
  })
  .refine((patch) => Object.keys(patch).length > 0, { message: 'Give at least one field to change' });
export type WebhookUpdate = z.infer<typeof webhookUpdateSchema>;

export const webhookSchema = z.object({
  id: z.uuid(),
  url: z.string(),
  events: z.array(webhookEventTypeSchema),
  description: z.string().nullable(),
  format: webhookFormatSchema,
  enabled: z.boolean(),
  disabledReason: z
    .string()
    .nullable()
    .describe('Why Closeloop disabled the endpoint (it failed every delivery for 5 days); null otherwise'),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Webhook = z.infer<typeof webhookSchema>;

export const webhookListSchema = z.object({ data: z.array(webhookSchema) });

/** An endpoint with its signing secret: the answer of create and rotate-secret only. */
export const webhookWithSecretSchema = webhookSchema.extend({
  secret: z
    .string()
    .describe('whsec_ + base64 of 24 random bytes: verify webhook-signature with it (shown only now)'),
});
export type WebhookWithSecret = z.infer<typeof webhookWithSecretSchema>;

export const deliveryAttemptSchema = z.object({
  at: z.string(),
  statusCode: z.number().int().nullable().describe('The receiver’s HTTP status; null when none came'),
  durationMs: z.number().int(),
  response: z.string().optional().describe('The first 1 KB of the receiver’s answer'),
  error: z.string().optional().describe('Why no answer came: timeout, connection refused, refused address…'),
});
export type DeliveryAttempt = z.infer<typeof deliveryAttemptSchema>;

export const deliveryStatusSchema = z.enum(['pending', 'succeeded', 'failed']);

/** A message to one endpoint, with every attempt to deliver it. */
export const deliverySchema = z.object({
  id: z.string().describe('The webhook-id header: the same on every attempt'),
  type: z.string(),
  status: deliveryStatusSchema,
  createdAt: z.string(),
  nextAttemptAt: z.string().nullable().describe('When a pending message is tried next'),
  attempts: z.array(deliveryAttemptSchema),
});
export type Delivery = z.infer<typeof deliverySchema>;

export const deliveryListQuerySchema = z.object({
  status: deliveryStatusSchema.optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.string().max(200).optional().describe('nextCursor of the previous page'),
});
export type DeliveryListQuery = z.infer<typeof deliveryListQuerySchema>;

export const deliveryListSchema = z.object({
  data: z.array(deliverySchema),
  nextCursor: z.string().nullable(),
});
export type DeliveryList = z.infer<typeof deliveryListSchema>;
