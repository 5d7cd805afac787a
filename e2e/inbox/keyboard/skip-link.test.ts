/**
 * "Skip to main content" in real Chromium: on every signed-in page it is the first Tab stop, out
 * of sight until focused, and Enter moves the focus to the main region so the next Tab is the
 * page's own first control (on the inbox, the Open queue instead of a dozen header links later).
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasChromium, launchBrowser } from '../../browser.ts';
import { type StartedServer, startServer } from '../../harness.ts';
import { answer, signIn } from '../session.ts';

describe.runIf(hasChromium)('skip to main content', () => {
  let server: StartedServer;
  let browser: Browser;
  let page: Page;
  const paths: string[] = [];

  beforeAll(async () => {
    server = await startServer({ staff: ['admin'] });
    const [responseId] = await answer(server, [{ surveyId: server.surveys.nps, score: 3, comment: 'Slow' }]);
    paths.push(
      '/inbox',
      `/responses/${responseId}`,
      '/insights',
      '/admin/surveys',
      '/admin/install',
      '/admin/rules',
      '/admin/users',
      '/admin/keys',
    );
    browser = await launchBrowser();
    page = await (await browser.newContext()).newPage();
    await signIn(page, server.url, server.staff[0]!.email);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  const focused = () =>
    page.evaluate(() => {
      const element = document.activeElement;
      return {
        tag: element?.tagName.toLowerCase(),
        text: element?.textContent?.trim().slice(0, 40),
        inMain: !!element?.closest('main'),
      };
    });
  /** Whether the skip link is on the screen. */
  const skipLinkShown = () =>
    page.locator('a.skip-link').evaluate((element) => {
      const box = element.getBoundingClientRect();
      return box.bottom > 0 && box.right > 0 && box.width > 1 && box.height > 1;
    });

  it('is the first Tab stop on every page, hidden until focused, and Enter moves to the main region', async () => {
    let load = 0;
    for (const path of paths) {
      await page.goto(`${server.url}/inbox/?load=${++load}#${path}`);
      await page.getByRole('navigation', { name: 'Main' }).waitFor();
      await page.waitForFunction(() => !document.querySelector('[aria-busy="true"]'));
      expect({ path, shown: await skipLinkShown() }).toEqual({ path, shown: false });

      await page.keyboard.press('Tab');
      expect({ path, focused: await focused() }).toEqual({
        path,
        focused: { tag: 'a', text: 'Skip to main content', inMain: false },
      });
      expect({ path, shown: await skipLinkShown() }).toEqual({ path, shown: true });

      await page.keyboard.press('Enter');
      await expect.poll(() => page.evaluate(() => document.activeElement?.tagName)).toBe('MAIN');
      expect(new URL(page.url()).hash).toBe(`#${path}`);
      expect({ path, shown: await skipLinkShown() }).toEqual({ path, shown: false });

      await page.keyboard.press('Tab');
      expect({ path, inMain: (await focused()).inMain }).toEqual({ path, inMain: true });
    }
  });

  it('takes the inbox from the top to its first queue in three key presses', async () => {
    await page.goto(`${server.url}/inbox/?load=start#/inbox`);
    await page.locator('ul.responses li').first().waitFor();
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await page.keyboard.press('Tab');
    expect(
      await page.evaluate(() => document.activeElement?.closest('[data-queue]')?.getAttribute('data-queue')),
    ).toBe('open');
    // The inbox's Enter shortcut left the list alone: the skip link is not a response.
    expect(new URL(page.url()).hash).toBe('#/inbox');
  });
});
