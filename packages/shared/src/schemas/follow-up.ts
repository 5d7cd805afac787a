/** Following a response up: status changes, tags, notes, activity, email replies and queues. */
import { z } from 'zod';
import {
  followUpStatusSchema,
  instantSchema,
  isoDateTime,
  isWellFormedText,
  staffText,
  unpairedSurrogate,
  uuidInput,
} from './common.ts';
import { responseListQuerySchema, responseRecordSchema } from './responses.ts';

const tagSchema = z
  .string()
  .trim()
  .min(1)
  .max(50)
  .regex(/^[^,\s][^,]*$/, 'must not contain commas')
  .refine(isWellFormedText, unpairedSurrogate);
/**
 * Tags, stored in lower case without duplicates (`normalizeTags`); no transform here, so responses
 * can be encoded with it.
 */
export const tagsSchema = z
  .array(tagSchema)
  .max(20)
  .describe('Stored in lower case without duplicates: "Billing" and "billing" are one tag');

/** Tags as they are stored: trimmed, lower-cased, each once (in the order first given). */
export function normalizeTags(tags: readonly string[]): string[] {
  return [...new Set(tags.map((tag) => tag.trim().toLowerCase()))];
}

/** Body of PATCH /v1/responses/:id. */
export const followUpUpdateSchema = z
  .object({
    status: followUpStatusSchema,
    assigneeId: uuidInput().nullable(),
    dueAt: instantSchema.nullable().describe('Between 1970 and 9999; null: no due date'),
    tags: tagsSchema,
  })
  .partial()
  .strict()
  .refine((body) => Object.keys(body).length > 0, 'give at least one of status, assigneeId, dueAt, tags');
export type FollowUpUpdate = z.input<typeof followUpUpdateSchema>;

/** Body of POST /v1/responses/bulk: one change for many responses (the inbox's bulk actions). */
export const bulkFollowUpUpdateSchema = z
  .object({
    ids: z.array(uuidInput()).min(1).max(100).describe('1–100 response ids; all change or none'),
    status: followUpStatusSchema.optional(),
    assigneeId: uuidInput().nullable().optional(),
    dueAt: instantSchema.nullable().optional().describe('Between 1970 and 9999; null: no due date'),
    addTags: tagsSchema.optional().describe('Added to each response, beside its own tags'),
    removeTags: tagsSchema.optional().describe('Removed from each response where present'),
  })
  .strict()
  .refine(
    (body) => Object.keys(body).some((key) => key !== 'ids'),
    'give at least one of status, assigneeId, dueAt, addTags, removeTags',
  );
export type BulkFollowUpUpdate = z.input<typeof bulkFollowUpUpdateSchema>;

/** Who did something: a staff user, a secret key, or a follow-up rule. */
export const actorSchema = z.object({
  kind: z.enum(['user', 'secret_key', 'rule']),
  id: z.uuid().nullable(),
  name: z.string(),
});
export type Actor = z.infer<typeof actorSchema>;

/** Body of POST /v1/responses/:id/notes. */
export const noteCreateSchema = z.object({ body: staffText(10_000) });

export const noteSchema = z.object({
  id: z.uuid(),
  responseId: z.uuid(),
  body: z.string(),
  author: actorSchema,
  createdAt: isoDateTime,
});
export type Note = z.infer<typeof noteSchema>;

export const activityTypes = [
  'status_changed',
  'assignee_changed',
  'due_changed',
  'tags_changed',
  'note_added',
  'reply_sent',
  'rule_applied',
] as const;
export type ActivityType = (typeof activityTypes)[number];

/** One entry of a response's history: who did what, when; `detail` depends on `type`. */
export const activitySchema = z.object({
  id: z.uuid(),
  responseId: z.uuid(),
  type: z.enum(activityTypes),
  actor: actorSchema,
  detail: z.record(z.string(), z.unknown()),
  createdAt: isoDateTime,
});
export type Activity = z.infer<typeof activitySchema>;

/** Body of POST /v1/responses/:id/replies. */
export const replyCreateSchema = z.object({
  subject: staffText(200).optional().describe('Default: "Re: your feedback"'),
  body: staffText(20_000),
  confirmUnverified: z
    .boolean()
    .optional()
    .describe(
      'Send even though the address is not verified (anyone holding the public key could have typed it); without it such a reply is refused with 409 unverified_recipient',
    ),
});
export type ReplyCreate = z.input<typeof replyCreateSchema>;

export const emailMessageSchema = z.object({
  id: z.uuid(),
  responseId: z.uuid(),
  to: z.string(),
  subject: z.string(),
  body: z.string(),
  sentBy: actorSchema,
  createdAt: isoDateTime,
});
export type EmailMessage = z.infer<typeof emailMessageSchema>;

/** Inbox queues: Open (open or in progress), Mine, Overdue, Resolved, All. */
export const inboxQueues = responseListQuerySchema.shape.queue.unwrap().options;
export type InboxQueue = (typeof inboxQueues)[number];
export const queueCountsSchema = z.object({
  open: z.number().int(),
  mine: z.number().int().nullable().describe('null without a staff session'),
  overdue: z.number().int(),
  resolved: z.number().int(),
  all: z.number().int(),
});
export type QueueCounts = z.infer<typeof queueCountsSchema>;

/** The respondent's earlier (and later) responses, for the timeline of a response. */
export const respondentHistorySchema = z.object({ data: z.array(responseRecordSchema) });
