/**
 * The response page in real Chromium: going from one response to another (the respondent's
 * timeline) shows the new response's own tags, due date and an empty reply, and saving writes to
 * the new response only; while the survey and staff lists load, the header says neither "Deleted
 * survey" nor "Nobody".
 */
import { createHmac } from 'node:crypto';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasChromium, launchBrowser } from '../../browser.ts';
import { type StartedServer, startServer } from '../../harness.ts';
import { answer, manage, signIn } from '../session.ts';
import { startSmtp } from '../smtp.ts';

describe.runIf(hasChromium)('response page', () => {
  let server: StartedServer;
  let smtp: Awaited<ReturnType<typeof startSmtp>>;
  let browser: Browser;
  let page: Page;
  let first: string;
  let second: string;

  const tagsOf = async (id: string) =>
    (await server.query<{ tags: string[] }>('select tags from responses where id = $1', [id]))[0]!.tags;

  beforeAll(async () => {
    smtp = await startSmtp();
    server = await startServer({ staff: ['agent'], config: { smtpUrl: smtp.url } });
    browser = await launchBrowser();
    // The site's backend signs the customer's id: a verified address, replied to without asking.
    const { secret } = await manage<{ secret: string }>(server, 'POST', '/v1/project/identity-secret');
    const signature = createHmac('sha256', secret).update('cust-7').digest('hex');
    const respondent = { externalId: 'cust-7', email: 'kim@customer.example', signature };
    const ids = await answer(server, [
      { surveyId: server.surveys.nps, score: 2, comment: 'First visit went wrong', respondent },
      { surveyId: server.surveys.nps, score: 4, comment: 'Second visit, still slow', respondent },
    ]);
    [first, second] = [ids[0]!, ids[1]!];
    await manage(server, 'PATCH', `/v1/responses/${second}`, {
      tags: ['second-tag'],
      dueAt: '2031-05-06T07:08:00.000Z',
      assigneeId: server.staff[0]!.id,
    });
    page = await (await browser.newContext({ timezoneId: 'UTC' })).newPage();
    await signIn(page, server.url, server.staff[0]!.email);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await smtp?.close();
  });

  it('another response from the timeline shows its own tags, due date and reply, and saves to itself', async () => {
    await page.goto(`${server.url}/inbox/#/responses/${first}`);
    await page.getByTestId('comment').filter({ hasText: 'First visit went wrong' }).waitFor();

    // Work on the first response: a reply is sent, tags and a due date are typed but not saved.
    expect(await page.getByRole('region', { name: 'Reply by email' }).textContent()).toContain('verified');
    expect(await page.getByRole('note').count()).toBe(0);
    await page.getByLabel('Message').fill('Sorry, we are on it.');
    await page.getByRole('button', { name: 'Send reply' }).click();
    await page.getByRole('status').filter({ hasText: 'Sent.' }).waitFor();
    await page.getByLabel('Message').fill('A second draft for the first response');
    await page.getByLabel('Tags (comma-separated)').fill('first-only');
    await page.getByLabel('Due date').fill('2030-01-02T03:04');

    // To the second response through the respondent's timeline.
    await page.getByRole('region', { name: 'Earlier responses' }).getByRole('link', { name: /NPS/ }).click();
    await page.getByTestId('comment').filter({ hasText: 'Second visit, still slow' }).waitFor();
    expect(page.url()).toContain(`#/responses/${second}`);
    expect(await page.getByLabel('Tags (comma-separated)').inputValue()).toBe('second-tag');
    expect(await page.getByLabel('Due date').inputValue()).toBe('2031-05-06T07:08');
    expect(await page.getByLabel('Message').inputValue()).toBe('');
    expect(await page.getByText('Sent.').count()).toBe(0);

    // Saving tags here changes this response only.
    await page.getByLabel('Tags (comma-separated)').fill('second-tag, refund');
    await page.getByRole('button', { name: 'Save tags' }).click();
    await expect.poll(() => tagsOf(second)).toEqual(['refund', 'second-tag']);
    expect(await tagsOf(first)).toEqual([]);
    // one reply to the customer (staff notification emails go to the same server)
    expect(smtp.received.filter((message) => message.to.includes('kim@customer.example'))).toHaveLength(1);

    // And back: the first response shows its own (empty) tags, not the second's.
    await page.goBack();
    await page.getByTestId('comment').filter({ hasText: 'First visit went wrong' }).waitFor();
    expect(await page.getByLabel('Tags (comma-separated)').inputValue()).toBe('');
  });

  it('while the survey and staff lists load, the header shows placeholders, then the names', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const held = async (route: import('playwright-core').Route) => {
      await gate;
      await route.continue();
    };
    await page.route('**/v1/surveys', held);
    await page.route('**/v1/users', held);
    // A fresh page load: within one page the lists come from the inbox's cache at once.
    await page.goto(`${server.url}/inbox/?placeholders=1#/responses/${second}`);
    await page.getByTestId('comment').filter({ hasText: 'Second visit, still slow' }).waitFor();

    expect(await page.getByTestId('survey-name').textContent()).toBe('…');
    expect(await page.getByTestId('assignee').textContent()).toBe('…');
    expect(await page.locator('main').textContent()).not.toContain('Deleted survey');
    expect(await page.getByTestId('assignee').textContent()).not.toBe('Nobody');

    release();
    await expect.poll(() => page.getByTestId('survey-name').textContent()).toBe('NPS');
    await expect.poll(() => page.getByTestId('assignee').textContent()).toBe(server.staff[0]!.name);
    await page.unrouteAll();
  });

  it('after saving, the tag field shows the tags as stored (lower case, once each), and the due date as set', async () => {
    await page.goto(`${server.url}/inbox/?fresh=1#/responses/${first}`);
    await page.getByTestId('comment').filter({ hasText: 'First visit went wrong' }).waitFor();
    await page.getByLabel('Tags (comma-separated)').fill('Refund, VIP, refund');
    await page.getByRole('button', { name: 'Save tags' }).click();
    await expect.poll(() => tagsOf(first)).toEqual(['refund', 'vip']);
    await expect.poll(() => page.getByLabel('Tags (comma-separated)').inputValue()).toBe('refund, vip');

    // A change made elsewhere shows once the page reloads its data (here: after a note).
    await manage(server, 'PATCH', `/v1/responses/${first}`, { dueAt: '2032-02-03T04:05:00.000Z' });
    await page.getByLabel('Add an internal note').fill('Checked the order');
    await page.getByRole('button', { name: 'Add note' }).click();
    await expect.poll(() => page.getByLabel('Due date').inputValue()).toBe('2032-02-03T04:05');
  });
});
