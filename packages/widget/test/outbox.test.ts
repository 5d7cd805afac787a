import type { ResponseInput } from '@closeloop/shared';
import { HttpResponse, http } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { createOutbox, maxBatchBytes, maxEntries, type OutboxOptions } from '../src/outbox.ts';
import { byteLength, keepaliveMaxBytes } from '../src/transport.ts';
import { apiUrl, memoryStorage, publicKey, surveyId } from './helpers.ts';

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

beforeEach(() => {
  // timers and Date move only when a test says so; the outbox reads Date.now through `now`
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'], now: Date.UTC(2025, 0, 1) });
  return () => vi.useRealTimers();
});

interface Received {
  path: string;
  contentType: string | null;
  body: { key: string; responses?: ResponseInput[]; events?: { id: string }[] };
}

/** Answers every ingestion request with `reply(n)` (n = 1, 2, …) and records what came in. */
function api(reply: (n: number) => Response = () => HttpResponse.json({ accepted: [] }, { status: 202 })) {
  const received: Received[] = [];
  const handler = async ({ request }: { request: Request }) => {
    received.push({
      path: new URL(request.url).pathname,
      contentType: request.headers.get('content-type'),
      body: JSON.parse(await request.text()),
    });
    return reply(received.length);
  };
  server.use(http.post(`${apiUrl}v1/responses`, handler), http.post(`${apiUrl}v1/events`, handler));
  return received;
}

let storage = memoryStorage();
beforeEach(() => {
  storage = memoryStorage();
});

/** One "page load": a new outbox over the same storage. */
function page(options: Partial<OutboxOptions> = {}) {
  return createOutbox({
    publicKey,
    apiUrl,
    storage,
    fetch: (input, init) => globalThis.fetch(input, init),
    random: () => 0.5,
    ...options,
  });
}

function response(overrides: Partial<ResponseInput> = {}): ResponseInput {
  return {
    id: crypto.randomUUID(),
    surveyId: surveyId(1),
    score: 9,
    context: { url: 'https://shop.test/' },
    submittedAt: new Date().toISOString(),
    ...overrides,
  };
}

const ids = (received: Received[]) =>
  received.flatMap((r) => (r.body.responses ?? r.body.events ?? []).map((i) => i.id));

describe('persistence', () => {
  it('keeps a response across reloads until the API has accepted it', async () => {
    const received = api((n) =>
      n === 1 ? new HttpResponse(null, { status: 503 }) : new HttpResponse(null, { status: 202 }),
    );
    const first = page();
    const item = response();
    first.add({ kind: 'response', item });
    await first.flush();
    first.stop();
    expect(first.state().entries).toHaveLength(1);

    vi.setSystemTime(Date.now() + 60_000);
    const second = page();
    await second.flush();
    expect(ids(received)).toEqual([item.id, item.id]);
    expect(second.state().entries).toEqual([]);
  });

  it('sends the same id again when the page reloads in the middle of a request', async () => {
    let release: () => void = () => undefined;
    const received: Received[] = [];
    server.use(
      http.post(`${apiUrl}v1/responses`, async ({ request }) => {
        received.push({ path: '/v1/responses', contentType: null, body: JSON.parse(await request.text()) });
        if (received.length === 1) await new Promise<void>((resolve) => (release = resolve));
        return new HttpResponse(null, { status: 202 });
      }),
    );
    const first = page();
    const item = response();
    first.add({ kind: 'response', item });
    const unfinished = first.flush(); // the page goes away before the answer
    await vi.waitFor(() => expect(received).toHaveLength(1));
    first.stop();

    const second = page();
    await second.flush();
    expect(ids(received)).toEqual([item.id, item.id]);
    expect(second.state().entries).toEqual([]);
    release();
    await unfinished;
  });

  it('survives corrupt storage', async () => {
    storage.setItem(`closeloop:${publicKey}:outbox`, '{not json');
    const received = api();
    const outbox = page();
    await expect(outbox.flush()).resolves.toBeUndefined();
    outbox.add({ kind: 'response', item: response() });
    await outbox.flush();
    expect(received).toHaveLength(1);
  });

  it('skips stored entries it cannot read instead of being blocked by them', async () => {
    // e.g. left by another version of the widget, or damaged by hand
    const valid = response();
    storage.setItem(
      `closeloop:${publicKey}:outbox`,
      JSON.stringify({
        entries: [
          null,
          5,
          { kind: 'response' },
          { kind: 'event', item: null, entryId: 'e1' },
          { kind: 'response', item: valid, entryId: 'e2' },
        ],
        attempt: 'x',
        retryAt: null,
      }),
    );
    const received = api((n) => new HttpResponse(null, { status: n === 1 ? 503 : 202 }));
    const outbox = page();
    const item = response();
    outbox.add({ kind: 'response', item });
    await outbox.flush();
    expect(ids(received)).toEqual([valid.id, item.id]);
    // the failed attempt is counted and waited for: no request again before the backoff is over
    expect(outbox.state()).toMatchObject({ attempt: 1, retryAt: Date.now() + 750 });
    await vi.advanceTimersByTimeAsync(500);
    expect(received).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(received).toHaveLength(2);
    expect(outbox.state().entries).toEqual([]);
  });

  it('keeps at most maxEntries, dropping the oldest', () => {
    const outbox = page();
    const first = response();
    outbox.add({ kind: 'response', item: first });
    for (let i = 0; i < maxEntries; i++) outbox.add({ kind: 'response', item: response() });
    outbox.stop();
    const entries = outbox.state().entries;
    expect(entries).toHaveLength(maxEntries);
    expect(entries.some((entry) => entry.item.id === first.id)).toBe(false);
  });
});

