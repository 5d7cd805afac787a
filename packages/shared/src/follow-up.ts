/**
 * The follow-up contract: staff users and sessions, follow-up changes, notes, activity, email
 * replies, follow-up rules, secret keys and project settings, as zod 4 schemas.
 */
import { z } from 'zod';
import {
  appearanceSchema,
  followUpStatusSchema,
  instantSchema,
  responseListQuerySchema,
  responseRecordSchema,
  surveyKindSchema,
} from './schemas.ts';
import { staffRoles } from './workflow.ts';

const isoDateTime = z.iso.datetime({ offset: true });

/**
 * Whether a string is well-formed UTF-16: an unpaired surrogate (`"\ud800"` in JSON) has no UTF-8
 * form, so Postgres refuses it in jsonb and replaces it in text. Such text is a 400 up front.
 */
export const isWellFormedText = (value: string) => !/\p{Cs}/u.test(value);
const unpairedSurrogate = 'must be valid Unicode text (no unpaired surrogate)';
/** Text a person writes: trimmed, not blank, at most `max` characters, well-formed. */
const text = (max: number) => z.string().trim().min(1).max(max).refine(isWellFormedText, unpairedSurrogate);
/** An id (staff user, survey) in any letter case, compared and stored in lower case. */
const idSchema = z.uuid().overwrite((id) => id.toLowerCase());

export const staffRoleSchema = z
  .enum(staffRoles)
  .describe(
    'owner: everything; admin: surveys, keys, origins, rules, users; agent: works responses; viewer: reads',
  );

export const emailSchema = z
  .email()
  .max(320)
  .transform((value) => value.toLowerCase());
export const passwordSchema = z
  .string()
  .min(10, 'must be at least 10 characters')
  .max(200)
  .describe('At least 10 characters');
const nameSchema = text(120);

/** A staff user as the API returns it (never a password hash). */
export const staffUserSchema = z.object({
  id: z.uuid(),
  email: z.string(),
  name: z.string(),
  role: staffRoleSchema,
  createdAt: isoDateTime,
  lastLoginAt: isoDateTime.nullable(),
  deactivatedAt: isoDateTime.nullable(),
});
export type StaffUser = z.infer<typeof staffUserSchema>;

/** Body of POST /v1/users. */
export const staffUserCreateSchema = z.object({
  email: emailSchema,
  name: nameSchema,
  role: staffRoleSchema,
  password: passwordSchema,
});
export type StaffUserCreate = z.input<typeof staffUserCreateSchema>;

/** Body of PATCH /v1/users/:id. */
export const staffUserUpdateSchema = z
  .object({
    name: nameSchema,
    role: staffRoleSchema,
    password: passwordSchema,
    active: z
      .boolean()
      .describe(
        'false: deactivate (as DELETE: signs them out, keeps their activity); true: reactivate (they sign in with their password)',
      ),
  })
  .partial()
  .strict();
export type StaffUserUpdate = z.input<typeof staffUserUpdateSchema>;

/** Body of POST /v1/auth/login. */
export const loginSchema = z.object({
  email: z.string().trim().min(1).max(320),
  password: z.string().min(1).max(200),
});
export type Login = z.infer<typeof loginSchema>;

/** Body of POST /v1/auth/setup: the first owner, with the one-time token the start command printed. */
export const setupSchema = z.object({
  token: z.string().min(1).max(200),
  email: emailSchema,
  name: nameSchema,
  password: passwordSchema,
});
export type Setup = z.input<typeof setupSchema>;

/** A signed-in staff member, their project, and the CSRF token every mutation must send. */
export const sessionSchema = z.object({
  user: staffUserSchema,
  project: z.object({ id: z.uuid(), name: z.string(), publicKey: z.string() }),
  csrfToken: z.string().describe('Send as the x-csrf-token header on every POST, PATCH and DELETE'),
  expiresAt: isoDateTime,
});
export type Session = z.infer<typeof sessionSchema>;

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
    assigneeId: idSchema.nullable(),
    dueAt: instantSchema.nullable().describe('Between 1970 and 9999; null: no due date'),
    tags: tagsSchema,
  })
  .partial()
  .strict()
  .refine((body) => Object.keys(body).length > 0, 'give at least one of status, assigneeId, dueAt, tags');
export type FollowUpUpdate = z.input<typeof followUpUpdateSchema>;

