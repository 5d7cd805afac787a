/**
 * NPS, CSAT and CES scoring — the one implementation used by the API, the inbox and the tests.
 *
 * Input is a histogram: `counts[score]` is how many responses gave `score` (missing = 0), so the
 * same functions serve JS arrays of scores and SQL `GROUP BY score` results alike.
 * Scores are percentages; intervals are 95 % and clamped to the score's range.
 */
import { type SurveyKind, scoreBandBounds, scoreRanges } from './kinds.ts';

/** The 97.5th percentile of the standard normal distribution. */
export const Z95 = 1.959963984540054;

export interface Interval {
  low: number;
  high: number;
}

export type Histogram = Readonly<Record<number, number>>;

interface SummaryBase {
  /** Number of responses. */
  n: number;
  /** The headline score (NPS −100…100; CSAT/CES % satisfied 0…100); null when n = 0. */
  score: number | null;
  /** 95 % confidence interval of `score`; null when n = 0. */
  ci: Interval | null;
  /** Mean of the raw scores; null when n = 0. */
  mean: number | null;
  /** 95 % confidence interval of the mean (normal approximation); null when n < 2. */
  meanCi: Interval | null;
}

export interface NpsSummary extends SummaryBase {
  kind: 'nps';
  promoters: number;
  passives: number;
  detractors: number;
}

export interface SatisfactionSummary extends SummaryBase {
  kind: 'csat' | 'ces';
  /** Responses in the satisfied band (CSAT 4–5, CES 5–7). */
  satisfied: number;
}

export type ScoreSummary = NpsSummary | SatisfactionSummary;

/** Builds a histogram from raw scores. */
export function histogramOf(scores: Iterable<number>): Record<number, number> {
  const counts: Record<number, number> = {};
  for (const score of scores) counts[score] = (counts[score] ?? 0) + 1;
  return counts;
}

function countWhere(counts: Histogram, kind: SurveyKind, keep: (score: number) => boolean): number {
  const { min, max } = scoreRanges[kind];
  let total = 0;
  for (let score = min; score <= max; score++) if (keep(score)) total += counts[score] ?? 0;
  return total;
}

function clamp(value: number, low: number, high: number): number {
  return Math.min(high, Math.max(low, value));
}

function meanOf(
  counts: Histogram,
  kind: SurveyKind,
  n: number,
): { mean: number | null; meanCi: Interval | null } {
  if (n === 0) return { mean: null, meanCi: null };
  const { min, max } = scoreRanges[kind];
  let sum = 0;
  for (let s = min; s <= max; s++) sum += s * (counts[s] ?? 0);
  const mean = sum / n;
  if (n < 2) return { mean, meanCi: null };
  let squares = 0;
  for (let s = min; s <= max; s++) squares += (counts[s] ?? 0) * (s - mean) ** 2;
  const half = (Z95 * Math.sqrt(squares / (n - 1))) / Math.sqrt(n);
  return { mean, meanCi: { low: clamp(mean - half, min, max), high: clamp(mean + half, min, max) } };
}

/**
 * Wilson score interval for a proportion `x / n`, in percent. Unlike the plain Wald interval it
 * stays meaningful at 0 % and 100 % (all responses in one class).
 */
