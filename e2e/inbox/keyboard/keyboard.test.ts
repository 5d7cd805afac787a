/**
 * Inbox keyboard shortcuts in real Chromium: Enter on a focused link or button activates that
 * element (not the selected response); while the help dialog is open j/k/a/r do nothing; keys
 * pressed faster than the page re-renders (j then a) act on the row that is highlighted; another
 * queue starts at its first row, and going back to a list selects its row again.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasChromium, launchBrowser } from '../../browser.ts';
import { type StartedServer, startServer } from '../../harness.ts';
import { answer, signIn } from '../session.ts';

describe.runIf(hasChromium)('inbox keyboard shortcuts', () => {
  let server: StartedServer;
  let browser: Browser;
  let page: Page;
  /** Response ids in the order the Open queue lists them. */
  let rows: string[];

  const followUps = () =>
    server.query<{ id: string; assignee_id: string | null; follow_up_status: string }>(
      'select id, assignee_id, follow_up_status from responses where project_id = $1',
      [server.projectId],
    );
  const selectedRow = () =>
    page.locator('ul.responses li[aria-current="true"]').getAttribute('data-response-id');
  let loads = 0;
  /** A fresh load of the Open queue (first row selected). */
  const openQueue = async () => {
    await page.goto(`${server.url}/inbox/?load=${++loads}#/inbox?queue=open`);
    await page.locator('ul.responses li').nth(2).waitFor();
  };

  beforeAll(async () => {
    server = await startServer({ staff: ['agent'] });
    browser = await launchBrowser();
    await answer(server, [
      { surveyId: server.surveys.nps, score: 1, comment: 'one' },
      { surveyId: server.surveys.nps, score: 2, comment: 'two' },
      { surveyId: server.surveys.nps, score: 3, comment: 'three' },
    ]);
    page = await (await browser.newContext()).newPage();
    await signIn(page, server.url, server.staff[0]!.email);
    await openQueue();
    rows = await page
      .locator('ul.responses li')
      .evaluateAll((items) => items.map((item) => item.getAttribute('data-response-id')!));
    expect(rows).toHaveLength(3);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('Enter on a focused row link, queue tab or button activates it, not the selected response', async () => {
    expect(await selectedRow()).toBe(rows[0]);

    // The third row's own link: its response opens, not the selected first one.
    await page.locator(`[data-response-id="${rows[2]}"] a`).focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => page.url()).toContain(`#/responses/${rows[2]}`);

    // A queue tab.
    await openQueue();
    await page.locator('[data-queue="resolved"]').focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => page.url()).toContain('queue=resolved');
    expect(page.url()).not.toContain('#/responses/');

    // The help button opens the help.
    await openQueue();
    await page.getByRole('button', { name: 'Keyboard shortcuts (?)' }).focus();
    await page.keyboard.press('Enter');
    await page.getByRole('dialog', { name: 'Keyboard shortcuts' }).waitFor();
    expect(page.url()).toContain('#/inbox');
    await page.keyboard.press('Escape');
    await expect.poll(() => page.getByRole('dialog').count()).toBe(0);
  });

  it('while the help dialog is open, j, k, a and r do nothing', async () => {
    await openQueue();
    await page.keyboard.press('?');
    const dialog = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
    await dialog.waitFor();
    // Focus is in the dialog.
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Close');
    for (const key of ['j', 'j', 'a', 'r', 'k']) await page.keyboard.press(key);
    // Anything a key did would have been sent at once; give it time to arrive.
    await page.waitForTimeout(500);
    expect(await selectedRow()).toBe(rows[0]);
    expect((await followUps()).filter((row) => row.assignee_id || row.follow_up_status !== 'open')).toEqual(
      [],
    );
    await page.keyboard.press('?');
    await expect.poll(() => dialog.count()).toBe(0);

    // With the dialog closed the shortcuts work again.
    await page.keyboard.press('j');
    await expect.poll(selectedRow).toBe(rows[1]);
  });

  it('j then a, faster than a render, assigns the row that is highlighted', async () => {
    await openQueue();
    expect(await selectedRow()).toBe(rows[0]);
    // Both keys in one task: the page cannot re-render between them.
    await page.evaluate(() => {
      for (const key of ['j', 'j', 'a']) {
        document.body.dispatchEvent(new KeyboardEvent('keydown', { key, bubbles: true, cancelable: true }));
      }
    });
    const assigned = async () =>
      (await followUps()).filter((row) => row.assignee_id === server.staff[0]!.id).map((row) => row.id);
    await expect.poll(assigned).toEqual([rows[2]]);
    await expect.poll(selectedRow).toBe(rows[2]);
  });

  it('another queue starts at its first row; back in a list, its selected response is selected again', async () => {
    await openQueue();
    await page.keyboard.press('j');
    await page.keyboard.press('j');
    await expect.poll(selectedRow).toBe(rows[2]);

    // Row 3 of Open is not row 3 of All: All starts at its top.
    await page.locator('[data-queue="all"]').click();
    await expect.poll(() => page.url()).toContain('queue=all');
    await page.locator('ul.responses li').nth(2).waitFor();
    const firstOfAll = await page.locator('ul.responses li').first().getAttribute('data-response-id');
    await expect.poll(selectedRow).toBe(firstOfAll);

    // The back button returns to Open with its row selected, and so does coming back from a response.
    await page.goBack();
    await expect.poll(() => page.url()).toContain('queue=open');
    await page.locator('ul.responses li').nth(2).waitFor();
    await expect.poll(selectedRow).toBe(rows[2]);
    await page.keyboard.press('k');
    await expect.poll(selectedRow).toBe(rows[1]);
    // Enter on the focused queue link would follow that link: the focus leaves it first.
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    await page.keyboard.press('Enter');
    await expect.poll(() => page.url()).toContain(`#/responses/${rows[1]}`);
    await page.goBack();
    await page.locator('ul.responses li').nth(2).waitFor();
    await expect.poll(selectedRow).toBe(rows[1]);
  });

  it('Enter on a row opens its response: the tab title says so and Tab goes on from the page, not the top bar', async () => {
    await openQueue();
    expect(await page.title()).toBe('Inbox · Browser test · Closeloop');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.url()).toContain(`#/responses/${rows[0]}`);
    await expect.poll(() => page.title()).toBe('Response · Browser test · Closeloop');
    // Once the page is on screen (while it loads, the focus waits on the main region, which has
    // nothing to Tab to yet), the focus is in it.
    await page.getByText('← Back to the inbox').waitFor();
    await expect.poll(() => page.evaluate(() => !!document.activeElement?.closest('main'))).toBe(true);
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('← Back to the inbox');
  });

  it('Enter on the Sign out button signs out', async () => {
    await openQueue();
    await page.getByRole('button', { name: 'Sign out' }).focus();
    await page.keyboard.press('Enter');
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    expect(page.url()).not.toContain('#/responses/');
  });
});
