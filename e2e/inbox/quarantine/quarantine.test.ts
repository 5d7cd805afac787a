/**
 * The Quarantine queue in real Chromium, at 1280 and 375 px: responses over the budget are listed
 * with their identity marked ("unverified" for a claimed one), an agent accepts one (it counts from
 * then on) and rejects another (deleted) after confirming, and nothing happens when the agent says
 * no. The inbox queue marks an unverified customer in its row too.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasChromium, launchBrowser } from '../../browser.ts';
import { type StartedServer, startServer } from '../../harness.ts';
import { answer, axeViolations, signIn } from '../session.ts';

describe.runIf(hasChromium)('quarantine queue', () => {
  let server: StartedServer;
  let browser: Browser;
  let page: Page;
  let counted: string;
  let claimed: string;
  let stuffed: string[];

  const quarantinedIds = async () =>
    (await server.query<{ id: string }>('select id from responses where quarantined order by id', [])).map(
      (row) => row.id,
    );

  beforeAll(async () => {
    // One response per survey and address an hour counts; the rest wait in quarantine.
    server = await startServer({ staff: ['agent'], config: { ingestSurveyBudget: 1 } });
    browser = await launchBrowser();
    const ids = await answer(server, [
      {
        surveyId: server.surveys.nps,
        score: 2,
        comment: 'Checkout broke',
        respondent: { externalId: 'cust-1', email: 'claimed@customer.example' },
      },
      {
        surveyId: server.surveys.nps,
        score: 0,
        comment: 'Stuffed one',
        respondent: { email: 'someone-else@customer.example' },
      },
      { surveyId: server.surveys.nps, score: 0, comment: 'Stuffed two' },
      { surveyId: server.surveys.nps, score: 0, comment: 'Stuffed three' },
    ]);
    [counted, claimed] = [ids[0]!, ids[1]!];
    stuffed = ids.slice(1);
    page = await (
      await browser.newContext({ bypassCSP: true, viewport: { width: 1280, height: 900 } })
    ).newPage();
    await signIn(page, server.url, server.staff[0]!.email);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  const rowOf = (text: string) =>
    page.getByRole('table', { name: 'Quarantined responses' }).getByRole('row').filter({ hasText: text });

  it('lists what is over the budget, marks claimed identities, and has no axe violations', async () => {
    expect((await quarantinedIds()).sort()).toEqual([...stuffed].sort());
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Quarantine' }).click();
    await rowOf('Stuffed three').waitFor();
    expect(await page.getByRole('table', { name: 'Quarantined responses' }).getByRole('row').count()).toBe(4);
    expect(await rowOf('Stuffed one').locator('.badge.unverified').textContent()).toBe('unverified');
    expect(await rowOf('Stuffed two').locator('.badge').count()).toBe(0);
    await page.screenshot({ path: '/tmp/quarantine-1280.png', fullPage: true });
    expect(await axeViolations(page)).toEqual([]);
  });

  it('accepts and rejects only after the agent confirms', async () => {
    // Saying no changes nothing.
    page.once('dialog', (dialog) => void dialog.dismiss());
    await rowOf('Stuffed two')
      .getByRole('button', { name: /^Reject/ })
      .click();
    expect((await quarantinedIds()).length).toBe(3);

    page.once('dialog', (dialog) => {
      expect(dialog.message()).toContain('deleted for good');
      void dialog.accept();
    });
    await rowOf('Stuffed two')
      .getByRole('button', { name: /^Reject/ })
      .click();
    await page.getByRole('status').filter({ hasText: '1 response rejected.' }).waitFor();
    await rowOf('Stuffed two').waitFor({ state: 'detached' });
    expect(await server.query('select id from responses where id = $1', [stuffed[1]])).toEqual([]);

    page.once('dialog', (dialog) => void dialog.accept());
    await rowOf('Stuffed one')
      .getByRole('button', { name: /^Accept/ })
      .click();
    await page.getByRole('status').filter({ hasText: '1 response accepted.' }).waitFor();
    await rowOf('Stuffed one').waitFor({ state: 'detached' });
    expect(await quarantinedIds()).toEqual([stuffed[2]]);
    expect(await server.query('select id from responses where id = $1', [claimed])).toHaveLength(1);
  });

  it('fits a 375 px phone, and the inbox queue marks an unverified customer in its row', async () => {
    await page.setViewportSize({ width: 375, height: 800 });
    await page.reload();
    await rowOf('Stuffed three').waitFor();
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
    await page.screenshot({ path: '/tmp/quarantine-375.png', fullPage: true });

    await page.goto(`${server.url}/inbox/#/inbox`);
    const row = page.locator(`li[data-response-id="${counted}"]`);
    await row.waitFor();
    expect(await row.locator('.badge.unverified').textContent()).toBe('unverified');
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.screenshot({ path: '/tmp/queue-unverified-1280.png' });
  });
});