describe('requests', () => {
  it('posts text/plain JSON with the key, responses first, events to /v1/events', async () => {
    const received = api();
    const outbox = page();
    const event = {
      id: crypto.randomUUID(),
      surveyId: surveyId(1),
      type: 'shown' as const,
      at: new Date().toISOString(),
    };
    outbox.add({ kind: 'event', item: event });
    const item = response();
    outbox.add({ kind: 'response', item });
    await outbox.flush();
    expect(received.map((r) => r.path)).toEqual(['/v1/responses', '/v1/events']);
    expect(received[0]!.contentType).toMatch(/^text\/plain/);
    expect(received[0]!.body).toEqual({ key: publicKey, responses: [item] });
    expect(received[1]!.body).toEqual({ key: publicKey, events: [event] });
  });

  it('merges a score and its later comment into one item with the same id', async () => {
    const received = api();
    const outbox = page();
    const item = response({ score: 3 });
    outbox.add({ kind: 'response', item });
    outbox.add({ kind: 'response', item: { ...item, comment: 'Too slow' } });
    await outbox.flush();
    expect(received).toHaveLength(1);
    expect(received[0]!.body.responses).toEqual([{ ...item, comment: 'Too slow' }]);
  });

  it('sends the comment later with the id of the score already delivered', async () => {
    const received = api();
    const outbox = page();
    const item = response({ score: 3 });
    outbox.add({ kind: 'response', item });
    await outbox.flush();
    outbox.add({ kind: 'response', item: { ...item, comment: 'Too slow' } });
    await outbox.flush();
    expect(received.map((r) => r.body.responses?.[0])).toEqual([item, { ...item, comment: 'Too slow' }]);
  });

  it('runs one sending loop at a time, however often flush is called', async () => {
    let release: () => void = () => undefined;
    const received = api();
    server.use(
      http.post(`${apiUrl}v1/responses`, async ({ request }) => {
        received.push({ path: '/v1/responses', contentType: null, body: JSON.parse(await request.text()) });
        if (received.length === 1) await new Promise<void>((resolve) => (release = resolve));
        return new HttpResponse(null, { status: 202 });
      }),
    );
    const outbox = page();
    outbox.add({ kind: 'response', item: response() });
    const first = outbox.flush();
    await vi.waitFor(() => expect(received).toHaveLength(1));
    await outbox.flush(); // returns at once: the first one is sending
    const third = outbox.flush();
    await new Promise((resolve) => setImmediate(resolve));
    await vi.advanceTimersByTimeAsync(100);
    expect(received).toHaveLength(1);
    release();
    await Promise.all([first, third]);
    expect(received).toHaveLength(1);
    expect(outbox.state().entries).toEqual([]);
  });

  it('splits more than 100 items into several requests', async () => {
    const received = api();
    const outbox = page();
    for (let i = 0; i < 150; i++) outbox.add({ kind: 'response', item: response() });
    await outbox.flush();
    expect(received.map((r) => r.body.responses?.length)).toEqual([100, 50]);
  });
});

/**
 * fetch as Chromium does it: a keepalive request whose body is over 64 KiB (in bytes) is a TypeError.
 * `refuse(n)` makes the n-th keepalive request fail the same way (other keepalive bodies in flight).
 */
function browserFetch(refuse: (n: number) => boolean = () => false) {
  const calls: { keepalive: boolean; bytes: number }[] = [];
  const fetch: typeof globalThis.fetch = (input, init) => {
    const bytes = byteLength(String(init?.body ?? ''));
    const keepalive = !!init?.keepalive;
    calls.push({ keepalive, bytes });
    if (keepalive && (bytes > keepaliveMaxBytes || refuse(calls.filter((c) => c.keepalive).length)))
      return Promise.reject(new TypeError("Failed to execute 'fetch': keepalive body too large"));
    return globalThis.fetch(input, init);
  };
  return { fetch, calls };
}

