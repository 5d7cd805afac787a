/**
 * Every inbox page in real Chromium passes axe-core (a selected row, score badges of every band,
 * the survey editor's locale tabs, the admin tables) and fits a 320 px wide phone without the
 * page scrolling sideways or controls cut off: long page URLs, comments and survey names wrap or
 * shrink, wide tables scroll inside themselves.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasChromium, launchBrowser } from '../../browser.ts';
import { type StartedServer, startServer } from '../../harness.ts';
import { answer, axeViolations, manage, signIn } from '../session.ts';

describe.runIf(hasChromium)('inbox pages: axe-core and a 320 px screen', () => {
  let server: StartedServer;
  let browser: Browser;
  let responseId: string;
  const paths: string[] = [];

  beforeAll(async () => {
    server = await startServer({ staff: ['admin'] });
    const longUrl = `https://shop.example/${'very-long-path-segment/'.repeat(6)}checkout?campaign=${'x'.repeat(60)}`;
    const respondent = {
      externalId: 'customer-with-history',
      email: 'a.customer.with.a.rather.long.address@customer-domain.example',
      traits: { plan: 'enterprise-annual-with-a-long-plan-name' },
    };
    const ids = await answer(server, [
      { surveyId: server.surveys.nps, score: 10, comment: 'Love it', respondent },
      { surveyId: server.surveys.nps, score: 7, comment: 'Fine', respondent },
      { surveyId: server.surveys.csat, score: 5, respondent },
      {
        surveyId: server.surveys.nps,
        score: 2,
        comment: `Checkout broke: ${'averyveryverylongwordwithoutanyspaces'.repeat(3)}`,
        respondent,
      },
    ]);
    responseId = ids.at(-1)!;
    // A long survey name widens the survey filter.
    await manage(server, 'POST', '/v1/surveys', {
      name: 'Satisfaction after the second checkout of the quarter, by plan',
      kind: 'csat',
      texts: { en: { question: 'How was it?' } },
    });
    await server.query('update responses set url = $1 where id = $2', [longUrl, responseId]);
    const webhook = await manage<{ id: string }>(server, 'POST', '/v1/webhooks', {
      url: 'https://hooks.shop.example/closeloop',
      events: ['response.created', 'followup.opened'],
      description: 'CRM sync',
    });
    await manage(server, 'POST', `/v1/webhooks/${webhook.id}/test`);
    paths.push(
      '/overview',
      '/inbox',
      '/inbox?queue=all',
      '/quarantine',
      `/responses/${responseId}`,
      '/insights',
      '/admin',
      '/admin/surveys',
      `/admin/surveys/${server.surveys.nps}`,
      '/admin/surveys/new',
      '/admin/install',
      '/admin/rules',
      '/admin/users',
      '/admin/keys',
      '/webhooks',
      `/webhooks/${webhook.id}`,
      '/notifications',
      '/admin/privacy',
      '/admin/audit',
    );
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  const visit = async (page: Page, path: string) => {
    await page.goto(`${server.url}/inbox/#${path}`);
    await page.getByRole('navigation', { name: 'Main' }).waitFor();
    await page.waitForFunction(() => !document.querySelector('[aria-busy="true"]'));
    await page.waitForLoadState('networkidle');
  };

  it.each([1280, 375])('every page passes axe-core at %i px', async (width) => {
    const context = await browser.newContext({ bypassCSP: true, viewport: { width, height: 800 } });
    const page = await context.newPage();
    await signIn(page, server.url, server.staff[0]!.email);
    for (const path of paths) {
      await visit(page, path);
      expect({ path, violations: await axeViolations(page) }).toEqual({ path, violations: [] });
    }
    await context.close();
  });

  it('no page scrolls sideways on a 320 px wide screen, and every control is on it', async () => {
    const context = await browser.newContext({ viewport: { width: 320, height: 640 } });
    const page = await context.newPage();
    await signIn(page, server.url, server.staff[0]!.email);
    // The main navigation sits in rows under the brand and Sign out, not one link per line down
    // the screen: the page starts on the first screen.
    const header = await page.locator('header.topbar').boundingBox();
    expect(header!.height).toBeLessThan(130);
    for (const path of paths) {
      await visit(page, path);
      const width = await page.evaluate(() => document.documentElement.scrollWidth);
      expect({ path, width }).toEqual({ path, width: 320 });
      // Every control is on the screen (the queue strip scrolls sideways on its own).
      const offScreen = await page.evaluate(() =>
        Array.from(document.querySelectorAll('input, select, textarea, button, nav a'))
          .filter((element) => !element.closest('.table, .insights-panel'))
          .filter((element) => element.getBoundingClientRect().right > window.innerWidth)
          .map((element) => element.getAttribute('aria-label') ?? element.textContent),
      );
      expect({ path, offScreen }).toEqual({ path, offScreen: [] });
    }
    await context.close();
  });
});
