/**
 * The response page in real Chromium, on a desktop (1280 px) and a phone (375 px): the customer's
 * name heads it, with their email, whether the site verified them, their plan and traits, and
 * their other responses; "Start working" on a follow-up nobody owns takes it ("took it", not
 * "assigned it to themselves by name"); without mail set up the reply form is disabled and says
 * why; a template fills in the customer's first name; resolving moves to the next response of
 * the queue and can be undone.
 */
import { createHmac } from 'node:crypto';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasChromium, launchBrowser } from '../../browser.ts';
import { type StartedServer, startServer } from '../../harness.ts';
import { answer, manage, signIn } from '../session.ts';

describe.runIf(hasChromium).each([1280, 375])('the response page at %i px', (width) => {
  let server: StartedServer;
  let browser: Browser;
  let page: Page;
  let ids: string[];

  const stored = async (id: string) =>
    (
      await server.query<{ follow_up_status: string; assignee_id: string | null }>(
        'select follow_up_status, assignee_id from responses where id = $1',
        [id],
      )
    )[0]!;

  beforeAll(async () => {
    // No SMTP_URL: email replies are not set up.
    server = await startServer({ staff: ['agent'] });
    browser = await launchBrowser();
    const { secret } = await manage<{ secret: string }>(server, 'POST', '/v1/project/identity-secret');
    const respondent = {
      externalId: 'cust-42',
      email: 'rita@customer.example',
      signature: createHmac('sha256', secret).update('cust-42').digest('hex'),
      traits: { name: 'Rita Customer', plan: 'enterprise', country: 'NL' },
    };
    ids = await answer(server, [
      { surveyId: server.surveys.nps, score: 9, comment: 'Loved the first month', respondent },
      { surveyId: server.surveys.csat, score: 1, comment: 'Billing charged me twice', respondent },
      { surveyId: server.surveys.nps, score: 2, comment: 'Still waiting for the refund', respondent },
    ]);
    page = await (await browser.newContext({ viewport: { width, height: 900 } })).newPage();
    await signIn(page, server.url, server.staff[0]!.email);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('heads the page with the customer: name, email, verified, plan, traits and other responses', async () => {
    await page.goto(`${server.url}/inbox/#/responses/${ids[2]}`);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Rita Customer');
    const customer = page.getByRole('region', { name: 'Customer' });
    expect(await customer.getByRole('heading').textContent()).toBe('Rita Customer');
    expect(await customer.locator('.badge').textContent()).toBe('verified');
    const facts = await customer.locator('.facts').textContent();
    expect(facts).toContain('rita@customer.example');
    expect(facts).toMatch(/plan\s*enterprise/);
    expect(facts).toContain('NL');
    // The email is said once about the customer, and once more as the reply's recipient.
    expect(await page.locator('main').getByText('rita@customer.example', { exact: true }).count()).toBe(2);
    const others = page.getByRole('region', { name: 'Earlier responses' });
    await others.getByText('Billing charged me twice').waitFor();
    expect(await others.getByText('Loved the first month').count()).toBe(1);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBe(width);
  });

  it('Start working on a follow-up nobody owns takes it, and the activity says "took it"', async () => {
    await page.goto(`${server.url}/inbox/#/responses/${ids[1]}`);
    await page.getByTestId('comment').filter({ hasText: 'Billing charged me twice' }).waitFor();
    expect(await page.getByTestId('assignee').textContent()).toBe('Nobody');
    await page.getByRole('button', { name: 'Start working' }).click();
    await expect.poll(() => page.getByTestId('status').textContent()).toBe('In progress');
    await expect.poll(() => page.getByTestId('assignee').textContent()).toBe(server.staff[0]!.name);
    expect(await stored(ids[1]!)).toEqual({
      follow_up_status: 'in_progress',
      assignee_id: server.staff[0]!.id,
    });
    const line = page.locator('[data-activity="assignee_changed"]');
    await expect.poll(() => line.textContent()).toMatch(new RegExp(`^${server.staff[0]!.name} took it`));
    expect(await line.textContent()).not.toContain('assigned it to');
  });

  it('disables the reply form and says how to set up mail, before anyone types', async () => {
    await page.goto(`${server.url}/inbox/#/responses/${ids[2]}`);
    const reply = page.getByRole('region', { name: 'Reply by email' });
    await reply.getByTestId('mail-not-set-up').waitFor();
    expect(await reply.getByTestId('mail-not-set-up').textContent()).toContain('SMTP_URL');
    expect(await reply.getByLabel('Message').isDisabled()).toBe(true);
    expect(await reply.getByRole('button', { name: 'Send reply' }).isDisabled()).toBe(true);
  });

  it('fills a reply template with the customer’s first name, and keeps a saved template', async () => {
    // Mail is not set up on this server, so the form is read-only; templates are checked with it on.
    await page.route('**/v1/auth/session', async (route) => {
      const response = await route.fetch();
      const session = await response.json();
      await route.fulfill({ response, json: { ...session, features: { email: true } } });
    });
    await page.goto(`${server.url}/inbox/?templates=1#/responses/${ids[2]}`);
    const reply = page.getByRole('region', { name: 'Reply by email' });
    await reply.getByLabel('Insert a template').selectOption({ label: 'Thanks for the feedback' });
    expect(await reply.getByLabel('Message').inputValue()).toMatch(/^Hi Rita,\n/);
    await reply.getByLabel('Message').fill('Hi Rita, your refund is on its way.');
    await reply.getByRole('button', { name: 'Save as template' }).click();
    await reply.getByLabel('Template name').fill('Refund sent');
    await reply.getByRole('button', { name: 'Save template' }).click();
    await reply.getByLabel('Message').fill('');
    await reply.getByLabel('Insert a template').selectOption({ label: 'Refund sent' });
    expect(await reply.getByLabel('Message').inputValue()).toBe('Hi Rita, your refund is on its way.');
    const saved = await page.evaluate(() =>
      Object.entries(localStorage).find(([key]) => key.startsWith('closeloop:reply-templates:')),
    );
    expect(saved?.[1]).toContain('Hi {name}, your refund is on its way.');
    await page.unroute('**/v1/auth/session');
  });

  it('resolving moves on to the next response of the queue, and Undo reopens it', async () => {
    const queued = await answer(server, [
      { surveyId: server.surveys.nps, score: 1, comment: 'next-up one' },
      { surveyId: server.surveys.nps, score: 1, comment: 'next-up two' },
    ]);
    await page.goto(`${server.url}/inbox/?queue=1#/inbox?queue=open&q=next-up`);
    await page.locator('ul.responses li').nth(1).waitFor();
    const order = await page
      .locator('ul.responses li')
      .evaluateAll((rows) => rows.map((row) => row.getAttribute('data-response-id')!));
    expect(order.sort()).toEqual([...queued].sort());
    await page.locator(`[data-response-id="${order[0]}"] a`).click();
    await page.getByRole('button', { name: 'Resolve' }).click();
    await page.waitForURL((url) => url.hash === `#/responses/${order[1]}`);
    await page.getByTestId('comment').filter({ hasText: 'next-up' }).waitFor();
    expect((await stored(order[0]!)).follow_up_status).toBe('resolved');
    await page.getByTestId('toast').getByRole('button', { name: 'Undo' }).click();
    await page.waitForURL((url) => url.hash === `#/responses/${order[0]}`);
    await expect.poll(async () => (await stored(order[0]!)).follow_up_status).toBe('open');
    await expect.poll(() => page.getByTestId('status').textContent()).toBe('Open');
  });
});
