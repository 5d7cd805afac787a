// @vitest-environment happy-dom
import { HttpResponse, http } from 'msw';
import { describe, expect, it, vi } from 'vitest';
import { api } from '../src/lib/api.ts';
import { mutate, useQuery } from '../src/lib/query.ts';
import { responseRecord } from './msw/fixtures.ts';
import { server } from './msw/handlers.ts';
import { render, sent, state, text } from './msw/setup.tsx';

function OpenCount() {
  const [counts] = useQuery('/v1/inbox/counts', () => api.get<{ open: number }>('/v1/inbox/counts'));
  return <p data-testid="open">{counts.state === 'ready' ? counts.value.open : 'loading'}</p>;
}

function Unrelated() {
  const [users] = useQuery('/v1/users', () => api.get<{ data: unknown[] }>('/v1/users'));
  return <p data-testid="users">{users.state === 'ready' ? users.value.data.length : 'loading'}</p>;
}

describe('query cache', () => {
  it('refetches what a mutation affects, and only that', async () => {
    state.responses = [responseRecord(1)];
    const counted = vi.fn();
    const usersFetched = vi.fn();
    server.events.on('request:start', ({ request }) => {
      const path = new URL(request.url).pathname;
      if (path === '/v1/inbox/counts') counted();
      if (path === '/v1/users') usersFetched();
    });
    const page = render(
      <>
        <OpenCount />
        <Unrelated />
      </>,
    );
    await vi.waitFor(() => expect(text(page.querySelector('[data-testid="open"]'))).toBe('3'));
    await vi.waitFor(() => expect(text(page.querySelector('[data-testid="users"]'))).toBe('2'));
    expect(counted).toHaveBeenCalledTimes(1);

    state.counts = { ...state.counts, open: 2 };
    await mutate(
      () => api.post('/v1/responses/bulk', { ids: [state.responses[0]!.id], status: 'resolved' }),
      ['/v1/inbox'],
    );
    await vi.waitFor(() => expect(text(page.querySelector('[data-testid="open"]'))).toBe('2'));
    expect(counted).toHaveBeenCalledTimes(2);
    expect(usersFetched).toHaveBeenCalledTimes(1);
    expect(sent).toEqual([
      {
        method: 'POST',
        path: '/v1/responses/bulk',
        body: { ids: [state.responses[0]!.id], status: 'resolved' },
      },
    ]);
    server.events.removeAllListeners();
  });

  it('invalidates nothing when the change fails, and passes the error on', async () => {
    server.use(http.post('*/v1/responses/bulk', () => HttpResponse.json({}, { status: 500 })));
    const page = render(<OpenCount />);
    await vi.waitFor(() => expect(text(page.querySelector('[data-testid="open"]'))).toBe('3'));
    state.counts = { ...state.counts, open: 0 };
    await expect(
      mutate(() => api.post('/v1/responses/bulk', { ids: [], status: 'open' }), ['/v1/inbox']),
    ).rejects.toThrow('The server answered 500');
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(text(page.querySelector('[data-testid="open"]'))).toBe('3');
  });
});
