/** Surveys: texts per locale, targeting, recontact, and the bodies of the survey endpoints. */
import { z } from 'zod';
import { localeSchema, surveyKindSchema, trimmedText } from './common.ts';

/** Texts of a survey in one locale. */
export const surveyTextsSchema = z.object({
  question: trimmedText(300).describe('The question, e.g. "How likely are you to recommend us to a friend?"'),
  lowLabel: trimmedText(60).optional().describe('Label of the low end of the scale'),
  highLabel: trimmedText(60).optional().describe('Label of the high end of the scale'),
  followUp: z
    .object({
      negative: trimmedText(300)
        .optional()
        .describe('Prompt after a negative score (NPS 0–6, CSAT 1–2, CES 1–3)'),
      neutral: trimmedText(300).optional().describe('Prompt after a neutral score (NPS 7–8, CSAT 3, CES 4)'),
      positive: trimmedText(300)
        .optional()
        .describe('Prompt after a positive score (NPS 9–10, CSAT 4–5, CES 5–7)'),
    })
    .optional(),
  thankYou: trimmedText(300).optional(),
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
    name: trimmedText(200),
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
    name: trimmedText(200),
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
