/**
 * Privacy in the inbox: an admin downloads a customer's data and erases them from a response (after
 * a confirmation naming what goes); agents see neither button; the retention setting says what it
 * will remove and is saved; the audit log lists sign-ins, the retention change and the erasure,
 * filters them and pages to older entries. Screenshots at 1280 and 375 px.
 */
import { readFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasChromium, launchBrowser } from '../../browser.ts';
import { type StartedServer, startServer } from '../../harness.ts';
import { answer, signIn } from '../session.ts';

const shots = process.env.SCREENSHOT_DIR;

describe.runIf(hasChromium)('privacy in the inbox', () => {
  let server: StartedServer;
  let browser: Browser;
  let ids: string[];
  const respondent = {
    externalId: 'privacy-customer',
    email: 'erase.me@customer.example',
    traits: { plan: 'pro' },
  };

  beforeAll(async () => {
    server = await startServer({ staff: ['admin', 'agent'] });
    ids = await answer(server, [
      { surveyId: server.surveys.nps, score: 3, comment: 'Please forget me', respondent },
      { surveyId: server.surveys.csat, score: 4, respondent },
      { surveyId: server.surveys.nps, score: 9, comment: 'Someone else' },
    ]);
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  const open = async (page: Page, path: string) => {
    await page.goto(`${server.url}/inbox/#${path}`);
    await page.getByRole('navigation', { name: 'Main' }).waitFor();
    await page.waitForFunction(() => !document.querySelector('[aria-busy="true"]'));
  };
  const shoot = async (page: Page, name: string) => {
    if (shots) await page.screenshot({ path: `${shots}/${name}.png`, fullPage: true });
  };

  it('agents see no privacy actions on a response', async () => {
    const page = await browser.newPage();
    await signIn(page, server.url, server.staff[1]!.email);
    await open(page, `/responses/${ids[0]}`);
    await page.getByRole('heading', { name: 'Customer' }).first().waitFor();
    expect(await page.getByRole('button', { name: 'Erase respondent' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Download data' }).count()).toBe(0);
    await page.close();
  });

  for (const width of [1280, 375]) {
    it(`retention and audit log pages at ${width} px`, async () => {
      const page = await browser.newPage({ viewport: { width, height: 900 } });
      await signIn(page, server.url, server.staff[0]!.email);
      await open(page, '/admin/privacy');
      const days = page.getByLabel('Remove who answered after (days)');
      const wanted = width === 1280 ? 400 : 500;
      await days.fill(String(wanted));
      await expect
        .poll(() => page.locator('.retention-effect').textContent())
        .toContain('lose their comment');
      await shoot(page, `privacy-${width}`);
      await page.getByRole('button', { name: 'Save retention' }).click();
      const stored = async () =>
        (
          await server.query<{ retention_days: number }>(
            'select retention_days from projects where id = $1',
            [server.projectId],
          )
        )[0]!.retention_days;
      await expect.poll(stored).toBe(wanted);
      await page.getByText('Saved.').waitFor();
      // a period under 7 days is refused by the form itself and changes nothing
      await days.fill('3');
      await page.getByRole('button', { name: 'Save retention' }).click();
      expect(await days.evaluate((input) => (input as HTMLInputElement).validity.rangeUnderflow)).toBe(true);
      expect(await stored()).toBe(wanted);

      await page.getByRole('link', { name: 'Audit log' }).click();
      await page.getByRole('table', { name: 'Audit log' }).waitFor();
      const actions = await page
        .locator('table[aria-label="Audit log"] td[data-label="Action"] code')
        .allTextContents();
      expect(actions).toContain('project.updated');
      expect(actions).toContain('auth.signed_in');
      await page.getByLabel('Action').selectOption('auth.');
      await expect
        .poll(
          async () =>
            new Set(
              await page
                .locator('table[aria-label="Audit log"] td[data-label="Action"] code')
                .allTextContents(),
            ),
        )
        .toEqual(new Set(['auth.signed_in']));
      expect(page.url()).toContain('action=auth.');
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth);
      expect(overflow).toBe(false);
      await shoot(page, `audit-${width}`);
      await page.close();
    });
  }

  it('pages the audit log to older entries', async () => {
    // 60 entries: more than one page of 50
    const values = Array.from({ length: 60 }, (_, index) => index);
    for (const index of values)
      await server.query(
        `insert into audit_log (project_id, id, at, actor_kind, actor_id, actor_name, action, detail)
         values ($1, gen_random_uuid(), now() - ($2 || ' minutes')::interval, 'system', null, 'Closeloop', 'retention.applied', '{}')`,
        [server.projectId, String(index + 10)],
      );
    const page = await browser.newPage();
    await signIn(page, server.url, server.staff[0]!.email);
    await open(page, '/admin/audit?action=retention.');
    const rows = page.locator('table[aria-label="Audit log"] tbody tr');
    await expect.poll(() => rows.count()).toBe(50);
    await page.getByRole('button', { name: 'Older entries' }).click();
    await expect.poll(() => rows.count()).toBe(60);
    expect(await page.getByRole('button', { name: 'Older entries' }).count()).toBe(0);
    await page.close();
  });

  it('an admin downloads the customer data, then erases the customer after confirming', async () => {
    const context = await browser.newContext({
      acceptDownloads: true,
      viewport: { width: 1280, height: 900 },
    });
    const page = await context.newPage();
    await signIn(page, server.url, server.staff[0]!.email);
    await open(page, `/responses/${ids[0]}`);
    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Download data' }).click();
    const file = await download;
    expect(file.suggestedFilename()).toBe('respondent-privacy-customer.json');
    const data = JSON.parse(readFileSync((await file.path())!, 'utf8'));
    expect(data.responses.map((response: { id: string }) => response.id).sort()).toEqual(
      [ids[0], ids[1]].sort(),
    );
    await shoot(page, 'response-privacy-1280');

    let question = '';
    page.once('dialog', (dialog) => {
      question = dialog.message();
      void dialog.dismiss();
    });
    await page.getByRole('button', { name: 'Erase respondent' }).click();
    await expect.poll(() => question).toContain('Erase erase.me@customer.example?');
    expect(question).toContain('every response they gave');
    expect(
      (await server.query('select id from responses where project_id = $1', [server.projectId])).length,
    ).toBe(3);

    page.once('dialog', (dialog) => void dialog.accept());
    await page.getByRole('button', { name: 'Erase respondent' }).click();
    await page.waitForURL(/#\/inbox/);
    const left = await server.query<{ id: string }>('select id from responses where project_id = $1', [
      server.projectId,
    ]);
    expect(left.map((row) => row.id)).toEqual([ids[2]]);
    await open(page, '/admin/audit?action=respondent.');
    await expect
      .poll(() =>
        page.locator('table[aria-label="Audit log"] td[data-label="Action"] code').allTextContents(),
      )
      .toEqual(['respondent.erased', 'respondent.exported']);
    await context.close();
  });
});