/** Who did something: a staff user, a secret key, or a follow-up rule. */
export const actorSchema = z.object({
  kind: z.enum(['user', 'secret_key', 'rule']),
  id: z.uuid().nullable(),
  name: z.string(),
});
export type Actor = z.infer<typeof actorSchema>;

/** Body of POST /v1/responses/:id/notes. */
export const noteCreateSchema = z.object({ body: text(10_000) });

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
  subject: text(200).optional().describe('Default: "Re: your feedback"'),
  body: text(20_000),
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

/** What a follow-up rule matches; every condition given must hold. */
export const ruleConditionsSchema = z
  .object({
    surveyId: idSchema.nullable().default(null),
    kind: surveyKindSchema.nullable().default(null),
    scoreAtMost: z.number().int().min(0).max(10).nullable().default(null),
    scoreAtLeast: z.number().int().min(0).max(10).nullable().default(null),
    hasComment: z.boolean().nullable().default(null).describe('true: a comment is required; false: none'),
    trait: z
      .object({
        key: z.string().min(1).max(100).refine(isWellFormedText, unpairedSurrogate),
        value: z.union([
          z.string().max(1000).refine(isWellFormedText, unpairedSurrogate),
          z.number(),
          z.boolean(),
        ]),
      })
      .nullable()
      .default(null)
      .describe('The respondent trait `key` equals `value`'),
  })
  .strict();
export type RuleConditions = z.infer<typeof ruleConditionsSchema>;

/** What a follow-up rule does to a response it matches. */
export const ruleEffectsSchema = z
  .object({
    open: z.boolean().default(true).describe('Open a follow-up'),
    dueInHours: z
      .number()
      .int()
      .min(1)
      .max(24 * 365)
      .nullable()
      .default(48),
    assign: z
      .union([
        z.object({ type: z.literal('user'), userId: idSchema }),
        z
          .object({ type: z.literal('round_robin') })
          .describe('Rotate among active agents (not admins or owners); none active: unassigned'),
      ])
      .nullable()
      .default(null),
    addTags: tagsSchema.default([]),
  })
  .strict();
export type RuleEffects = z.infer<typeof ruleEffectsSchema>;

export const ruleCreateSchema = z.object({
  name: nameSchema,
  enabled: z.boolean().default(true),
  position: z.number().int().min(0).max(10_000).default(100).describe('Rules apply in ascending position'),
  conditions: ruleConditionsSchema,
  effects: ruleEffectsSchema,
});
export type RuleCreate = z.input<typeof ruleCreateSchema>;

export const ruleUpdateSchema = z
  .object({
    name: nameSchema,
    enabled: z.boolean(),
    position: z.number().int().min(0).max(10_000),
    conditions: ruleConditionsSchema,
    effects: ruleEffectsSchema,
  })
  .partial()
  .strict();
export type RuleUpdate = z.input<typeof ruleUpdateSchema>;

export const ruleSchema = z.object({
  id: z.uuid(),
  name: z.string(),
  enabled: z.boolean(),
  position: z.number().int(),
  conditions: ruleConditionsSchema,
  effects: ruleEffectsSchema,
  createdAt: isoDateTime,
  updatedAt: isoDateTime,
});
export type Rule = z.infer<typeof ruleSchema>;

/** A secret key as lists show it (never the key itself). */
export const secretKeySchema = z.object({
  id: z.uuid(),
  name: z.string(),
  prefix: z.string(),
  createdAt: isoDateTime,
  lastUsedAt: isoDateTime.nullable(),
  revokedAt: isoDateTime.nullable(),
});
export type SecretKeyInfo = z.infer<typeof secretKeySchema>;
export const secretKeyCreateSchema = z.object({ name: nameSchema });
export const createdSecretKeySchema = secretKeySchema.extend({
  key: z.string().describe('The secret key, shown this once: only its hash is stored'),
});

/** Project settings. */
export const projectSettingsSchema = z.object({
  id: z.uuid(),
  name: z.string(),
  publicKey: z.string(),
  allowedOrigins: z.array(z.string()),
  appearance: appearanceSchema,
  createdAt: isoDateTime,
});
export type ProjectSettings = z.infer<typeof projectSettingsSchema>;
export const projectUpdateSchema = z
  .object({
    name: nameSchema,
    allowedOrigins: z.array(z.string().max(300)).max(100),
    appearance: appearanceSchema,
  })
  .partial()
  .strict();
export type ProjectUpdate = z.input<typeof projectUpdateSchema>;
