/**
 * A wrong key or an unreachable API: the page shows nothing of the widget, throws nothing, and gets
 * at most one console warning.
 */
import { describe, expect, it } from 'vitest';
import { hasChromium } from '../../browser.ts';
import { fixtureValues, plainPage, serveFixture, useScenario, watch, widget } from '../support.ts';

describe.skipIf(!hasChromium)('broken API', () => {
  const scenario = useScenario(plainPage, {}, (server) => ({
    ...fixtureValues(server),
    '%KEY%': 'pk_wrong',
  }));

  it('shows nothing for a wrong key', async () => {
    const page = await scenario.browser.newPage();
    const watched = watch(page);
    await page.goto(scenario.fixture.url);
    await expect.poll(() => watched.warnings.length).toBe(1);
    await page.waitForTimeout(500);
    expect(await widget(page).host.count()).toBe(0);
    expect(watched.warnings[0]).toContain('[closeloop]');
    expect(watched.pageErrors).toEqual([]);
    expect(watched.consoleErrors.filter((message) => !message.includes('401'))).toEqual([]);
  });

  it('shows nothing when the API is unreachable', async () => {
    // a page whose script loads but whose API (data-api) refuses connections
    const { server } = scenario;
    const fixture = await serveFixture(plainPage, {
      '%API%': server.url,
      'data-key="%KEY%"': `data-key="${server.publicKey}" data-api="http://127.0.0.1:9/"`,
    });
    try {
      const page = await scenario.browser.newPage();
      const watched = watch(page);
      await page.goto(fixture.url);
      await expect.poll(() => watched.warnings.length).toBe(1);
      await page.waitForTimeout(500);
      expect(await widget(page).host.count()).toBe(0);
      expect(watched.pageErrors).toEqual([]);
      expect(await page.evaluate(() => typeof (window as { closeloop?: unknown }).closeloop)).toBe(
        'function',
      );
    } finally {
      await fixture.close();
    }
  });
});
