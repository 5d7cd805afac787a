import { describe, expect, it } from 'vitest';
import { tooManyRequests } from '../src/lib/api.ts';

describe('the wait after too many attempts', () => {
  it('names the minutes to wait from Retry-After in seconds', () => {
    expect(tooManyRequests('890')).toBe('Too many attempts. Try again in 15 minutes.');
    expect(tooManyRequests('61')).toBe('Too many attempts. Try again in 2 minutes.');
    expect(tooManyRequests('120')).toBe('Too many attempts. Try again in 2 minutes.');
  });

  it('names seconds for a short wait, at least one', () => {
    expect(tooManyRequests('60')).toBe('Too many attempts. Try again in 60 seconds.');
    expect(tooManyRequests('1')).toBe('Too many attempts. Try again in 1 second.');
    expect(tooManyRequests('0')).toBe('Too many attempts. Try again in 1 second.');
  });

  it('reads an HTTP date, and says something useful without the header', () => {
    const now = Date.parse('2026-11-24T10:00:00Z');
    expect(tooManyRequests('Tue, 24 Nov 2026 10:05:00 GMT', now)).toBe(
      'Too many attempts. Try again in 5 minutes.',
    );
    expect(tooManyRequests(null)).toBe('Too many attempts. Wait a while, then try again.');
    expect(tooManyRequests('soon')).toBe('Too many attempts. Wait a while, then try again.');
  });
});
