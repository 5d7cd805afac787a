/**
 * Inbox filters in real Chromium: the score and date pickers offer no range that ends before it
 * starts, and a hand-made link with such a range says what is wrong instead of listing nothing.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasChromium, launchBrowser } from '../../browser.ts';
import { type StartedServer, startServer } from '../../harness.ts';
import { answer, signIn } from '../session.ts';

describe.runIf(hasChromium)('inbox filters', () => {
  let server: StartedServer;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    server = await startServer({ staff: ['agent'] });
    browser = await launchBrowser();
    await answer(server, [
      { surveyId: server.surveys.nps, score: 2, comment: 'two' },
      { surveyId: server.surveys.nps, score: 6, comment: 'six' },
    ]);
    page = await (await browser.newContext()).newPage();
    await signIn(page, server.url, server.staff[0]!.email);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  const disabledOptions = (label: string) =>
    page
      .getByLabel(label, { exact: true })
      .locator('option:disabled')
      .evaluateAll((options) => options.map((option) => (option as HTMLOptionElement).value));

  it('offers no score or date range that ends before it starts', async () => {
    await page.goto(`${server.url}/inbox/#/inbox?queue=all`);
    await page.locator('ul.responses li').nth(1).waitFor();
    expect(await disabledOptions('Highest score')).toEqual([]);

    await page.getByLabel('Lowest score', { exact: true }).selectOption('5');
    await expect.poll(() => disabledOptions('Highest score')).toEqual(['0', '1', '2', '3', '4']);
    await page.getByLabel('Highest score', { exact: true }).selectOption('8');
    await expect.poll(() => disabledOptions('Lowest score')).toEqual(['9', '10']);
    await expect.poll(() => page.locator('ul.responses li').count()).toBe(1);

    await page.getByLabel('From', { exact: true }).fill('2026-03-10');
    await expect.poll(() => page.getByLabel('To', { exact: true }).getAttribute('min')).toBe('2026-03-10');
    await page.getByLabel('To', { exact: true }).fill('2026-03-20');
    await expect.poll(() => page.getByLabel('From', { exact: true }).getAttribute('max')).toBe('2026-03-20');
  });

  it('explains a link whose range ends before it starts', async () => {
    await page.goto(`${server.url}/inbox/?reload=1#/inbox?queue=all&minScore=8&maxScore=3`);
    const alert = page.getByRole('alert');
    await expect.poll(() => alert.textContent()).toContain('must be at most maxScore');
  });
});
