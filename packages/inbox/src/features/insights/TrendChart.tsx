import type { Metrics } from '@closeloop/shared';
import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import { formatScore, scoreLabel, scoreRange } from '../../lib/format.ts';

/** Score per bucket with its 95 % confidence band (uPlot). */
export function TrendChart({ metrics }: { metrics: Metrics }) {
  const element = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const target = element.current;
    if (!target) return;
    const xs = metrics.buckets.map((bucket) => Date.parse(bucket.start) / 1000);
    const scores = metrics.buckets.map((bucket) => bucket.score);
    const lows = metrics.buckets.map((bucket) => bucket.ci?.low ?? null);
    const highs = metrics.buckets.map((bucket) => bucket.ci?.high ?? null);
    const [min, max] = scoreRange[metrics.kind];
    const plot = new uPlot(
      {
        width: Math.max(280, target.clientWidth),
        height: 260,
        scales: { x: { time: true }, y: { range: [min, max] } },
        series: [
          {},
          {
            label: scoreLabel[metrics.kind],
            stroke: '#4f46e5',
            width: 2,
            points: { show: true, size: 5 },
            spanGaps: false,
          },
          { label: '95 % low', stroke: 'rgba(79,70,229,0.25)', dash: [4, 4] },
          { label: '95 % high', stroke: 'rgba(79,70,229,0.25)', dash: [4, 4] },
        ],
        bands: [{ series: [3, 2], fill: 'rgba(79,70,229,0.12)' }],
        axes: [{}, { values: (_plot, ticks) => ticks.map((tick) => formatScore(metrics.kind, tick)) }],
        legend: { show: true },
      },
      [xs, scores, lows, highs] as uPlot.AlignedData,
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
