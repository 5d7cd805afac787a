/**
 * The privacy contract: a respondent's data as exported (GET /v1/respondents/…), the audit log
 * (GET /v1/audit).
 */
import { z } from 'zod';
import { instantSchema, isoDateTime } from './common.ts';
import { activitySchema, emailMessageSchema, noteSchema } from './follow-up.ts';
import { respondentRecordSchema } from './respondents.ts';
import { responseRecordSchema } from './responses.ts';

/** Everything stored about one respondent: the answer to a privacy access request. */
export const respondentDataSchema = respondentRecordSchema.extend({
  id: z.uuid().nullable().describe('null for a person known only from unsigned claims on their responses'),
  responses: z
    .array(responseRecordSchema)
    .describe('Their responses, and those that only claimed their identity without a signature'),
  notes: z.array(noteSchema),
  emailMessages: z.array(emailMessageSchema),
  activity: z.array(activitySchema),
  webhookMessages: z
    .array(
      z.object({
        id: z.uuid(),
        endpointId: z.uuid(),
        responseId: z.uuid(),
        type: z.string(),
        status: z.enum(['pending', 'succeeded', 'failed']),
        body: z.string().describe('The JSON text sent to the endpoint'),
        createdAt: isoDateTime,
      }),
    )
    .describe('Webhook messages about their responses, queued or delivered'),
});
export type RespondentData = z.infer<typeof respondentDataSchema>;

/** Answer of GET /v1/respondents?email=: every respondent with that address (letter case aside). */
export const respondentDataListSchema = z.object({
  email: z.string(),
  data: z.array(respondentDataSchema),
});
export type RespondentDataList = z.infer<typeof respondentDataListSchema>;

/** Query of GET|DELETE /v1/respondents. */
export const respondentEmailQuerySchema = z.object({
  email: z
    .email()
    .max(320)
    .transform((value) => value.toLowerCase())
    .describe('Every respondent with this address, whatever its letter case'),
});

/** Path of GET|DELETE /v1/respondents/:externalId. */
export const respondentExternalIdParamsSchema = z.object({
  externalId: z.string().min(1).max(256).describe("The site's own user id"),
});

export const auditActorKinds = ['user', 'secret_key', 'system'] as const;

/** One entry of the project's audit log; never holds the personal data the action touched. */
export const auditEntrySchema = z.object({
  id: z.uuid(),
  at: isoDateTime,
  actor: z.object({
    kind: z.enum(auditActorKinds),
    id: z.uuid().nullable(),
    name: z.string(),
  }),
  action: z.string().describe('What happened, e.g. survey.updated, respondent.erased, auth.signed_in'),
  target: z.object({ type: z.string(), id: z.string().nullable() }).nullable(),
  detail: z.record(z.string(), z.unknown()),
});
export type AuditEntry = z.infer<typeof auditEntrySchema>;

/** Query of GET /v1/audit. */
export const auditQuerySchema = z.object({
  action: z
    .string()
    .trim()
    .min(1)
    .max(100)
    .optional()
    .describe('An action (survey.updated) or a prefix ending in a dot (survey.)'),
  actorKind: z.enum(auditActorKinds).optional(),
  actorId: z
    .uuid()
    .overwrite((id) => id.toLowerCase())
    .optional()
    .describe('A staff user or secret key id'),
  from: instantSchema.optional().describe('Entries at or after this instant'),
  to: instantSchema.optional().describe('Entries before this instant'),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(200).optional().describe('nextCursor of the previous page'),
});
export type AuditQuery = z.infer<typeof auditQuerySchema>;

export const auditListSchema = z.object({
  data: z.array(auditEntrySchema),
  nextCursor: z.string().nullable(),
});
export type AuditList = z.infer<typeof auditListSchema>;
