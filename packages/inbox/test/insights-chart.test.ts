import { describe, expect, it } from 'vitest';
import { fittedRange, isPartial } from '../src/features/insights/TrendChart.tsx';

const bucket = (start: string, end: string) => ({ start, end }) as Parameters<typeof isPartial>[0];

describe('the insights trend chart', () => {
  it('fits the axis to the values, with room, within the kind’s scale', () => {
    expect(fittedRange('nps', [7, 38])).toEqual([0, 45]);
    expect(fittedRange('nps', [-95, 99])).toEqual([-100, 100]);
    expect(fittedRange('csat', [80, 82])).toEqual([75, 90]);
    expect(fittedRange('ces', [])).toEqual([0, 100]);
  });

  it('calls a bucket cut short by the range partial, and a full one (even with a clock change) not', () => {
    expect(isPartial(bucket('2026-11-30T00:00:00Z', '2026-12-03T10:00:00Z'), 'week')).toBe(true);
    expect(isPartial(bucket('2026-11-23T00:00:00Z', '2026-11-30T00:00:00Z'), 'week')).toBe(false);
    expect(isPartial(bucket('2026-10-25T00:00:00+02:00', '2026-10-26T00:00:00+01:00'), 'day')).toBe(false);
    expect(isPartial(bucket('2026-02-01T00:00:00Z', '2026-03-01T00:00:00Z'), 'month')).toBe(false);
    expect(isPartial(bucket('2026-12-01T00:00:00Z', '2026-12-05T00:00:00Z'), 'month')).toBe(true);
  });
});
