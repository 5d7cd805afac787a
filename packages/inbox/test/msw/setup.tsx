/**
 * Component-test harness: imported by each `*.test.tsx` (DOM environment). Starts the msw server
 * with the schema-built handlers, fails a test whose request the API would have refused or that
 * no handler serves, and renders components inside a signed-in session.
 */
import type { Session } from '@closeloop/shared';
import type { ComponentChildren } from 'preact';
import { render as renderPreact } from 'preact';
import { act } from 'preact/test-utils';
import { afterAll, afterEach, beforeAll, beforeEach, expect } from 'vitest';
import { setCsrfToken } from '../../src/lib/api.ts';
import { clearQueries } from '../../src/lib/query.ts';
import { SessionContext } from '../../src/lib/session.ts';
import { session as makeSession, metrics, queueCounts, staffUser } from './fixtures.ts';
import { type ApiState, apiHandlers, refused, sent, server } from './handlers.ts';

export const state: ApiState = {
  responses: [],
  staff: [],
  counts: queueCounts(),
  metrics: (kind) => metrics(kind),
};

const containers: HTMLElement[] = [];

beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
beforeEach(() => {
  state.responses = [];
  state.staff = [
    staffUser(),
    staffUser({
      id: '00000000-0000-4000-8000-000000000003',
      name: 'Casey Colleague',
      email: 'casey@example.com',
    }),
  ];
  state.counts = queueCounts();
  state.metrics = (kind) => metrics(kind);
  server.resetHandlers(...apiHandlers(state));
  setCsrfToken('csrf-test-token');
  localStorage.clear();
  location.hash = '';
});
afterEach(() => {
  for (const container of containers.splice(0)) {
    renderPreact(null, container);
    container.remove();
  }
  clearQueries();
  const wrong = refused.splice(0);
  sent.splice(0);
  expect(wrong, 'requests the API would refuse').toEqual([]);
});
afterAll(() => server.close());

/** Renders `ui` for a signed-in user (an agent with mail set up unless `session` says otherwise). */
export function render(ui: ComponentChildren, session: Session = makeSession()) {
  const container = document.createElement('div');
  document.body.append(container);
  containers.push(container);
  act(() => {
    renderPreact(<SessionContext.Provider value={session}>{ui}</SessionContext.Provider>, container);
  });
  return container;
}

/** Text of the element, spaces collapsed. */
export const text = (element: Element | null | undefined) =>
  (element?.textContent ?? '').replace(/\s+/g, ' ').trim();

export { refused, sent };
