/**
 * The overview in real Chromium, on a desktop (1280 px) and a phone (375 px): owners, admins and
 * viewers land on it after signing in, agents on their queue; NPS, CSAT and CES stand side by side
 * (stacked on a phone) with their score, interval, change, trend and open and overdue follow-ups.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasChromium, launchBrowser } from '../../browser.ts';
import { type StartedServer, startServer } from '../../harness.ts';
import { answer, manage, signIn } from '../session.ts';

describe.runIf(hasChromium).each([1280, 375])('the overview at %i px', (width) => {
  let server: StartedServer;
  let browser: Browser;

  beforeAll(async () => {
    server = await startServer({ staff: ['owner', 'agent', 'viewer'] });
    browser = await launchBrowser();
    // NPS: 2 promoters, 1 passive, 1 detractor → +25. CSAT: 2 of 3 satisfied → 66.7 %. CES: none.
    const ids = await answer(server, [
      { surveyId: server.surveys.nps, score: 10 },
      { surveyId: server.surveys.nps, score: 9 },
      { surveyId: server.surveys.nps, score: 8 },
      { surveyId: server.surveys.nps, score: 3, comment: 'slow' },
      { surveyId: server.surveys.csat, score: 5 },
      { surveyId: server.surveys.csat, score: 4 },
      { surveyId: server.surveys.csat, score: 1, comment: 'broken' },
    ]);
    // The detractor's follow-up is overdue; the CSAT one is open and due later.
    await manage(server, 'PATCH', `/v1/responses/${ids[3]}`, {
      dueAt: new Date(Date.now() - 3600_000).toISOString(),
    });
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  const signedIn = async (index: number) => {
    const page = await (await browser.newContext({ viewport: { width, height: 900 } })).newPage();
    await signIn(page, server.url, server.staff[index]!.email);
    return page;
  };

  it('is where owners and viewers land; agents land on their queue', async () => {
    for (const [index, landing] of [
      [0, '#/overview'],
      [2, '#/overview'],
      [1, '#/inbox'],
    ] as const) {
      const page = await signedIn(index);
      await expect.poll(() => page.evaluate(() => window.location.hash)).toBe(landing);
      await page.getByRole('heading', { level: 1 }).first().waitFor({ state: 'attached' });
      await page.context().close();
    }
  });

  it('shows NPS, CSAT and CES side by side with score, interval, change, trend and follow-ups', async () => {
    const page = await signedIn(0);
    const card = (kind: string) => page.locator(`[data-kind="${kind}"]`);
    await expect.poll(() => card('nps').getByTestId('score').textContent()).toBe('+25');
    expect(await card('csat').getByTestId('score').textContent()).toBe('66.7 %');
    expect(await card('ces').textContent()).toContain('No responses in this period.');
    expect(await card('nps').getByTestId('interval').textContent()).toMatch(
      /^95 % interval .+ to .+ · 4 responses$/,
    );
    expect(await card('nps').getByTestId('change').textContent()).toBe('No responses in the period before');
    expect(await card('nps').locator('svg.sparkline circle').count()).toBeGreaterThan(0);
    await expect.poll(() => card('nps').getByTestId('overdue').textContent()).toBe('1');
    expect(await card('nps').getByTestId('open').textContent()).toBe('1');
    expect(await card('csat').getByTestId('open').textContent()).toBe('1');
    expect(await card('csat').getByTestId('overdue').textContent()).toBe('0');

    const boxes = await Promise.all(
      ['nps', 'csat', 'ces'].map(async (kind) => (await card(kind).boundingBox())!),
    );
    if (width >= 1000) {
      // One row: the same top, left to right.
      expect(new Set(boxes.map((box) => Math.round(box.y))).size).toBe(1);
      expect(boxes[0]!.x).toBeLessThan(boxes[1]!.x);
    } else {
      // Stacked, each within the screen.
      expect(boxes[0]!.y + boxes[0]!.height).toBeLessThanOrEqual(boxes[1]!.y);
      for (const box of boxes) expect(box.x + box.width).toBeLessThanOrEqual(width);
    }
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBe(width);

    // The overdue count leads to those follow-ups.
    await card('nps')
      .getByRole('link', { name: /overdue/ })
      .click();
    await expect.poll(() => page.evaluate(() => window.location.hash)).toBe('#/inbox?queue=overdue&kind=nps');
    await page.locator('ul.responses li').first().waitFor();
    await page.context().close();
  });
});
