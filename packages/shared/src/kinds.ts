/**
 * Survey kinds, their score ranges and score bands. Pure data and tiny helpers with no
 * dependencies, so the widget can import them without pulling zod into its bundle.
 */

export const surveyKinds = ['nps', 'csat', 'ces'] as const;
export type SurveyKind = (typeof surveyKinds)[number];

/** Inclusive score range per kind: NPS 0–10, CSAT 1–5, CES 1–7. */
export const scoreRanges: Record<SurveyKind, { min: number; max: number }> = {
  nps: { min: 0, max: 10 },
  csat: { min: 1, max: 5 },
  ces: { min: 1, max: 7 },
};

/**
 * A score's band: `negative` (NPS detractor, CSAT 1–2, CES 1–3), `neutral` (NPS passive, CSAT 3,
 * CES 4) or `positive` (NPS promoter, CSAT 4–5, CES 5–7). The widget picks its follow-up prompt by
 * band; the default follow-up rules open the negative band.
 */
export type ScoreBand = 'negative' | 'neutral' | 'positive';

export const scoreBandBounds: Record<SurveyKind, { negativeMax: number; positiveMin: number }> = {
  nps: { negativeMax: 6, positiveMin: 9 },
  csat: { negativeMax: 2, positiveMin: 4 },
  ces: { negativeMax: 3, positiveMin: 5 },
};

/** The band a score falls in for its kind. */
export function scoreBand(kind: SurveyKind, score: number): ScoreBand {
  const bounds = scoreBandBounds[kind];
  if (score <= bounds.negativeMax) return 'negative';
  if (score >= bounds.positiveMin) return 'positive';
  return 'neutral';
}

/** True when `score` is an integer inside the kind's range. */
export function isValidScore(kind: SurveyKind, score: number): boolean {
  const range = scoreRanges[kind];
  return Number.isInteger(score) && score >= range.min && score <= range.max;
}

/** Follow-up statuses of a response: none → open → in_progress → resolved (or back to open). */
export const followUpStatuses = ['none', 'open', 'in_progress', 'resolved'] as const;
export type FollowUpStatus = (typeof followUpStatuses)[number];

/** Widget positions on the host page. */
export const widgetPositions = [
  'bottom-right',
  'bottom-left',
  'top-right',
  'top-left',
  'bottom-bar',
] as const;
export type WidgetPosition = (typeof widgetPositions)[number];

/** Respondent traits per respondent (also in `limits`; on its own so the widget core takes only it). */
export const maxTraits = 50;

/** Limits that the API enforces and documents. */
export const limits = {
  /** Responses or events in one ingestion request. */
  maxBatch: 100,
  /** Characters of a response comment. */
  maxCommentLength: 5000,
  /** Bytes of an ingestion request body. */
  maxIngestBodyBytes: 1_048_576, // 1 MiB (a literal: widget bundles then drop the unused object)
  /** Respondent traits per respondent. */
  maxTraits,
  /** Characters of a URL in a response context. */
  maxUrlLength: 2048,
} as const;
