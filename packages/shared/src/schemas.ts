/**
 * The public contract as zod 4 schemas. The API validates with them and generates /openapi.json
 * from them; the widget and the inbox only import their inferred types.
 */
import { z } from 'zod';
import { followUpStatuses, limits, surveyKinds, widgetPositions } from './kinds.ts';

export const surveyKindSchema = z.enum(surveyKinds).describe('nps (0–10), csat (1–5) or ces (1–7)');
export const followUpStatusSchema = z.enum(followUpStatuses);

/** A BCP 47 language tag such as `en`, `pt-BR` or `zh-Hant`. */
export const localeSchema = z
  .string()
  .regex(/^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, 'must be a language tag such as "en" or "pt-BR"');

const text = (max: number) => z.string().trim().min(1).max(max);

/** Texts of a survey in one locale. */
export const surveyTextsSchema = z.object({
  question: text(300).describe('The question, e.g. "How likely are you to recommend us to a friend?"'),
  lowLabel: text(60).optional().describe('Label of the low end of the scale'),
  highLabel: text(60).optional().describe('Label of the high end of the scale'),
  followUp: z
    .object({
      negative: text(300).optional().describe('Prompt after a negative score (NPS 0–6, CSAT 1–2, CES 1–3)'),
      neutral: text(300).optional().describe('Prompt after a neutral score (NPS 7–8, CSAT 3, CES 4)'),
      positive: text(300).optional().describe('Prompt after a positive score (NPS 9–10, CSAT 4–5, CES 5–7)'),
    })
    .optional(),
  thankYou: text(300).optional(),
});
export type SurveyTexts = z.infer<typeof surveyTextsSchema>;

const urlPattern = z.string().min(1).max(500);

const targetingFields = {
  urlInclude: z
    .array(urlPattern)
    .max(50)
    .describe('URL patterns (`*` matches anything) of pages the survey may show on; empty = every page'),
  urlExclude: z.array(urlPattern).max(50).describe('URL patterns the survey never shows on'),
  delaySeconds: z.number().int().min(0).max(3600).describe('Seconds on the page before showing'),
  onEvent: z.string().min(1).max(100).nullable().describe("Show only after closeloop('track', onEvent)"),
  samplePercent: z.number().min(0).max(100).describe('Share of eligible visitors who are asked'),
};

/** When and to whom a survey shows. */
export const targetingSchema = z.object({
  urlInclude: targetingFields.urlInclude.default([]),
  urlExclude: targetingFields.urlExclude.default([]),
  delaySeconds: targetingFields.delaySeconds.default(5),
  onEvent: targetingFields.onEvent.default(null),
  samplePercent: targetingFields.samplePercent.default(100),
});
export type Targeting = z.infer<typeof targetingSchema>;

const recontactFields = {
  showOnce: z.boolean().describe('Never ask the same visitor this survey again once answered'),
  afterDays: z
    .number()
    .int()
    .min(0)
    .max(3650)
    .describe('Days before the same visitor is asked this survey again'),
};

/** How often the same visitor may be asked again. */
export const recontactSchema = z.object({
  showOnce: recontactFields.showOnce.default(false),
  afterDays: recontactFields.afterDays.default(90),
});
export type Recontact = z.infer<typeof recontactSchema>;

export const surveyStatusSchema = z.enum(['active', 'paused']);

const textsByLocaleSchema = z
  .record(localeSchema, surveyTextsSchema)
  .refine((texts) => Object.keys(texts).length > 0, 'at least one locale is required')
  .describe('Texts per locale, e.g. { "en": { "question": "…" } }');

/** Body of POST /v1/surveys. */
export const surveyCreateSchema = z
  .object({
    name: text(200),
    kind: surveyKindSchema,
    status: surveyStatusSchema.default('active'),
    defaultLocale: localeSchema
      .optional()
      .describe(
        "Texts shown when the visitor's locale has none; one of the locales in texts (default: en if texts has it, else the first)",
      ),
    texts: textsByLocaleSchema,
    targeting: targetingSchema.default(() => targetingSchema.parse({})),
    recontact: recontactSchema.default(() => recontactSchema.parse({})),
  })
  .superRefine((survey, ctx) => {
    const problem = defaultLocaleProblem(survey.defaultLocale, survey.texts);
    if (problem) ctx.addIssue({ code: 'custom', path: ['defaultLocale'], message: problem });
  })
  .transform((survey) => ({
    ...survey,
    defaultLocale: survey.defaultLocale ?? ('en' in survey.texts ? 'en' : Object.keys(survey.texts)[0]!),
  }));

/** Why a survey's default locale does not fit its texts, or undefined when it does. */
export function defaultLocaleProblem(defaultLocale: string | undefined, texts: Record<string, unknown>) {
  if (defaultLocale === undefined || Object.hasOwn(texts, defaultLocale)) return undefined;
  return `has no texts; add texts for "${defaultLocale}" or choose one of: ${Object.keys(texts).join(', ')}`;
}
export type SurveyCreate = z.input<typeof surveyCreateSchema>;

/**
 * Body of PATCH /v1/surveys/:id (the kind of a survey never changes: its scores would lose meaning).
 * Only the fields sent change; inside `targeting` and `recontact` too. `texts` replaces all locales.
 */
