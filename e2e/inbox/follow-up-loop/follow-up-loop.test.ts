/**
 * The whole loop in real Chromium: a detractor answers, the response appears in Open with its due
 * date, an agent takes it (keyboard), notes it, replies by email (a real SMTP server receives the
 * message) and resolves it; it leaves Open. A viewer cannot resolve: the UI hides it and the API
 * refuses. A script payload in the comment stays text.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasChromium, launchBrowser } from '../../browser.ts';
import { type StartedServer, startServer } from '../../harness.ts';
import { signIn } from '../session.ts';
import { startSmtp } from '../smtp.ts';

const payload = `<img src=x onerror="window.__xss=1"><script>window.__xss=2</script> checkout broke`;

describe.runIf(hasChromium)('follow-up loop in the inbox', () => {
  let server: StartedServer;
  let smtp: Awaited<ReturnType<typeof startSmtp>>;
  let browser: Browser;
  const responseId = crypto.randomUUID();
  const problems: string[] = [];

  const watch = (page: Page) => {
    page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
    page.on('console', (message) => {
      if (message.type() === 'error' && !/Failed to load resource/.test(message.text())) {
        problems.push(`console: ${message.text()}`);
      }
    });
  };

  beforeAll(async () => {
    smtp = await startSmtp();
    server = await startServer({ staff: ['agent', 'viewer'], config: { smtpUrl: smtp.url } });
    browser = await launchBrowser();
    // A detractor answers through the widget endpoint, as the widget sends it (text/plain).
    const answered = await fetch(`${server.url}/v1/responses`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain', origin: 'https://shop.example' },
      body: JSON.stringify({
        key: server.publicKey,
        responses: [
          {
            id: responseId,
            surveyId: server.surveys.nps,
            score: 3,
            comment: payload,
            respondent: { externalId: 'cust-9', email: 'dana@customer.example', traits: { plan: 'pro' } },
            context: { url: 'https://shop.example/checkout', locale: 'en' },
            submittedAt: new Date().toISOString(),
          },
        ],
      }),
    });
    expect(answered.status).toBe(202);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await smtp?.close();
  });

  it('serves the inbox under a strict CSP', async () => {
    const response = await fetch(`${server.url}/inbox/`);
    expect(response.status).toBe(200);
    const csp = response.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("script-src-attr 'none'");
    expect(await response.text()).not.toMatch(/<script>(?!<)/);
  });

  it('an agent takes the response from Open, notes it, replies by email and resolves it', async () => {
    const agent = server.staff[0]!;
    const context = await browser.newContext();
    const page = await context.newPage();
    watch(page);
    await signIn(page, server.url, agent.email);

    // Open queue: the detractor is there, due in about two days.
    const row = page.locator(`[data-response-id="${responseId}"]`);
    await row.waitFor();
    await expect.poll(() => row.textContent()).toContain('Due in 2 days');
    expect(await row.textContent()).toContain('Open');
    expect(await page.locator('[data-queue="open"] .count').textContent()).toBe('1');

    // Keyboard: the row is selected; "a" assigns it to me, Enter opens it.
    await page.keyboard.press('a');
    await expect.poll(() => row.textContent()).toContain(agent.name);
    expect(await page.locator('[data-queue="mine"] .count').textContent()).toBe('1');
    await page.keyboard.press('Enter');
    await page.getByTestId('status').waitFor();
    expect(page.url()).toContain(`#/responses/${responseId}`);
    expect(await page.getByTestId('assignee').textContent()).toBe(agent.name);
    const due = Date.parse(
      (await server.query<{ due_at: string }>('select due_at from responses where id = $1', [responseId]))[0]!
        .due_at,
    );
    expect(due - Date.now()).toBeGreaterThan(47 * 3600_000);

    // The payload is shown as text and never runs.
    expect(await page.getByTestId('comment').textContent()).toBe(payload);
    expect(await page.locator('[data-testid="comment"] img, [data-testid="comment"] script').count()).toBe(0);
    expect(await page.evaluate(() => (window as { __xss?: number }).__xss)).toBeUndefined();

    // A note.
    await page.getByLabel('Add an internal note').fill('Called Dana, refund promised');
    await page.getByRole('button', { name: 'Add note' }).click();
    await page.getByText('Called Dana, refund promised').waitFor();

    // An email reply, received by the SMTP server.
    await page.getByLabel('Message').fill('Sorry about the checkout — your refund is on its way.');
    await page.getByRole('button', { name: 'Send reply' }).click();
    await page.getByRole('status').filter({ hasText: 'Sent.' }).waitFor();
    expect(smtp.received).toHaveLength(1);
    expect(smtp.received[0]!.to).toEqual(['dana@customer.example']);
    expect(smtp.received[0]!.raw).toContain('your refund is on its way');
    await page.locator('[data-activity="reply_sent"]').waitFor();

    // Resolve; it leaves Open.
    await page.getByRole('button', { name: 'Resolve' }).click();
    await expect.poll(() => page.getByTestId('status').textContent()).toBe('Resolved');
    await page.getByRole('link', { name: '← Back to the inbox' }).click();
    await page.locator('[data-queue="open"] .count', { hasText: '0' }).waitFor();
    expect(await page.locator(`[data-response-id="${responseId}"]`).count()).toBe(0);
    await page.getByText('Nothing to follow up here').waitFor();
    await page.locator('[data-queue="resolved"]').click();
    await page.locator(`[data-response-id="${responseId}"]`).waitFor();

    const activity = await server.query<{ type: string }>(
      'select type from response_activity where response_id = $1 order by created_at, id',
      [responseId],
    );
    expect(activity.map((entry) => entry.type)).toEqual([
      'rule_applied',
      'assignee_changed',
      'note_added',
      'reply_sent',
      'status_changed',
    ]);
    expect(await page.evaluate(() => (window as { __xss?: number }).__xss)).toBeUndefined();
    await context.close();
  });

  it('a viewer sees the response but cannot resolve it: no button, and the API refuses', async () => {
    await server.query("update responses set follow_up_status = 'open', resolved_at = null where id = $1", [
      responseId,
    ]);
    const viewer = server.staff[1]!;
    const context = await browser.newContext();
    const page = await context.newPage();
    watch(page);
    await signIn(page, server.url, viewer.email);
    await page.goto(`${server.url}/inbox/#/responses/${responseId}`);
    await page.getByTestId('status').waitFor();
    expect(await page.getByTestId('status').textContent()).toBe('Open');
    expect(await page.getByRole('button', { name: 'Resolve' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Assign to me' }).count()).toBe(0);
    expect(await page.getByText('changing it needs the agent role').count()).toBe(1);
    expect(await page.getByRole('link', { name: 'Secret keys' }).count()).toBe(0);

    const status = await page.evaluate(async (id) => {
      const session = await fetch('/v1/auth/session').then((response) => response.json());
      const response = await fetch(`/v1/responses/${id}`, {
        method: 'PATCH',
        headers: { 'content-type': 'application/json', 'x-csrf-token': session.csrfToken },
        body: JSON.stringify({ status: 'resolved' }),
      });
      return response.status;
    }, responseId);
    expect(status).toBe(403);
    const [row] = await server.query<{ follow_up_status: string }>(
      'select follow_up_status from responses where id = $1',
      [responseId],
    );
    expect(row!.follow_up_status).toBe('open');
    await context.close();
    expect(problems).toEqual([]);
  });
});
