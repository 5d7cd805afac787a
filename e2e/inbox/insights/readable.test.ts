/**
 * Insights that read at a glance, in real Chromium at 1280 and 375 px: NPS opens first; the
 * distribution is coloured by detractors, passives and promoters; the legend never reads "--";
 * segments by trait offer the traits respondents have; a custom date range and a time zone apply
 * and stay in the address; nothing scrolls sideways.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasChromium, launchBrowser } from '../../browser.ts';
import { type StartedServer, startServer } from '../../harness.ts';
import { answer, signIn } from '../session.ts';

const day = 86_400_000;

describe.runIf(hasChromium).each([1280, 375])('readable insights at %i px', (width) => {
  let server: StartedServer;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    server = await startServer({ staff: ['admin'] });
    browser = await launchBrowser();
    const respondent = (plan: string) => ({ externalId: `c-${plan}`, traits: { plan, seats: 5 } });
    await answer(server, [
      { surveyId: server.surveys.ces, score: 6 },
      { surveyId: server.surveys.nps, score: 2, respondent: respondent('free') },
      { surveyId: server.surveys.nps, score: 8, respondent: respondent('team') },
      { surveyId: server.surveys.nps, score: 10, respondent: respondent('enterprise') },
      // Three days ago: inside a custom range that ends before today.
      { surveyId: server.surveys.nps, score: 9, submittedAt: new Date(Date.now() - 3 * day).toISOString() },
    ]);
    page = await (
      await browser.newContext({ viewport: { width, height: 900 }, timezoneId: 'UTC' })
    ).newPage();
    await signIn(page, server.url, server.staff[0]!.email);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('opens on NPS, with bars coloured by band and a legend without "--"', async () => {
    await page.goto(`${server.url}/inbox/#/insights`);
    await expect.poll(() => page.getByTestId('insights-n').textContent()).toBe('4');
    expect(await page.getByLabel('Survey').inputValue()).toBe(server.surveys.nps);
    expect(await page.locator('.insights-bar.band-negative').count()).toBe(7);
    expect(await page.locator('.insights-bar.band-neutral').count()).toBe(2);
    expect(await page.locator('.insights-bar.band-positive').count()).toBe(2);
    const colours = await page
      .locator('.insights-bar')
      .evaluateAll((bars) => new Set(bars.map((bar) => getComputedStyle(bar).backgroundColor)).size);
    expect(colours).toBe(3);
    expect(await page.locator('.insights-bands').textContent()).toContain('Promoters: 2 (50 %)');
    await page.locator('.insights-chart canvas').first().waitFor();
    expect(await page.locator('.insights-chart .u-legend').textContent()).not.toContain('--');
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBe(width);
  });

  it('offers the traits respondents have when segmenting by trait', async () => {
    await page.goto(`${server.url}/inbox/#/insights?segment=trait`);
    await expect
      .poll(() =>
        page
          .locator('#insights-trait-keys option')
          .evaluateAll((options) => options.map((option) => (option as HTMLOptionElement).value)),
      )
      .toEqual(['plan', 'seats']);
    await expect.poll(() => page.getByRole('rowheader', { name: 'enterprise' }).count()).toBe(1);
  });

  it('applies a custom date range and a time zone, and keeps them in the address', async () => {
    await page.goto(`${server.url}/inbox/#/insights`);
    await page.getByTestId('insights-n').waitFor();
    await page.getByLabel('Range').selectOption('custom');
    const from = new Date(Date.now() - 10 * day).toISOString().slice(0, 10);
    const to = new Date(Date.now() - 2 * day).toISOString().slice(0, 10);
    await page.getByLabel('From', { exact: true }).fill(from);
    await page.getByLabel('To', { exact: true }).fill(to);
    await page.getByLabel('Time zone').selectOption('Asia/Tokyo');
    await expect
      .poll(() => new URL(page.url()).hash)
      .toBe(`#/insights?range=custom&from=${from}&to=${to}&tz=Asia%2FTokyo`);
    // Only the answer of three days ago lies in the range.
    await expect.poll(() => page.getByTestId('insights-n').textContent()).toBe('1');
    await page.reload();
    await expect.poll(() => page.getByTestId('insights-n').textContent()).toBe('1');
    expect(await page.getByLabel('Time zone').inputValue()).toBe('Asia/Tokyo');
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBe(width);
  });
});
