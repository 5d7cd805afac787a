/**
 * The triage queue in real Chromium, on a desktop (1280 px) and a phone (375 px): Open lists the
 * most overdue first; rows are dense on a desktop and never overlap on a phone; ticked responses
 * change together (assign, tag, status) and a resolve can be undone; `r` resolves, offers Undo and
 * selects the next response; a new follow-up appears without a reload; a saved view brings its
 * filters back; the filters apply as they change, dates labelled From and To; the queue tabs fit.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasChromium, launchBrowser } from '../../browser.ts';
import { type StartedServer, startServer } from '../../harness.ts';
import { answer, manage, signIn } from '../session.ts';

const day = 86_400_000;

describe.runIf(hasChromium).each([1280, 375])('the queue at %i px', (width) => {
  let server: StartedServer;
  let browser: Browser;
  let page: Page;
  let loads = 0;

  /** Responses of one scenario: low NPS scores (each opens a follow-up) with a word of its own. */
  const scenario = async (word: string, count: number) =>
    answer(
      server,
      Array.from({ length: count }, (_, index) => ({
        surveyId: server.surveys.nps,
        score: 2,
        comment: `${word} ${index}`,
      })),
    );
  /** The Open queue showing one scenario's responses, freshly loaded. */
  const openQueue = async (word: string, queue = 'open') => {
    await page.goto(`${server.url}/inbox/?load=${++loads}#/inbox?queue=${queue}&q=${word}`);
    await page.locator('ul.responses li').first().waitFor();
  };
  const listed = () =>
    page
      .locator('ul.responses li')
      .evaluateAll((items) => items.map((item) => item.getAttribute('data-response-id')));
  const followUp = async (id: string) => {
    const [row] = await server.query<{
      follow_up_status: string;
      assignee_id: string | null;
      tags: string[];
    }>('select follow_up_status, assignee_id, tags from responses where id = $1', [id]);
    return row!;
  };

  beforeAll(async () => {
    server = await startServer({ staff: ['agent', 'agent'] });
    browser = await launchBrowser();
    page = await (await browser.newContext({ viewport: { width, height: 800 } })).newPage();
    await signIn(page, server.url, server.staff[0]!.email);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('lists the most overdue first, then what is due soonest', async () => {
    const [soon, late, later] = await scenario('sorting', 3);
    const now = Date.now();
    await manage(server, 'PATCH', `/v1/responses/${soon}`, { dueAt: new Date(now + 2 * day).toISOString() });
    await manage(server, 'PATCH', `/v1/responses/${late}`, { dueAt: new Date(now - 1 * day).toISOString() });
    await manage(server, 'PATCH', `/v1/responses/${later}`, { dueAt: new Date(now - 3 * day).toISOString() });
    await openQueue('sorting');
    expect(await listed()).toEqual([later, late, soon]);
    const first = page.locator('ul.responses li').first();
    expect(await first.locator('.due').textContent()).toBe('3 days overdue');
    expect(await page.locator('ul.responses li').last().locator('.due').textContent()).toBe('Due in 2 days');
  });

  it('shows who, score, survey, comment, tags, owner and due in a row that fits', async () => {
    const [id] = await answer(server, [
      {
        surveyId: server.surveys.nps,
        score: 3,
        comment: 'dense row with a comment long enough to be cut short on a narrow phone screen',
        respondent: { externalId: 'c-1', email: 'rita@customer.example', traits: { name: 'Rita Customer' } },
      },
    ]);
    await manage(server, 'PATCH', `/v1/responses/${id}`, {
      tags: ['billing', 'refund'],
      assigneeId: server.staff[1]!.id,
    });
    await openQueue('dense');
    const row = page.locator(`[data-response-id="${id}"]`);
    expect(await row.locator('.who').textContent()).toMatch(/(^|\s)Rita Customer$/);
    expect(await row.locator('.score').textContent()).toBe('3');
    expect(await row.locator('.survey').textContent()).toBe('NPS');
    expect(await row.locator('.tag').allTextContents()).toEqual(['billing', 'refund']);
    expect(await row.locator('.assignee').textContent()).toBe(server.staff[1]!.name);
    expect(await row.locator('.due').textContent()).toMatch(/^Due in /);
    const box = (await row.boundingBox())!;
    if (width >= 1000) expect(box.height).toBeLessThanOrEqual(44);
    // No two cells of the row cover each other, and none leaves the screen.
    const boxes = await row
      .locator('.pick, .score, .who, .excerpt, .tags, .owner, .due')
      .evaluateAll((cells) => cells.map((cell) => cell.getBoundingClientRect().toJSON()));
    for (const [index, a] of boxes.entries()) {
      expect(a.right).toBeLessThanOrEqual(width);
      for (const b of boxes.slice(index + 1)) {
        const overlap =
          a.left < b.right - 1 && b.left < a.right - 1 && a.top < b.bottom - 1 && b.top < a.bottom - 1;
        expect(overlap).toBe(false);
      }
    }
  });

  it('assigns, tags and resolves ticked responses together, and undoes the resolve', async () => {
    const ids = await scenario('bulk', 3);
    await openQueue('bulk');
    await page.getByLabel('Select the response from Anonymous').nth(0).check();
    await page.getByLabel('Select the response from Anonymous').nth(2).check();
    const ticked = [(await listed())[0]!, (await listed())[2]!];
    const bar = page.getByRole('region', { name: 'Bulk actions' });
    expect(await bar.textContent()).toContain('2 selected');

    await bar.getByLabel('Assign selected').selectOption({ label: 'Me' });
    await expect.poll(async () => (await followUp(ticked[1]!)).assignee_id).toBe(server.staff[0]!.id);
    expect((await followUp(ticked[0]!)).assignee_id).toBe(server.staff[0]!.id);
    const untouched = ids.find((id) => !ticked.includes(id))!;
    expect((await followUp(untouched)).assignee_id).toBeNull();

    await page.getByLabel('Select all shown').check();
    await bar.getByLabel('Tag to add to selected').fill('Churn-risk');
    await bar.getByRole('button', { name: 'Add tag' }).click();
    await expect.poll(async () => (await followUp(untouched)).tags).toEqual(['churn-risk']);
    // the database holds the tags before the list has fetched them again
    await expect.poll(() => page.locator('ul.responses .tag', { hasText: 'churn-risk' }).count()).toBe(3);

    await page.getByLabel('Select all shown').check();
    await bar.getByLabel('Set status of selected').selectOption({ label: 'Resolved' });
    await expect.poll(async () => (await followUp(untouched)).follow_up_status).toBe('resolved');
    await page.getByText('Nothing to follow up here').or(page.getByText('No responses match')).waitFor();
    const toast = page.getByTestId('toast');
    expect(await toast.textContent()).toContain('Resolved 3 responses.');
    await toast.getByRole('button', { name: 'Undo' }).click();
    await expect.poll(async () => (await followUp(untouched)).follow_up_status).toBe('open');
    await expect.poll(async () => (await listed()).length).toBe(3);
  });

  it('resolves the selected response with r, selects the next one and offers Undo', async () => {
    await scenario('keyr', 3);
    await openQueue('keyr');
    const [first, second] = await listed();
    await page.keyboard.press('r');
    await expect.poll(async () => (await followUp(first!)).follow_up_status).toBe('resolved');
    await expect.poll(listed).not.toContain(first);
    expect(await page.locator('ul.responses li[aria-current="true"]').getAttribute('data-response-id')).toBe(
      second,
    );
    await page.getByTestId('toast').getByRole('button', { name: 'Undo' }).click();
    await expect.poll(async () => (await followUp(first!)).follow_up_status).toBe('open');
    await expect.poll(listed).toContain(first);
  });

  it('shows a new follow-up as it arrives, without a reload', async () => {
    await scenario('live', 1);
    await openQueue('live');
    await page.evaluate(() => {
      (window as unknown as { notReloaded: boolean }).notReloaded = true;
    });
    const [arrived] = await scenario('live', 1);
    await page.locator(`[data-response-id="${arrived}"]`).waitFor({ timeout: 10_000 });
    expect(await page.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded)).toBe(
      true,
    );
    await expect.poll(() => page.locator('[data-queue="open"] .count').textContent()).not.toBe('…');
  });

  it('saves a filter set as a view that brings it back, after a reload too', async () => {
    await scenario('viewed', 1);
    await openQueue('viewed');
    await page.getByLabel('Kind').selectOption('nps');
    await page.getByRole('button', { name: 'Save view' }).click();
    await page.getByLabel('View name').fill('NPS viewed');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.goto(`${server.url}/inbox/?load=${++loads}#/inbox?queue=all`);
    await page.getByRole('link', { name: 'NPS viewed', exact: true }).click();
    await expect
      .poll(() => page.evaluate(() => window.location.hash))
      .toBe('#/inbox?queue=open&kind=nps&q=viewed');
    expect(await page.getByLabel('Kind').inputValue()).toBe('nps');
    await page.getByRole('button', { name: 'Remove the view NPS viewed' }).click();
    await page.reload();
    await page.locator('ul.responses li').first().waitFor();
    expect(await page.getByRole('link', { name: 'NPS viewed', exact: true }).count()).toBe(0);
  });

  it('applies filters as they change: typed text, labelled From and To dates, no Apply button', async () => {
    await scenario('typed', 2);
    await page.goto(`${server.url}/inbox/?load=${++loads}#/inbox?queue=open`);
    await page.locator('ul.responses li').first().waitFor();
    await page.getByLabel('Search comments').fill('typed 1');
    await expect.poll(() => page.locator('ul.responses .comment').allTextContents()).toEqual(['typed 1']);
    expect(await page.getByRole('button', { name: 'Apply' }).count()).toBe(0);
    const today = new Date().toISOString().slice(0, 10);
    const tomorrow = new Date(Date.now() + day).toISOString().slice(0, 10);
    await page.getByLabel('From', { exact: true }).fill(tomorrow);
    await page.getByText('No responses match these filters.').waitFor();
    await page.getByLabel('From', { exact: true }).fill(today);
    await page.getByLabel('To', { exact: true }).fill(tomorrow);
    await expect.poll(() => page.locator('ul.responses .comment').allTextContents()).toEqual(['typed 1']);
  });

  it('keeps every queue tab on the screen', async () => {
    await page.goto(`${server.url}/inbox/?load=${++loads}#/inbox?queue=open`);
    await page.locator('[data-queue="all"] .count').filter({ hasNotText: '…' }).waitFor();
    const rights = await page
      .locator('[data-queue]')
      .evaluateAll((tabs) => tabs.map((tab) => tab.getBoundingClientRect().right));
    expect(rights.length).toBeGreaterThanOrEqual(4);
    for (const right of rights) expect(right).toBeLessThanOrEqual(width);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBe(width);
  });
});
