import type { ScoreStats, SurveyKind } from '@closeloop/shared';

/** "+12.5" / "−3" / "—": a score for people, with the kind's unit. */
export function formatScore(kind: SurveyKind, score: number | null): string {
  if (score === null) return '—';
  const rounded = Math.round(score * 10) / 10;
  const text = rounded.toLocaleString('en-US', { maximumFractionDigits: 1 });
  return kind === 'nps' ? (rounded > 0 ? `+${text}` : text.replace('-', '−')) : `${text} %`;
}

/** A change in points with its sign, "+8", "−5" or "0"; never "−0". */
export function formatChange(difference: number, decimals = 0): string {
  const factor = 10 ** decimals;
  const rounded = Math.round(difference * factor) / factor;
  const text = Math.abs(rounded).toLocaleString('en-US', { maximumFractionDigits: decimals });
  return rounded > 0 ? `+${text}` : rounded < 0 ? `−${text}` : '0';
}

export function formatInterval(stats: Pick<ScoreStats, 'ci'>): string {
  if (!stats.ci) return 'no interval';
  const low = Math.round(stats.ci.low);
  const high = Math.round(stats.ci.high);
  return `95 % interval ${low.toString().replace('-', '−')} to ${high.toString().replace('-', '−')}`;
}

export function formatRate(rate: number | null): string {
  return rate === null ? '—' : `${(rate * 100).toLocaleString('en-US', { maximumFractionDigits: 1 })} %`;
}

export const scoreLabel = { nps: 'NPS', csat: 'CSAT (% satisfied)', ces: 'CES (% agree)' } as const;

export const scoreRange = { nps: [-100, 100], csat: [0, 100], ces: [0, 100] } as const;
