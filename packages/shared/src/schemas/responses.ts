/** Responses: what the widget sends (ingestion) and what the management API returns and filters. */
import { z } from 'zod';
import { limits } from '../kinds.ts';
import {
  followUpStatusSchema,
  instantSchema,
  isoDateTime,
  localeSchema,
  publicKeySchema,
  surveyKindSchema,
  uuidInput,
} from './common.ts';

const traitValue = z.union([z.string().max(1000), z.number(), z.boolean(), z.null()]);

/** Who answered, as far as the site knows. */
export const respondentInputSchema = z.object({
  externalId: z.string().trim().min(1).max(256).optional().describe("The site's own user id"),
  email: z.email().max(320).optional(),
  traits: z
    .record(z.string().min(1).max(100), traitValue)
    .refine((traits) => Object.keys(traits).length <= limits.maxTraits, `at most ${limits.maxTraits} traits`)
    .optional()
    .describe('Attributes for segments, e.g. { "plan": "pro" }'),
  signature: z
    .string()
    .max(200)
    .optional()
    .describe(
      'Lowercase hex HMAC-SHA256 of externalId, keyed with the project identity secret (idsec_…) by the site backend; without it the identity is unverified',
    ),
});
export type RespondentInput = z.infer<typeof respondentInputSchema>;

/** Where the answer was given. */
export const responseContextSchema = z.object({
  url: z.url().max(limits.maxUrlLength).describe('Page URL'),
  locale: localeSchema.optional(),
  referrer: z.string().max(limits.maxUrlLength).optional(),
  userAgent: z.string().max(1000).optional().describe('Read for browser and device, never stored'),
  browser: z.string().max(40).optional().describe('Browser family, derived from userAgent by the API'),
  device: z
    .enum(['desktop', 'mobile', 'tablet', 'bot', 'other'])
    .optional()
    .describe('Device class, derived from userAgent by the API'),
  viewport: z.object({ width: z.number().int().min(0), height: z.number().int().min(0) }).optional(),
});
export type ResponseContext = z.infer<typeof responseContextSchema>;

/** One answer in an ingestion request. */
export const responseInputSchema = z.object({
  id: uuidInput().describe('Client-generated UUID; re-sending the same id never creates a second response'),
  surveyId: uuidInput(),
  score: z.number().int().describe('NPS 0–10, CSAT 1–5, CES 1–7 (checked against the survey)'),
  comment: z
    .string()
    .max(limits.maxCommentLength)
    .nullable()
    .optional()
    .describe(
      `Follow-up comment, at most ${limits.maxCommentLength} characters; an empty or blank one counts as none`,
    ),
  respondent: respondentInputSchema.optional(),
  context: responseContextSchema,
  submittedAt: instantSchema.describe(
    'When the visitor answered: at most 7 days before the request arrives and at most 5 minutes after it (a time ahead of arrival is stored as the arrival time)',
  ),
});
export type ResponseInput = z.infer<typeof responseInputSchema>;

/** Body of POST /v1/responses (JSON sent as application/json or text/plain). */
export const responseBatchSchema = z.object({
  key: publicKeySchema,
  responses: z.array(responseInputSchema).min(1).max(limits.maxBatch),
});
export type ResponseBatch = z.infer<typeof responseBatchSchema>;

/** Answer to an ingestion request: sent only once the rows are committed. */
export const acceptedSchema = z.object({ accepted: z.array(z.uuid()) });

/** The follow-up state of a response. */
export const followUpSchema = z.object({
  status: followUpStatusSchema,
  assigneeId: z.uuid().nullable(),
  dueAt: isoDateTime.nullable(),
  resolvedAt: isoDateTime.nullable(),
  tags: z.array(z.string()),
});
export type FollowUp = z.infer<typeof followUpSchema>;

/** How a response's respondent is known. */
export const responseIdentitySchema = z
  .enum(['verified', 'unverified', 'anonymous'])
  .describe(
    'verified: a valid signature of the external id; unverified: an unsigned (or wrongly signed) claim; anonymous: no identity',
  );
