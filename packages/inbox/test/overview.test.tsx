// @vitest-environment happy-dom
import { describe, expect, it, vi } from 'vitest';
import { OverviewPage } from '../src/features/overview/OverviewPage.tsx';
import { metrics } from './msw/fixtures.ts';
import { render, state, text } from './msw/setup.tsx';

const card = (page: HTMLElement, kind: string) => page.querySelector(`[data-kind="${kind}"]`)!;

describe('overview', () => {
  it('shows NPS, CSAT and CES side by side with score, interval, change and follow-ups', async () => {
    state.metrics = (kind) =>
      kind === 'nps'
        ? metrics('nps', { score: 38, difference: 31 })
        : kind === 'csat'
          ? metrics('csat', { score: 81, difference: -4, significant: false })
          : metrics('ces', { n: 0 });
    state.counts = { ...state.counts, open: 12, overdue: 4 };
    const page = render(<OverviewPage />);
    expect([...page.querySelectorAll('[data-kind]')].map((el) => el.getAttribute('data-kind'))).toEqual([
      'nps',
      'csat',
      'ces',
    ]);
    await vi.waitFor(() =>
      expect(text(card(page, 'nps').querySelector('[data-testid="score"]'))).toBe('+38'),
    );
    expect(text(card(page, 'nps').querySelector('[data-testid="interval"]'))).toContain('+33 to +43');
    expect(text(card(page, 'nps').querySelector('[data-testid="change"]'))).toMatch(/^\+31 points vs the/);
    expect(card(page, 'nps').querySelector('[data-testid="change"]')!.classList.contains('up')).toBe(true);
    await vi.waitFor(() =>
      expect(text(card(page, 'csat').querySelector('[data-testid="change"]'))).toContain('(within noise)'),
    );
    await vi.waitFor(() => expect(text(card(page, 'ces'))).toContain('No responses in this period.'));
    await vi.waitFor(() => expect(text(card(page, 'nps').querySelector('[data-testid="open"]'))).toBe('12'));
    expect(text(card(page, 'ces').querySelector('[data-testid="overdue"]'))).toBe('4');
    expect(card(page, 'nps').querySelector('svg.sparkline polyline')).not.toBeNull();
  });
});
