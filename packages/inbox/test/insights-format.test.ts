import { describe, expect, it } from 'vitest';
import { formatChange } from '../src/lib/format.ts';

describe('a change against the period before', () => {
  it('always carries its sign, with a real minus', () => {
    expect(formatChange(8.2)).toBe('+8');
    expect(formatChange(-5.4)).toBe('−5');
    expect(formatChange(8.26, 1)).toBe('+8.3');
    expect(formatChange(-0.26, 1)).toBe('−0.3');
  });

  it('is plain 0 when it rounds to nothing, never "−0" or "+0"', () => {
    expect(formatChange(0)).toBe('0');
    expect(formatChange(-0.4)).toBe('0');
    expect(formatChange(0.04, 1)).toBe('0');
    expect(formatChange(-0.04, 1)).toBe('0');
  });
});