export function wilsonInterval(x: number, n: number, z = Z95): Interval | null {
  if (n === 0) return null;
  const p = x / n;
  const z2 = z * z;
  const denominator = 1 + z2 / n;
  const centre = (p + z2 / (2 * n)) / denominator;
  const half = (z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / denominator;
  // At 0 % and 100 % one bound is exactly 0 or 100; say so instead of 99.99999999999999.
  return {
    low: x === 0 ? 0 : clamp((centre - half) * 100, 0, 100),
    high: x === n ? 100 : clamp((centre + half) * 100, 0, 100),
  };
}

/**
 * Adjusted-Wald interval for NPS (Rocks, 2016): add 3/4 of a response to promoters and to
 * detractors (n + 3 in all), then take the trinomial variance. Like Wilson's interval it does not
 * collapse to a point when every response is in one class. It is centred on the adjusted score, so
 * on a handful of responses it can miss the observed score; it is then widened to include it
 * (a wider interval only raises coverage).
 */
export function npsInterval(promoters: number, detractors: number, n: number, z = Z95): Interval | null {
  if (n === 0) return null;
  const adjustedN = n + 3;
  const p = (promoters + 0.75) / adjustedN;
  const d = (detractors + 0.75) / adjustedN;
  const nps = p - d;
  const half = z * Math.sqrt((p + d - nps * nps) / adjustedN);
  const observed = ((promoters - detractors) / n) * 100;
  return {
    low: clamp(Math.min((nps - half) * 100, observed), -100, 100),
    high: clamp(Math.max((nps + half) * 100, observed), -100, 100),
  };
}

/** NPS from a histogram of 0–10 scores: % promoters (9–10) − % detractors (0–6). */
export function scoreNps(counts: Histogram): NpsSummary {
  const bounds = scoreBandBounds.nps;
  const promoters = countWhere(counts, 'nps', (s) => s >= bounds.positiveMin);
  const detractors = countWhere(counts, 'nps', (s) => s <= bounds.negativeMax);
  const n = countWhere(counts, 'nps', () => true);
  const passives = n - promoters - detractors;
  return {
    kind: 'nps',
    n,
    promoters,
    passives,
    detractors,
    score: n === 0 ? null : ((promoters - detractors) / n) * 100,
    ci: npsInterval(promoters, detractors, n),
    ...meanOf(counts, 'nps', n),
  };
}

function scoreSatisfaction(kind: 'csat' | 'ces', counts: Histogram): SatisfactionSummary {
  const satisfied = countWhere(counts, kind, (s) => s >= scoreBandBounds[kind].positiveMin);
  const n = countWhere(counts, kind, () => true);
  return {
    kind,
    n,
    satisfied,
    score: n === 0 ? null : (satisfied / n) * 100,
    ci: wilsonInterval(satisfied, n),
    ...meanOf(counts, kind, n),
  };
}

/** CSAT from a histogram of 1–5 scores: % of responses scoring 4 or 5, plus the mean. */
export function scoreCsat(counts: Histogram): SatisfactionSummary {
  return scoreSatisfaction('csat', counts);
}

/** CES from a histogram of 1–7 scores: % of responses scoring 5–7, plus the mean. */
export function scoreCes(counts: Histogram): SatisfactionSummary {
  return scoreSatisfaction('ces', counts);
}

/** Scores a histogram for its kind. */
export function scoreSummary(kind: SurveyKind, counts: Histogram): ScoreSummary {
  if (kind === 'nps') return scoreNps(counts);
  return scoreSatisfaction(kind, counts);
}

/** Standard normal cumulative distribution (Abramowitz–Stegun 7.1.26, error < 1.5e-7). */
export function normalCdf(x: number): number {
  const t = 1 / (1 + 0.3275911 * (Math.abs(x) / Math.SQRT2));
  const poly =
    t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  const erf = 1 - poly * Math.exp(-(x * x) / 2);
  return x >= 0 ? (1 + erf) / 2 : (1 - erf) / 2;
}

export interface ScoreChange {
  /** current.score − previous.score, in score points; null when either period has no responses. */
  difference: number | null;
  /** Two-sided p-value of the difference; null when it cannot be computed. */
  pValue: number | null;
  /** True when the difference is significant at the 5 % level. */
  significant: boolean;
}

/**
 * Whether the score moved between two periods beyond noise: a two-sample z-test on the score,
 * with the variance pooled under the hypothesis of no change (so one-class periods still test).
 */
export function compareScores(previous: ScoreSummary, current: ScoreSummary): ScoreChange {
  if (previous.n === 0 || current.n === 0 || previous.score === null || current.score === null) {
    return { difference: null, pValue: null, significant: false };
  }
  const difference = current.score - previous.score;
  const n = previous.n + current.n;
  let variance: number;
  if (previous.kind === 'nps' && current.kind === 'nps') {
    const p = (previous.promoters + current.promoters) / n;
    const d = (previous.detractors + current.detractors) / n;
    variance = p + d - (p - d) ** 2;
  } else if (previous.kind !== 'nps' && current.kind !== 'nps') {
    const p = (previous.satisfied + current.satisfied) / n;
    variance = p * (1 - p);
  } else {
    throw new TypeError('compareScores needs two summaries of the same kind');
  }
  const se = 100 * Math.sqrt(variance * (1 / previous.n + 1 / current.n));
  if (se === 0) return { difference, pValue: difference === 0 ? 1 : 0, significant: difference !== 0 };
  const pValue = 2 * (1 - normalCdf(Math.abs(difference) / se));
  return { difference, pValue, significant: pValue < 0.05 };
}

/**
 * Responses per band, named in each kind's words: NPS detractors/passives/promoters, CSAT and CES
 * dissatisfied/neutral/satisfied.
 */
export function distributionOf(kind: SurveyKind, counts: Histogram): Record<string, number> {
  const bounds = scoreBandBounds[kind];
  const negative = countWhere(counts, kind, (s) => s <= bounds.negativeMax);
  const positive = countWhere(counts, kind, (s) => s >= bounds.positiveMin);
  const neutral = countWhere(counts, kind, () => true) - negative - positive;
  return kind === 'nps'
    ? { detractors: negative, passives: neutral, promoters: positive }
    : { dissatisfied: negative, neutral, satisfied: positive };
}

/** The histogram with every score of the kind present (0 where nobody gave it). */
export function fullHistogram(kind: SurveyKind, counts: Histogram): Record<string, number> {
  const { min, max } = scoreRanges[kind];
  const full: Record<string, number> = {};
  for (let score = min; score <= max; score++) full[score] = counts[score] ?? 0;
  return full;
}
