/**
 * Every inbox page in real Chromium passes axe-core (a selected row, score badges of every band,
 * the survey editor's locale tabs, the admin tables) and fits a 320 px wide phone without the
 * page scrolling sideways: long page URLs and comments wrap, wide tables scroll inside themselves.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasChromium, launchBrowser } from '../../browser.ts';
import { type StartedServer, startServer } from '../../harness.ts';
import { answer, axeViolations, signIn } from '../session.ts';

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
    await server.query('update responses set url = $1 where id = $2', [longUrl, responseId]);
    paths.push(
      '/inbox',
      '/inbox?queue=all',
      `/responses/${responseId}`,
      '/insights',
      '/admin/surveys',
      `/admin/surveys/${server.surveys.nps}`,
      '/admin/surveys/new',
      '/admin/install',
      '/admin/rules',
      '/admin/users',
      '/admin/keys',
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

  it('every page passes axe-core', async () => {
    const context = await browser.newContext({ bypassCSP: true });
    const page = await context.newPage();
    await signIn(page, server.url, server.staff[0]!.email);
    for (const path of paths) {
      await visit(page, path);
      expect({ path, violations: await axeViolations(page) }).toEqual({ path, violations: [] });
    }
    await context.close();
  });

  it('no page scrolls sideways on a 320 px wide screen', async () => {
    const context = await browser.newContext({ viewport: { width: 320, height: 640 } });
    const page = await context.newPage();
    await signIn(page, server.url, server.staff[0]!.email);
    for (const path of paths) {
      await visit(page, path);
      const width = await page.evaluate(() => document.documentElement.scrollWidth);
      expect({ path, width }).toEqual({ path, width: 320 });
    }
    await context.close();
  });
});