export const surveyUpdateSchema = z
  .object({
    name: text(200),
    status: surveyStatusSchema,
    defaultLocale: localeSchema,
    texts: textsByLocaleSchema.describe('Texts per locale; replaces every locale stored before'),
    targeting: z.object(targetingFields).partial().strict().describe('Only the targeting fields sent change'),
    recontact: z.object(recontactFields).partial().strict().describe('Only the recontact fields sent change'),
  })
  .partial()
  .strict();
export type SurveyUpdate = z.input<typeof surveyUpdateSchema>;

/** A survey as the API returns it. */
export const surveySchema = z.object({
  id: z.uuid(),
  name: z.string(),
  kind: surveyKindSchema,
  status: surveyStatusSchema,
  defaultLocale: z.string(),
  texts: z.record(z.string(), surveyTextsSchema),
  targeting: targetingSchema,
  recontact: recontactSchema,
  createdAt: z.iso.datetime({ offset: true }),
  updatedAt: z.iso.datetime({ offset: true }),
});
export type Survey = z.infer<typeof surveySchema>;

/** Appearance of the widget for a project. */
export const appearanceSchema = z.object({
  brandColor: z
    .string()
    .regex(/^#[0-9a-fA-F]{6}$/, 'must be a colour like #4f46e5')
    .default('#4f46e5'),
  position: z.enum(widgetPositions).default('bottom-right'),
  theme: z.enum(['auto', 'light', 'dark']).default('auto'),
  /** Days after any survey was shown before another may show to the same visitor. */
  cooldownDays: z.number().int().min(0).max(365).default(14),
});
export type Appearance = z.infer<typeof appearanceSchema>;

/** What GET /v1/widget/config returns: everything the widget needs, nothing secret. */
export const widgetConfigSchema = z.object({
  projectId: z.uuid(),
  appearance: appearanceSchema,
  surveys: z.array(
    surveySchema.pick({
      id: true,
      kind: true,
      defaultLocale: true,
      texts: true,
      targeting: true,
      recontact: true,
      updatedAt: true,
    }),
  ),
});
export type WidgetConfig = z.infer<typeof widgetConfigSchema>;

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
});
export type RespondentInput = z.infer<typeof respondentInputSchema>;

/** Where the answer was given. */
export const responseContextSchema = z.object({
  url: z.url().max(limits.maxUrlLength).describe('Page URL'),
  locale: localeSchema.optional(),
  referrer: z.string().max(limits.maxUrlLength).optional(),
  userAgent: z.string().max(1000).optional(),
  viewport: z.object({ width: z.number().int().min(0), height: z.number().int().min(0) }).optional(),
});
export type ResponseContext = z.infer<typeof responseContextSchema>;

const isoDateTime = z.iso.datetime({ offset: true });

/** Earliest and latest instants the API accepts: the Unix epoch to the end of year 9999. */
export const instantBounds = { min: Date.UTC(1970, 0, 1), max: Date.UTC(10000, 0, 1) - 1 } as const;

/** An ISO 8601 instant with an offset, from 1970 to 9999 (as a client sends it). */
export const instantSchema = isoDateTime.refine((value) => {
  const time = Date.parse(value);
  return time >= instantBounds.min && time <= instantBounds.max;
}, 'must be between 1970-01-01T00:00:00Z and 9999-12-31T23:59:59Z');

/** A UUID in any letter case, compared and stored in lower case. */
const uuidInput = () => z.uuid().overwrite((value) => value.toLowerCase());

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
    'When the visitor answered (a time in the future is stored as the arrival time)',
  ),
});
export type ResponseInput = z.infer<typeof responseInputSchema>;

const publicKeySchema = z.string().startsWith('pk_').max(100).describe('The project public key (pk_…)');

/** Body of POST /v1/responses (JSON sent as application/json or text/plain). */
export const responseBatchSchema = z.object({
  key: publicKeySchema,
  responses: z.array(responseInputSchema).min(1).max(limits.maxBatch),
});
export type ResponseBatch = z.infer<typeof responseBatchSchema>;

export const eventTypeSchema = z.enum(['shown', 'dismissed']);

/** One widget event. */
export const eventInputSchema = z.object({
  id: uuidInput(),
  surveyId: uuidInput(),
  type: eventTypeSchema,
  at: instantSchema,
});
export type EventInput = z.infer<typeof eventInputSchema>;

/** Body of POST /v1/events. */
export const eventBatchSchema = z.object({
  key: publicKeySchema,
  events: z.array(eventInputSchema).min(1).max(limits.maxBatch),
});
export type EventBatch = z.infer<typeof eventBatchSchema>;

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
    })
    .nullable(),
  context: responseContextSchema,
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
  limit: integerFromQuery.min(1).max(200).default(50),
  cursor: z.string().max(200).optional().describe('nextCursor of the previous page'),
});
export type ResponseListQuery = z.infer<typeof responseListQuerySchema>;

export const responseListSchema = z.object({
  data: z.array(responseRecordSchema),
  nextCursor: z.string().nullable(),
});
export type ResponseList = z.infer<typeof responseListSchema>;

/** RFC 9457 problem details, the body of every error. */
export const problemSchema = z.object({
  type: z.string(),
  title: z.string(),
  status: z.number().int(),
  detail: z.string(),
  code: z.string(),
  requestId: z.string(),
  errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
});
export type Problem = z.infer<typeof problemSchema>;
