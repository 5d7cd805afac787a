/**
 * The page reloads while the score is being sent: the request reached the API (which committed it)
 * but its answer never came back. The next page sends the same response again from the outbox, and
 * the database still holds exactly one row.
 */
import { describe, expect, it } from 'vitest';
import { hasChromium } from '../../browser.ts';
import { outboxOf, plainPage, useScenario, waitForResponses, widget } from '../support.ts';

describe.skipIf(!hasChromium)('reload in the middle of sending', () => {
  const scenario = useScenario(plainPage);

  it('stores the response exactly once', async () => {
    const { browser, fixture, server } = scenario;
    const page = await browser.newPage();
    const sentIds: string[] = [];
    let forwarded: () => void = () => undefined;
    const firstForwarded = new Promise<void>((resolve) => (forwarded = resolve));
    let reloaded: () => void = () => undefined;
    const pageReloaded = new Promise<void>((resolve) => (reloaded = resolve));

    await page.route(`${server.url}/v1/responses`, async (route) => {
      const body = JSON.parse(route.request().postData() ?? '{}');
      sentIds.push(...body.responses.map((response: { id: string }) => response.id));
      if (sentIds.length > 1) return route.continue();
      await route.fetch(); // the API commits the row…
      forwarded();
      await pageReloaded; // …and the page is gone before the answer arrives
      await route.abort().catch(() => undefined);
    });

    await page.goto(fixture.url);
    await widget(page).radio('7').click();
    await firstForwarded;
    expect((await outboxOf(page, server.publicKey)).entries).toHaveLength(1);
    await page.reload();
    reloaded();

    await expect.poll(() => sentIds.length).toBeGreaterThanOrEqual(2);
    expect(new Set(sentIds).size).toBe(1);
    await expect.poll(async () => (await outboxOf(page, server.publicKey)).entries.length).toBe(0);
    const rows = await waitForResponses(server, 1);
    expect(rows).toEqual([expect.objectContaining({ id: sentIds[0], score: 7 })]);
    await page.waitForTimeout(500);
    expect(await waitForResponses(server, 1)).toHaveLength(1);
  });
});