export type ResponseIdentity = z.infer<typeof responseIdentitySchema>;

/** A respondent as the site claimed it on one response (not merged into any stored respondent). */
export const claimedRespondentSchema = z.object({
  externalId: z.string().nullable(),
  email: z.string().nullable(),
  traits: z.record(z.string(), traitValue),
});

/** A response as the management API returns it. */
export const responseRecordSchema = z.object({
  id: z.uuid(),
  surveyId: z.uuid(),
  kind: surveyKindSchema,
  score: z.number().int(),
  comment: z.string().nullable(),
  respondent: z
    .object({
      externalId: z.string().nullable(),
      email: z.string().nullable(),
      traits: z.record(z.string(), traitValue),
      verified: z.boolean(),
    })
    .nullable()
    .describe('The stored respondent this response belongs to (null for an unverified claim)'),
  identity: responseIdentitySchema,
  claimedRespondent: claimedRespondentSchema
    .nullable()
    .describe('The identity as sent, when it was not verified: kept on this response only'),
  quarantined: z
    .boolean()
    .describe('Over the counted budget: stored, but left out of metrics until staff accept it'),
  context: responseContextSchema.extend({
    url: z.string().describe('Page URL; empty once the retention period removed it'),
  }),
  submittedAt: isoDateTime,
  receivedAt: isoDateTime,
  updatedAt: isoDateTime,
  followUp: followUpSchema,
});
export type ResponseRecord = z.infer<typeof responseRecordSchema>;

const integerFromQuery = z.coerce.number().int();

/** Query of GET /v1/responses. */
export const responseListQuerySchema = z.object({
  surveyId: uuidInput().optional(),
  kind: surveyKindSchema.optional(),
  minScore: integerFromQuery.min(0).max(10).optional(),
  maxScore: integerFromQuery.min(0).max(10).optional(),
  status: followUpStatusSchema.optional(),
  queue: z
    .enum(['open', 'mine', 'overdue', 'resolved', 'all'])
    .optional()
    .describe('Inbox queue: open (open or in progress), mine (open, assigned to me), overdue, resolved, all'),
  assignee: z
    .union([z.uuid(), z.literal('me'), z.literal('none')])
    .optional()
    .describe('A staff user id, "me" (staff session only) or "none"'),
  tag: z.string().max(100).optional(),
  from: instantSchema.optional().describe('Responses submitted at or after this instant'),
  to: instantSchema.optional().describe('Responses submitted before this instant'),
  q: z.string().max(200).optional().describe('Text search in comments'),
  hasComment: z
    .enum(['true', 'false'])
    .transform((value) => value === 'true')
    .optional()
    .describe('true: only responses with a comment; false: only those without'),
  quarantined: z
    .enum(['true', 'false'])
    .transform((value) => value === 'true')
    .optional()
    .describe('true: only quarantined responses (over budget); false: only counted ones'),
  sort: z
    .enum(['newest', 'due'])
    .optional()
    .describe('newest (default): newest first; due: earliest due date first (overdue on top), then newest'),
  limit: integerFromQuery.min(1).max(200).default(50),
  cursor: z.string().max(200).optional().describe('nextCursor of the previous page (of the same sort)'),
});
export type ResponseListQuery = z.infer<typeof responseListQuerySchema>;

export const responseListSchema = z.object({
  data: z.array(responseRecordSchema),
  nextCursor: z.string().nullable(),
});
export type ResponseList = z.infer<typeof responseListSchema>;

/** Body of POST /v1/responses/quarantine/accept and …/reject. */
export const quarantineDecisionSchema = z.object({
  ids: z
    .array(uuidInput())
    .min(1)
    .max(200)
    .describe('Quarantined responses to decide on (others are left alone)'),
});
export type QuarantineDecisionBody = z.infer<typeof quarantineDecisionSchema>;
