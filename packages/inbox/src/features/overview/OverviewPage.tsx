import type { Metrics } from '@closeloop/shared';
import type { SurveyKind } from '@closeloop/shared/kinds';
import { useState } from 'preact/hooks';
import { ErrorNote } from '../../components/status.tsx';
import { formatChange, formatScore, kindLabel } from '../../lib/format.ts';
import { type Period, periods, useKindCounts, useKindMetrics } from './data.ts';

const kinds: { kind: SurveyKind; name: string; question: string }[] = [
  { kind: 'nps', name: 'Net Promoter Score', question: '% promoters − % detractors' },
  { kind: 'csat', name: 'Customer satisfaction', question: '% scoring 4 or 5' },
  { kind: 'ces', name: 'Customer effort', question: '% agreeing it was easy (5–7)' },
];

const periodKey = 'closeloop:overview-period';

/** NPS, CSAT and CES side by side: score, interval, change, trend and the follow-ups waiting. */
export function OverviewPage() {
  const [period, setPeriodState] = useState<Period>(() => {
    const stored = localStorage.getItem(periodKey);
    return stored && stored in periods ? (stored as Period) : '12w';
  });
  const setPeriod = (next: Period) => {
    setPeriodState(next);
    try {
      localStorage.setItem(periodKey, next);
    } catch {
      // Not kept: the default next time.
    }
  };
  return (
    <div class="page overview">
      <div class="page-head">
        <h1>Overview</h1>
        <label class="inline-label">
          <span>Period</span>
          <select value={period} onChange={(e) => setPeriod(e.currentTarget.value as Period)}>
            {(Object.keys(periods) as Period[]).map((key) => (
              <option key={key} value={key}>
                {periods[key].label}
              </option>
            ))}
          </select>
        </label>
      </div>
      <div class="overview-grid">
        {kinds.map((item) => (
          <ScoreCard key={item.kind} {...item} period={period} />
        ))}
      </div>
    </div>
  );
}

function ScoreCard({
  kind,
  name,
  question,
  period,
}: {
  kind: SurveyKind;
  name: string;
  question: string;
  period: Period;
}) {
  const [metrics, reload] = useKindMetrics(kind, period);
  const [counts] = useKindCounts(kind);
  const label = kindLabel(kind);
  return (
    <section class="card score-card" aria-labelledby={`overview-${kind}`} data-kind={kind}>
      <header>
        <h2 id={`overview-${kind}`}>
          {label} <span class="muted">{name}</span>
        </h2>
        <p class="hint">{question}</p>
      </header>
      {metrics.state === 'error' ? (
        <ErrorNote error={metrics.error} retry={reload} />
      ) : metrics.state === 'loading' ? (
        <p class="status" aria-busy="true">
          Loading…
        </p>
      ) : (
        <Score metrics={metrics.value} period={period} />
      )}
      <p class="follow-ups">
        <a href={`#/inbox?queue=open&kind=${kind}`}>
          <strong data-testid="open">{counts.state === 'ready' ? counts.value.open : '…'}</strong> open
        </a>
        <a href={`#/inbox?queue=overdue&kind=${kind}`} class="overdue-link">
          <strong data-testid="overdue">{counts.state === 'ready' ? counts.value.overdue : '…'}</strong>{' '}
          overdue
        </a>
      </p>
    </section>
  );
}

function Score({ metrics, period }: { metrics: Metrics; period: Period }) {
  const { total, change } = metrics;
  if (total.n === 0) return <p class="muted score-empty">No responses in this period.</p>;
  const difference = change.difference;
  const direction =
    difference === null || !change.significant ? '' : difference > 0 ? 'up' : difference < 0 ? 'down' : '';
  return (
    <div class="score-body">
      <p class="score-value" data-testid="score">
        {formatScore(metrics.kind, total.score)}
      </p>
      <p class="hint" data-testid="interval">
        {total.ci
          ? `95 % interval ${formatScore(metrics.kind, Math.round(total.ci.low))} to ${formatScore(metrics.kind, Math.round(total.ci.high))}`
          : 'Too few responses for an interval'}{' '}
        · {total.n.toLocaleString('en-US')} responses
      </p>
      <p class={`change ${direction}`} data-testid="change">
        {difference === null
          ? 'No responses in the period before'
          : `${formatChange(difference)} ${metrics.kind === 'nps' ? 'points' : 'pts'} vs the ${periods[period].label.toLowerCase().replace('last', 'previous')}${change.significant ? '' : ' (within noise)'}`}
      </p>
      <Sparkline metrics={metrics} />
    </div>
  );
}

/** The score per bucket as a small line, its scale fitted to the values; empty buckets leave gaps. */
function Sparkline({ metrics }: { metrics: Metrics }) {
  const width = 240;
  const height = 48;
  const points = metrics.buckets.map((bucket, index) => ({
    index,
    score: bucket.n > 0 ? bucket.score : null,
  }));
  const values = points.flatMap((point) => (point.score === null ? [] : [point.score]));
  if (values.length === 0) return null;
  let low = Math.min(...values);
  let high = Math.max(...values);
  if (high - low < 10) {
    const middle = (high + low) / 2;
    low = middle - 5;
    high = middle + 5;
  }
  const x = (index: number) =>
    points.length === 1 ? width / 2 : (index / (points.length - 1)) * (width - 8) + 4;
  const y = (score: number) => height - 4 - ((score - low) / (high - low)) * (height - 8);
  const segments: string[][] = [];
  let current: string[] = [];
  for (const point of points) {
    if (point.score === null) {
      if (current.length) segments.push(current);
      current = [];
    } else current.push(`${x(point.index).toFixed(1)},${y(point.score).toFixed(1)}`);
  }
  if (current.length) segments.push(current);
  const last = [...points].reverse().find((point) => point.score !== null)!;
  return (
    <svg class="sparkline" viewBox={`0 0 ${width} ${height}`} aria-hidden="true">
      {segments.map((segment) =>
        segment.length === 1 ? (
          <circle key={segment[0]} cx={segment[0]!.split(',')[0]} cy={segment[0]!.split(',')[1]} r="2.5" />
        ) : (
          <polyline key={segment[0]} points={segment.join(' ')} />
        ),
      )}
      <circle class="last" cx={x(last.index)} cy={y(last.score!)} r="3" />
    </svg>
  );
}
