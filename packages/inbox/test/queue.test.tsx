// @vitest-environment happy-dom

import { http } from 'msw';
import { describe, expect, it, vi } from 'vitest';
import { QueuePage } from '../src/features/queue/QueuePage.tsx';
import { ids, responseRecord } from './msw/fixtures.ts';
import { problem, server } from './msw/handlers.ts';
import { render, sent, state, text } from './msw/setup.tsx';

const rows = (page: HTMLElement) => [...page.querySelectorAll('ul.responses > li')];

describe('queue page', () => {
  it('shows a row for each response of the list, with the customer and comment', async () => {
    state.responses = [responseRecord(1), responseRecord(2), responseRecord(3)];
    const page = render(<QueuePage params={new URLSearchParams('queue=open')} path={{}} />);
    await vi.waitFor(() => expect(rows(page)).toHaveLength(3));
    expect(text(rows(page)[0])).toContain('Customer 1');
    expect(text(rows(page)[2])).toContain('Comment number 3');
    await vi.waitFor(() => expect(text(page.querySelector('[data-queue="open"] .count'))).toBe('3'));
  });

  it('sends a bulk request the API accepts for the ticked rows', async () => {
    state.responses = [responseRecord(1), responseRecord(2), responseRecord(3)];
    const page = render(<QueuePage params={new URLSearchParams('queue=open')} path={{}} />);
    await vi.waitFor(() => expect(rows(page)).toHaveLength(3));
    for (const row of rows(page).slice(0, 2)) {
      const box = row.querySelector<HTMLInputElement>('input[type="checkbox"]')!;
      box.click();
    }
    await vi.waitFor(() => expect(text(page.querySelector('.bulk-bar strong'))).toBe('2 selected'));
    const assign = page.querySelector<HTMLSelectElement>('select[aria-label="Assign selected"]')!;
    assign.value = ids.colleague;
    assign.dispatchEvent(new Event('change', { bubbles: true }));
    await vi.waitFor(() => expect(sent).toHaveLength(1));
    expect(sent[0]).toEqual({
      method: 'POST',
      path: '/v1/responses/bulk',
      body: { ids: [ids.response(1), ids.response(2)], assigneeId: ids.colleague },
    });
    // The selection is cleared once the change is made.
    await vi.waitFor(() => expect(page.querySelector('.bulk-bar')).toBeNull());
  });

  it('tells the user what the API objected to (problem+json), with a way to try again', async () => {
    server.use(
      http.get('*/v1/responses', () =>
        problem(400, 'validation', 'The filters are not valid', [
          { path: 'minScore', message: 'must be at most 10' },
        ]),
      ),
    );
    const page = render(<QueuePage params={new URLSearchParams('queue=open')} path={{}} />);
    await vi.waitFor(() => expect(page.querySelector('[role="alert"]')).not.toBeNull());
    const alert = page.querySelector('[role="alert"]')!;
    expect(text(alert)).toContain('The filters are not valid');
    expect(text(alert)).toContain('minScore: must be at most 10');
    expect(alert.querySelector('button')?.textContent).toBe('Try again');
    expect(rows(page)).toHaveLength(0);
  });
});
