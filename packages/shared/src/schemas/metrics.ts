/** Schemas of GET /v1/metrics and GET /v1/metrics/segments. */
import { z } from 'zod';
import { instantSchema, isoDateTime, surveyKindSchema } from './common.ts';

export const metricsIntervals = ['day', 'week', 'month'] as const;

/** An IANA time zone such as `Europe/Berlin`. */
export const timeZoneSchema = z
  .string()
  .max(64)
  .refine((zone) => {
    try {
      new Intl.DateTimeFormat('en', { timeZone: zone });
      return true;
    } catch {
      return false;
    }
  }, 'must be an IANA time zone such as "Europe/Berlin"');

/** Filters shared by the metrics endpoints. */
export const metricsFilterSchema = z.object({
  surveyId: z.uuid().optional().describe('One survey (its kind is used)'),
  kind: surveyKindSchema.optional().describe('Every survey of a kind, when no surveyId is given'),
  from: instantSchema
    .optional()
    .describe(
      'Start of the range (inclusive); default: 30 days (interval=day), 12 weeks (week) or 365 days ' +
        '(month, and segments) before `to`',
    ),
  to: instantSchema.optional().describe('End of the range (exclusive); default: now'),
  timezone: timeZoneSchema
    .default('UTC')
    .describe(
      'Buckets start at midnight in this time zone (the first midnight when it happens twice); ' +
        'an IANA name the database knows',
    ),
  urlPrefix: z
    .string()
    .min(1)
    .max(2048)
    .optional()
    .describe('Only responses on pages whose URL starts with this'),
  locale: z.string().min(1).max(35).optional(),
  trait: z
    .string()
    .regex(/^[^=]{1,100}=.{0,1000}$/, 'must be key=value, e.g. plan=pro')
    .optional()
    .describe('Respondent trait, key=value'),
});

export const metricsQuerySchema = metricsFilterSchema.extend({
  interval: z.enum(metricsIntervals).default('week'),
});
export type MetricsQuery = z.infer<typeof metricsQuerySchema>;

const intervalSchema = z.object({ low: z.number(), high: z.number() });

export const scoreChangeSchema = z.object({
  difference: z.number().nullable(),
  pValue: z.number().nullable(),
  significant: z.boolean(),
});

/** Scores of a set of responses. */
export const scoreStatsSchema = z.object({
  n: z.number().int(),
  score: z.number().nullable().describe('NPS −100…100, or % satisfied for CSAT/CES; null without responses'),
  ci: intervalSchema.nullable().describe('95 % confidence interval of score'),
  mean: z.number().nullable(),
  meanCi: intervalSchema.nullable(),
  distribution: z
    .record(z.string(), z.number().int())
    .describe('NPS: promoters/passives/detractors; CSAT and CES: satisfied/neutral/dissatisfied'),
  histogram: z.record(z.string(), z.number().int()).describe('Responses per score, every score of the kind'),
  shown: z.number().int().nullable().describe('Widget impressions; null when segment filters are set'),
  responseRate: z.number().nullable().describe('Responses / impressions; null without impressions'),
});
export type ScoreStats = z.infer<typeof scoreStatsSchema>;

export const metricsBucketSchema = scoreStatsSchema.extend({
  start: isoDateTime.describe(
    'Local midnight (day), Monday (week) or the 1st (month) in `timezone`; the first bucket starts at `from`',
  ),
  end: isoDateTime.describe('The start of the next bucket; the last bucket ends at `to`'),
  change: scoreChangeSchema.describe('Against the bucket before'),
});

export const metricsSchema = z.object({
  kind: surveyKindSchema,
  surveyId: z.uuid().nullable(),
  interval: z.enum(metricsIntervals),
  timezone: z.string(),
  from: isoDateTime,
  to: isoDateTime,
  total: scoreStatsSchema,
  previous: scoreStatsSchema.describe('The period of the same length just before `from`'),
  change: scoreChangeSchema.describe('total against previous'),
  buckets: z.array(metricsBucketSchema),
});
export type Metrics = z.infer<typeof metricsSchema>;

export const segmentDimensions = ['page', 'locale', 'trait'] as const;

export const segmentsQuerySchema = metricsFilterSchema.extend({
  by: z.enum(segmentDimensions),
  traitKey: z.string().min(1).max(100).optional().describe('Required with by=trait'),
  limit: z.coerce.number().int().min(1).max(100).default(20),
});
export type SegmentsQuery = z.infer<typeof segmentsQuerySchema>;

export const segmentsSchema = z.object({
  kind: surveyKindSchema,
  by: z.enum(segmentDimensions),
  segments: z.array(
    scoreStatsSchema.omit({ shown: true, responseRate: true }).extend({ value: z.string().nullable() }),
  ),
});
export type Segments = z.infer<typeof segmentsSchema>;
