import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { endOfDay, startOfDay } from '../src/lib/format.ts';

describe('date filters in local time', () => {
  let zone: string | undefined;
  beforeEach(() => {
    zone = process.env.TZ;
    process.env.TZ = 'America/New_York';
  });
  afterEach(() => {
    if (zone === undefined) delete process.env.TZ;
    else process.env.TZ = zone;
  });

  it('a day runs from local midnight to the next local midnight', () => {
    expect(startOfDay('2026-06-01')).toBe('2026-06-01T04:00:00.000Z');
    expect(endOfDay('2026-06-01')).toBe('2026-06-02T04:00:00.000Z');
  });

  it('the day clocks spring forward has 23 hours, the day they fall back 25', () => {
    expect(startOfDay('2026-03-08')).toBe('2026-03-08T05:00:00.000Z');
    expect(endOfDay('2026-03-08')).toBe('2026-03-09T04:00:00.000Z');
    expect(startOfDay('2026-11-01')).toBe('2026-11-01T04:00:00.000Z');
    expect(endOfDay('2026-11-01')).toBe('2026-11-02T05:00:00.000Z');
  });

  it('the last day of a month ends at the first of the next', () => {
    expect(endOfDay('2026-12-31')).toBe('2027-01-01T05:00:00.000Z');
  });
});