describe('multi-byte text', () => {
  // 4,900 Japanese characters: 4,900 UTF-16 code units but 14,700 bytes of UTF-8
  const japanese = 'フィードバック'.repeat(700);

  it('sizes batches in bytes, so six long Japanese comments are delivered', async () => {
    const received = api();
    const { fetch, calls } = browserFetch();
    const outbox = page({ fetch });
    const scores = Array.from({ length: 6 }, () => response({ score: 2 }));
    for (const item of scores) outbox.add({ kind: 'response', item });
    for (const item of scores) outbox.add({ kind: 'response', item: { ...item, comment: japanese } });
    await outbox.flush();
    expect(outbox.state().entries).toEqual([]);
    expect(outbox.state().attempt).toBe(0);
    expect(calls.length).toBeGreaterThan(1);
    expect(calls.every((call) => call.keepalive && call.bytes < keepaliveMaxBytes)).toBe(true);
    const delivered = received.flatMap((r) => r.body.responses ?? []);
    expect(new Set(delivered.filter((r) => r.comment === japanese).map((r) => r.id))).toEqual(
      new Set(scores.map((r) => r.id)),
    );
  });

  it('sends an item larger than a batch alone, without keepalive', async () => {
    const received = api();
    const { fetch, calls } = browserFetch();
    const outbox = page({ fetch });
    const small = response();
    const big = response({ comment: japanese.repeat(5) });
    expect(byteLength(JSON.stringify(big))).toBeGreaterThan(maxBatchBytes);
    outbox.add({ kind: 'response', item: big });
    outbox.add({ kind: 'response', item: small });
    await outbox.flush();
    expect(received.map((r) => r.body.responses?.map((i) => i.id))).toEqual([[big.id], [small.id]]);
    expect(calls.map((call) => call.keepalive)).toEqual([false, true]);
    expect(outbox.state().entries).toEqual([]);
  });

  it('sends again without keepalive once when the browser refuses a keepalive request', async () => {
    const received = api();
    const { fetch, calls } = browserFetch((n) => n === 1);
    const outbox = page({ fetch });
    outbox.add({ kind: 'response', item: response() });
    await outbox.flush();
    expect(calls.map((call) => call.keepalive)).toEqual([true, false]);
    expect(received).toHaveLength(1);
    expect(outbox.state()).toMatchObject({ entries: [], attempt: 0 });
  });

  it('still hands a large item over on exit when the beacon refuses it', async () => {
    const received = api();
    const { fetch } = browserFetch();
    const outbox = page({ fetch, sendBeacon: (_url, data) => data.size < keepaliveMaxBytes });
    outbox.add({ kind: 'response', item: response({ comment: japanese.repeat(5) }) });
    outbox.stop();
    outbox.flushOnExit();
    await vi.waitFor(() => expect(received).toHaveLength(1));
  });
});

