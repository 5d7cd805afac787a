import { describe, expect, it } from 'vitest';
import { backoff, backoffDelay, isRetryable, parseRetryAfter } from '../src/transport.ts';

describe('backoff', () => {
  it('doubles with every attempt until the cap', () => {
    const top = (attempt: number) => backoffDelay(attempt, () => 1);
    expect([1, 2, 3, 4].map(top)).toEqual([1000, 2000, 4000, 8000]);
    expect(top(30)).toBe(backoff.capMs);
  });

  it('jitters within [half, full] of the exponential delay', () => {
    for (const attempt of [1, 3, 6, 12]) {
      const full = Math.min(backoff.capMs, backoff.baseMs * 2 ** (attempt - 1));
      expect(backoffDelay(attempt, () => 0)).toBe(full / 2);
      expect(backoffDelay(attempt, () => 0.999999)).toBeLessThanOrEqual(full);
      for (let i = 0; i < 100; i++) {
        const delay = backoffDelay(attempt);
        expect(delay).toBeGreaterThanOrEqual(full / 2);
        expect(delay).toBeLessThanOrEqual(full);
      }
    }
  });

  it('actually spreads retries out', () => {
    const delays = new Set(Array.from({ length: 50 }, () => backoffDelay(8)));
    expect(delays.size).toBeGreaterThan(10);
  });
});

describe('Retry-After', () => {
  const now = Date.UTC(2025, 0, 1, 12, 0, 0);

  it('reads delta-seconds and HTTP dates', () => {
    expect(parseRetryAfter('120', now)).toBe(120_000);
    expect(parseRetryAfter('Wed, 01 Jan 2025 12:00:30 GMT', now)).toBe(30_000);
  });

  it('treats past dates as now, caps at a day and ignores garbage', () => {
    expect(parseRetryAfter('Wed, 01 Jan 2025 11:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('999999999', now)).toBe(24 * 60 * 60 * 1000);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(null, now)).toBeUndefined();
  });
});

describe('what is retried', () => {
  it('retries network errors, 408, 429 and 5xx', () => {
    for (const status of [0, 408, 429, 500, 502, 503]) expect(isRetryable(status)).toBe(true);
  });

  it('does not retry other 4xx', () => {
    for (const status of [400, 401, 403, 404, 413, 422]) expect(isRetryable(status)).toBe(false);
  });
});
