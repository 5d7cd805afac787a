/**
 * The survey UI is a separate file, loaded only when a survey is about to show: a page view with no
 * survey due fetches the core and the config, nothing else. When a survey becomes due, the UI comes
 * brotli-compressed and cached for good (its name carries a content hash). When it cannot be loaded,
 * the survey is not shown and not recorded as shown, nothing reaches the page, and the next page
 * view shows it.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { hasChromium } from '../../browser.ts';
import { plainPage, useScenario, watch, widget } from '../support.ts';

/** Every request the page makes, by path. */
const requests = (page: Page) => {
  const paths: string[] = [];
  page.on('request', (request) => paths.push(new URL(request.url()).pathname));
  return paths;
};
const isUi = (path: string) => /^\/widget-ui\.[0-9a-f]{10}\.js$/.test(path);
const closeloopReady = (page: Page) =>
  page.waitForFunction(() => (window as unknown as { closeloop?: { loaded?: boolean } }).closeloop?.loaded);

describe.skipIf(!hasChromium)('survey UI loaded only when a survey shows', () => {
  // nothing due on a page view: NPS only on /pricing; CSAT and CES wait for their events
  const scenario = useScenario(plainPage, {
    surveys: { nps: { targeting: { urlInclude: ['/pricing'], delaySeconds: 0 } } },
  });

  const shownEvents = () =>
    scenario.server.query("select id from events where project_id = $1 and type = 'shown'", [
      scenario.server.projectId,
    ]);

  it('fetches only the core and the config while no survey is due, then the UI when one is', async () => {
    const { browser, fixture } = scenario;
    const page = await browser.newPage();
    const watched = watch(page);
    const paths = requests(page);
    const config = page.waitForResponse((response) => response.url().includes('/v1/widget/config'));
    await page.goto(fixture.url);
    await config;
    await closeloopReady(page);
    await page.waitForTimeout(500);
    expect(paths.filter((path) => path !== '/')).toEqual(['/widget.js', '/v1/widget/config']);
    expect(await widget(page).host.count()).toBe(0);

    const ui = page.waitForResponse((response) => isUi(new URL(response.url()).pathname));
    await page.evaluate(() =>
      (window as unknown as { closeloop(...args: unknown[]): void }).closeloop('track', 'checkout-completed'),
    );
    const response = await ui;
    expect(response.headers()['content-encoding']).toBe('br');
    expect(response.headers()['cache-control']).toBe('public, max-age=31536000, immutable');
    await widget(page).radio('Satisfied').waitFor();
    expect(paths.filter(isUi)).toHaveLength(1);
    // the UI's script element is gone once it ran: the page's DOM has only the widget's host
    expect(await page.locator('script[src*="widget-ui"]').count()).toBe(0);
    expect(watched.pageErrors).toEqual([]);
    expect(watched.consoleErrors).toEqual([]);
  });

  it('shows nothing and records nothing when the UI cannot load, and shows it on the next page view', async () => {
    const { browser, fixture } = scenario;
    // the previous scenario's page may still be sending its own "shown": count once it has settled
    let before = -1;
    await expect
      .poll(
        async () => {
          const now = (await shownEvents()).length;
          const settled = now === before;
          before = now;
          return settled;
        },
        { interval: 300 },
      )
      .toBe(true);
    const context = await browser.newContext();
    const page = await context.newPage();
    const watched = watch(page);
    let refused = 0;
    await page.route(/\/widget-ui\./, (route) => {
      refused += 1;
      return route.abort('connectionfailed');
    });
    await page.goto(fixture.url);
    await page.evaluate(() => history.pushState(null, '', '/pricing'));
    await expect.poll(() => refused).toBe(1);
    await page.waitForTimeout(500);
    expect(await widget(page).host.count()).toBe(0);
    expect(watched.pageErrors).toEqual([]);
    expect(watched.warnings.filter((text) => text.startsWith('[closeloop]'))).toHaveLength(1);
    // the widget still works: the outbox sends nothing about a survey that was never on screen
    expect((await shownEvents()).length).toBe(before);
    const visitor = await page.evaluate(
      (key) => localStorage.getItem(`closeloop:${key}:visitor`) ?? '',
      scenario.server.publicKey,
    );
    expect(visitor).not.toContain(scenario.server.surveys.nps);

    // the next page view (same browser profile) loads the UI and shows the survey
    await page.unroute(/\/widget-ui\./);
    await page.goto(fixture.url);
    await page.evaluate(() => history.pushState(null, '', '/pricing'));
    await widget(page).radio('7').waitFor();
    await expect.poll(async () => (await shownEvents()).length).toBe(before + 1);
    expect(watched.pageErrors).toEqual([]);
    await context.close();
  });
});
