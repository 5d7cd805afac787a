import type { Metrics } from '@closeloop/shared';
import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import { formatScore, scoreLabel, scoreRange } from '../../lib/format.ts';

type Bucket = Metrics['buckets'][number];

const hour = 3_600_000;
/** Shortest complete bucket of each interval (a day of a DST change has 23 hours, February 28 days). */
const shortest = { day: 23 * hour, week: 7 * 24 * hour - hour, month: 28 * 24 * hour - hour } as const;

/** A bucket cut short by the range (the first starts at `from`, the last ends now): not a full period. */
export function isPartial(bucket: Bucket, interval: Metrics['interval']): boolean {
  return Date.parse(bucket.end) - Date.parse(bucket.start) < shortest[interval];
}

/**
 * The y axis fitted to what is shown (scores and their intervals), with some room, within the
 * kind's scale: a rise from +7 to +38 reads as a rise, not a flat line across −100…100.
 */
export function fittedRange(kind: Metrics['kind'], values: number[]): [number, number] {
  const [min, max] = scoreRange[kind];
  if (values.length === 0) return [min, max];
  let low = Math.min(...values);
  let high = Math.max(...values);
  const room = Math.max(5, (high - low) * 0.1);
  low = Math.max(min, Math.floor((low - room) / 5) * 5);
  high = Math.min(max, Math.ceil((high + room) / 5) * 5);
  return [low, high];
}

/**
 * Score per bucket with its 95 % confidence band (uPlot). Buckets the range cuts short are drawn
 * dashed and without a band, so a partial week with a handful of answers does not look like a crash.
 */
export function TrendChart({ metrics }: { metrics: Metrics }) {
  const element = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const target = element.current;
    if (!target) return;
    const { kind, buckets, interval } = metrics;
    const partial = buckets.map((bucket) => isPartial(bucket, interval));
    const xs = buckets.map((bucket) => Date.parse(bucket.start) / 1000);
    const scores = buckets.map((bucket) => (bucket.n > 0 ? bucket.score : null));
    const complete = scores.map((score, index) => (partial[index] ? null : score));
    // The dashed line joins each partial bucket to its complete neighbours.
    const dashed = scores.map((score, index) =>
      partial[index] || partial[index - 1] || partial[index + 1] ? score : null,
    );
    const lows = buckets.map((bucket, index) => (partial[index] ? null : (bucket.ci?.low ?? null)));
    const highs = buckets.map((bucket, index) => (partial[index] ? null : (bucket.ci?.high ?? null)));
    const shown = [...scores, ...lows, ...highs].filter((value): value is number => value !== null);
    const [low, high] = fittedRange(kind, shown);
    const score = (_plot: uPlot, value: number | null) =>
      value === null || value === undefined ? '' : formatScore(kind, Math.round(value));
    const dateFormat = new Intl.DateTimeFormat(undefined, {
      timeZone: metrics.timezone,
      day: interval === 'month' ? undefined : 'numeric',
      month: 'short',
      year: interval === 'month' ? 'numeric' : undefined,
    });
    const plot = new uPlot(
      {
        width: Math.max(280, target.clientWidth),
        height: 260,
        scales: {
          x: {
            time: true,
            // One bucket alone sits in the middle, not on the edge of an empty chart.
            range: (_plot, min, max) => (min === max ? [min - 86_400, max + 86_400] : [min, max]),
          },
          y: { range: [low, high] },
        },
        series: [
          { label: 'From', value: (_plot, value) => (value == null ? '' : dateFormat.format(value * 1000)) },
          {
            label: scoreLabel[kind],
            stroke: '#4f46e5',
            width: 2,
            points: { show: true, size: 7 },
            spanGaps: false,
            value: score,
          },
          {
            label: 'Period not over',
            stroke: '#4f46e5',
            width: 2,
            dash: [6, 5],
            points: { show: true, size: 7, fill: '#fff' },
            spanGaps: false,
            value: score,
          },
          { label: '95 % low', stroke: 'rgba(79,70,229,0.25)', value: score },
          { label: '95 % high', stroke: 'rgba(79,70,229,0.25)', value: score },
        ],
        bands: [{ series: [4, 3], fill: 'rgba(79,70,229,0.12)' }],
        axes: [{}, { values: (_plot, ticks) => ticks.map((tick) => formatScore(kind, tick)) }],
        legend: { show: true },
      },
      [xs, complete, dashed, lows, highs] as uPlot.AlignedData,
      target,
    );
    const resize = () => plot.setSize({ width: Math.max(280, target.clientWidth), height: 260 });
    window.addEventListener('resize', resize);
    return () => {
      window.removeEventListener('resize', resize);
      plot.destroy();
    };
  }, [metrics]);

  const withData = metrics.buckets.filter((bucket) => bucket.n > 0);
  const first = withData[0];
  const last = withData.at(-1);
  const summary =
    first && last
      ? `${scoreLabel[metrics.kind]} trend: ${formatScore(metrics.kind, first.score)} in the first bucket with answers, ` +
        `${formatScore(metrics.kind, last.score)} in the last; ${metrics.total.n} responses in all.`
      : `No ${scoreLabel[metrics.kind]} responses in this range.`;
  return <div class="insights-chart" ref={element} role="img" aria-label={summary} />;
}
