/**
 * The ES module build in a single-page app: `identify` before `init` is kept, client-side route
 * changes re-evaluate the URL rules, and `track` shows an event-targeted survey.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasChromium, launchBrowser } from '../../browser.ts';
import { type StartedServer, startServer } from '../../harness.ts';
import {
  ensureWidgetBuilt,
  type Fixture,
  fixtureValues,
  serveFixture,
  waitForResponses,
  watch,
  widget,
  widgetModuleFiles,
} from '../support.ts';

describe.skipIf(!hasChromium)('single-page app with the ES module', () => {
  let server: StartedServer;
  let browser: Browser;
  let fixture: Fixture;

  beforeAll(async () => {
    ensureWidgetBuilt();
    server = await startServer({
      surveys: { nps: { targeting: { urlInclude: ['/pricing'], delaySeconds: 0 } } },
    });
    browser = await launchBrowser();
    // served from the page's own origin (the import map points at it), with the survey UI it imports
    fixture = await serveFixture(import.meta.dirname, fixtureValues(server), {}, widgetModuleFiles());
  });
  afterAll(async () => {
    await browser?.close();
    await fixture?.close();
    await server?.close();
  });

  it('follows client-side routes and tracked events', async () => {
    const page = await browser.newPage();
    const watched = watch(page);
    await page.goto(fixture.url);
    const ui = widget(page);
    await page.waitForTimeout(500);
    expect(await ui.host.count()).toBe(0);

    await page.getByRole('link', { name: 'Pricing' }).click();
    await ui.radio('9').click();
    await ui.close.click();
    const [nps] = await waitForResponses(server, 1);
    expect(nps).toMatchObject({ survey_id: server.surveys.nps, score: 9, external_id: 'spa-user' });
    const [context] = await server.query<{ url: string }>('select url from responses where id = $1', [
      nps!.id,
    ]);
    expect(context!.url).toBe(`${fixture.url}pricing`);

    await page.getByRole('link', { name: 'Checkout' }).click();
    await ui.radio('Very satisfied').click();
    const rows = await waitForResponses(server, 2);
    expect(rows[1]).toMatchObject({ survey_id: server.surveys.csat, score: 5 });
    expect(watched.pageErrors).toEqual([]);
    expect(watched.consoleErrors).toEqual([]);
  });
});
