/**
 * Links that are cut short or mistyped, in real Chromium: a response link without a whole id says
 * there is no such response (with no pointless "Try again"), an unknown queue shows Open.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasChromium, launchBrowser } from '../../browser.ts';
import { type StartedServer, startServer } from '../../harness.ts';
import { answer, signIn } from '../session.ts';

describe.runIf(hasChromium)('cut-short and mistyped links', () => {
  let server: StartedServer;
  let browser: Browser;
  let page: Page;
  let id: string;

  beforeAll(async () => {
    server = await startServer({ staff: ['agent'] });
    [id] = (await answer(server, [{ surveyId: server.surveys.nps, score: 2, comment: 'Too slow' }])) as [
      string,
    ];
    browser = await launchBrowser();
    page = await (await browser.newContext()).newPage();
    await signIn(page, server.url, server.staff[0]!.email);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('a response link cut short says there is no such response', async () => {
    await page.goto(`${server.url}/inbox/#/responses/${id.slice(0, 20)}`);
    await page.getByRole('heading', { name: 'No such response' }).waitFor();
    expect(await page.getByRole('alert').textContent()).toBe(
      'This link does not point to a response; it may have been cut short.',
    );
    expect(await page.getByRole('button', { name: 'Try again' }).count()).toBe(0);
    // The whole link still works.
    await page.goto(`${server.url}/inbox/#/responses/${id}`);
    await page.getByTestId('comment').filter({ hasText: 'Too slow' }).waitFor();
  });

  it('an unknown queue shows Open with its responses', async () => {
    await page.goto(`${server.url}/inbox/#/inbox?queue=opne`);
    await page.locator(`[data-response-id="${id}"]`).waitFor();
    expect(await page.locator('[data-queue="open"]').getAttribute('aria-current')).toBe('page');
    expect(await page.getByRole('alert').count()).toBe(0);
  });
});
