/**
 * The API goes down after the survey appeared: the answer waits in the outbox, is retried with
 * backoff, and arrives once when the API is back. The page sees no error.
 */
import { describe, expect, it } from 'vitest';
import { hasChromium } from '../../browser.ts';
import { outboxOf, plainPage, useScenario, waitForResponses, watch, widget } from '../support.ts';

describe.skipIf(!hasChromium)('API down, then up', () => {
  const scenario = useScenario(plainPage);

  it('delivers the response once the API is back', async () => {
    const { browser, fixture, server } = scenario;
    const page = await browser.newPage();
    const watched = watch(page);
    await page.goto(fixture.url);
    const ui = widget(page);
    await ui.radio('10').waitFor();

    await server.stop();
    try {
      await ui.radio('10').click();
      await ui.comment.fill('Love it');
      await ui.send.click();
      await expect
        .poll(async () => (await outboxOf(page, server.publicKey)).attempt, { timeout: 10_000 })
        .toBeGreaterThanOrEqual(2);
      const waiting = await outboxOf(page, server.publicKey);
      expect(
        new Set(waiting.entries.filter((entry) => 'score' in entry.item).map((entry) => entry.item.id)).size,
      ).toBe(1);
    } finally {
      await server.restart();
    }

    const rows = await waitForResponses(server, 1, 30_000);
    expect(rows[0]).toMatchObject({ score: 10, comment: 'Love it' });
    await expect
      .poll(async () => (await outboxOf(page, server.publicKey)).entries.length, { timeout: 30_000 })
      .toBe(0);
    expect(await waitForResponses(server, 1)).toHaveLength(1);
    expect(watched.pageErrors).toEqual([]);
    // Chromium itself logs each refused connection; nothing else may reach the console
    expect(watched.consoleErrors.filter((message) => !message.includes('ERR_CONNECTION_REFUSED'))).toEqual(
      [],
    );
  });
});
