/**
 * Six long Japanese comments wait in the outbox (left by earlier pages): 29,400 characters but
 * 88 KB of UTF-8, more than Chromium lets a keepalive request carry. The next page delivers all of
 * them, in batches sized in bytes, and the outbox empties.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { hasChromium } from '../../browser.ts';
import { outboxOf, plainPage, storedResponses, useScenario, waitForResponses, watch } from '../support.ts';

describe.skipIf(!hasChromium)('multi-byte comments in the outbox', () => {
  const scenario = useScenario(plainPage);

  it('delivers them all instead of retrying one oversized batch forever', async () => {
    const { browser, fixture, server } = scenario;
    const page = await browser.newPage();
    const watched = watch(page);
    const bodies: number[] = [];
    page.on('request', (request) => {
      if (request.url().endsWith('/v1/responses')) bodies.push(request.postDataBuffer()?.length ?? 0);
    });
    await page.goto(fixture.url);

    const comment = 'フィードバック'.repeat(700); // 4,900 characters, 14,700 bytes
    const at = new Date().toISOString();
    const scores = Array.from({ length: 6 }, (_, i) => ({
      id: randomUUID(),
      surveyId: server.surveys.nps,
      score: i,
      context: { url: fixture.url },
      submittedAt: at,
    }));
    const entries = [
      ...scores.map((item) => ({ entryId: randomUUID(), kind: 'response', item })),
      ...scores.map((item) => ({ entryId: randomUUID(), kind: 'response', item: { ...item, comment } })),
    ];
    await page.evaluate(
      ([key, state]) => localStorage.setItem(`closeloop:${key}:outbox`, state!),
      [server.publicKey, JSON.stringify({ entries, attempt: 0, retryAt: 0 })],
    );
    await page.reload();

    const rows = await waitForResponses(server, 6);
    await expect
      .poll(async () => (await storedResponses(server)).filter((row) => row.comment === comment).length)
      .toBe(6);
    expect(new Set(rows.map((row) => row.id))).toEqual(new Set(scores.map((item) => item.id)));
    await expect.poll(async () => (await outboxOf(page, server.publicKey)).entries.length).toBe(0);
    expect((await outboxOf(page, server.publicKey)).attempt).toBe(0);
    expect(bodies.length).toBeGreaterThan(1);
    expect(Math.max(...bodies)).toBeLessThan(64 * 1024);
    expect(watched.pageErrors).toEqual([]);
  });
});