describe('retries', () => {
  it.each([408, 429, 500, 503])('retries after %i, then delivers once', async (status) => {
    const received = api((n) => new HttpResponse(null, { status: n === 1 ? status : 202 }));
    const outbox = page();
    const item = response();
    outbox.add({ kind: 'response', item });
    await outbox.flush();
    expect(outbox.state().entries).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(ids(received)).toEqual([item.id, item.id]);
    expect(outbox.state().entries).toEqual([]);
  });

  it('retries after a network error', async () => {
    // a failed keepalive request (a TypeError) is tried once more without keepalive at once
    const received = api((n) => (n <= 2 ? HttpResponse.error() : new HttpResponse(null, { status: 202 })));
    const outbox = page();
    outbox.add({ kind: 'response', item: response() });
    await outbox.flush();
    expect(received).toHaveLength(2);
    expect(outbox.state().attempt).toBe(1);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(received).toHaveLength(3);
    expect(outbox.state().entries).toEqual([]);
  });

  it('backs off exponentially, on the timer', async () => {
    const received = api(() => new HttpResponse(null, { status: 503 }));
    const outbox = page(); // random() = 0.5: delays of 0.75 × 1 s, 2 s, 4 s…
    outbox.add({ kind: 'response', item: response() });
    await outbox.flush();
    const start = Date.now();
    expect(outbox.state().retryAt - start).toBe(750);
    await vi.advanceTimersByTimeAsync(749);
    expect(received).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(received).toHaveLength(2);
    expect(outbox.state().retryAt - Date.now()).toBe(1500);
    await vi.advanceTimersByTimeAsync(1500);
    expect(received).toHaveLength(3);
    expect(outbox.state().retryAt - Date.now()).toBe(3000);
  });

  it('honours Retry-After when it is longer than the backoff', async () => {
    const received = api((n) =>
      n === 1
        ? new HttpResponse(null, { status: 429, headers: { 'Retry-After': '30' } })
        : new HttpResponse(null, { status: 202 }),
    );
    const outbox = page();
    outbox.add({ kind: 'response', item: response() });
    await outbox.flush();
    expect(outbox.state().retryAt - Date.now()).toBe(30_000);
    await vi.advanceTimersByTimeAsync(29_999);
    await outbox.flush(); // an eager caller must not get around it either
    expect(received).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(received).toHaveLength(2);
  });

  it('keeps Retry-After across a reload', async () => {
    const received = api(() => new HttpResponse(null, { status: 503, headers: { 'Retry-After': '120' } }));
    const first = page();
    first.add({ kind: 'response', item: response() });
    await first.flush();
    first.stop();
    await page().flush();
    expect(received).toHaveLength(1);
  });

  it.each([400, 401, 403, 404])('does not retry a %i and drops the batch', async (status) => {
    const received = api(() => HttpResponse.json({ status, detail: 'nope' }, { status }));
    const rejected: number[] = [];
    const outbox = page({ onRejected: (code) => rejected.push(code) });
    outbox.add({ kind: 'response', item: response() });
    await outbox.flush();
    await vi.advanceTimersByTimeAsync(60 * 60_000);
    await page().flush();
    expect(received).toHaveLength(1);
    expect(outbox.state().entries).toEqual([]);
    expect(rejected).toEqual([status]);
  });

  it('drops only the items a 400 names, and delivers the others', async () => {
    const good = response();
    const bad = response({ score: 42 });
    const received = api((n) =>
      n === 1
        ? HttpResponse.json(
            { status: 400, errors: [{ path: 'responses.1.score', message: 'out of range' }] },
            { status: 400 },
          )
        : new HttpResponse(null, { status: 202 }),
    );
    const outbox = page();
    outbox.add({ kind: 'response', item: good });
    outbox.add({ kind: 'response', item: bad });
    await outbox.flush();
    expect(received.map((r) => r.body.responses?.map((i) => i.id))).toEqual([[good.id, bad.id], [good.id]]);
    expect(outbox.state().entries).toEqual([]);
  });

  it('tries again right away when the browser comes back online', async () => {
    const received = api((n) => (n <= 2 ? HttpResponse.error() : new HttpResponse(null, { status: 202 })));
    const outbox = page();
    outbox.add({ kind: 'response', item: response() });
    await outbox.flush();
    expect(outbox.state().retryAt).toBeGreaterThan(Date.now());
    outbox.online();
    await vi.advanceTimersByTimeAsync(0);
    expect(received).toHaveLength(3);
    expect(outbox.state().entries).toEqual([]);
  });
});

describe('leaving the page', () => {
  it('hands pending items to sendBeacon as text/plain and keeps them for the next page', async () => {
    const beacons: { url: string; type: string; body: string }[] = [];
    const outbox = page({
      sendBeacon: (url, data) => {
        beacons.push({ url, type: data.type, body: '' });
        void data.text().then((body) => (beacons.at(-1)!.body = body));
        return true;
      },
    });
    const item = response();
    outbox.add({ kind: 'response', item });
    outbox.stop();
    outbox.flushOnExit();
    await vi.waitFor(() => expect(beacons[0]?.body).not.toBe(''));
    expect(beacons[0]!.url).toBe(`${apiUrl}v1/responses`);
    expect(beacons[0]!.type).toBe('text/plain;charset=utf-8');
    expect(JSON.parse(beacons[0]!.body)).toEqual({ key: publicKey, responses: [item] });
    expect(outbox.state().entries).toHaveLength(1);
  });

  it('falls back to a keepalive fetch when the beacon is refused', async () => {
    const received = api();
    const outbox = page({ sendBeacon: () => false });
    outbox.add({ kind: 'response', item: response() });
    outbox.stop();
    outbox.flushOnExit();
    await vi.waitFor(() => expect(received).toHaveLength(1));
  });

  it('does not beacon while the server asked to wait', async () => {
    api(() => new HttpResponse(null, { status: 429, headers: { 'Retry-After': '60' } }));
    const beacon = vi.fn(() => true);
    const outbox = page({ sendBeacon: beacon });
    outbox.add({ kind: 'response', item: response() });
    await outbox.flush();
    outbox.flushOnExit();
    expect(beacon).not.toHaveBeenCalled();
  });
});
