/**
 * The whole loop in real Chromium: a customer signed in on the demo shop (/demo) answers the NPS
 * survey with a 3 through the widget; the response appears in Open with its due date, an agent
 * takes it (keyboard), notes it, replies by email (a real SMTP server receives the message) and
 * resolves it; it leaves Open. A viewer cannot resolve: the UI hides it and the API refuses. A
 * script payload in the comment stays text.
 */
import { createDemoProject, createStaffUser } from '@closeloop/api';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasChromium, launchBrowser } from '../../browser.ts';
import { type StartedServer, staffPassword, startServer } from '../../harness.ts';
import { axeSource, ensureWidgetBuilt } from '../../widget/support.ts';
import { signIn } from '../session.ts';
import { startSmtp } from '../smtp.ts';

const payload = `<img src=x onerror="window.__xss=1"><script>window.__xss=2</script> checkout broke`;
const customer = { email: 'sam@customer.example', name: 'Sam Shopper' };

describe.runIf(hasChromium)('follow-up loop from the demo shop to the inbox', () => {
  let server: StartedServer;
  let smtp: Awaited<ReturnType<typeof startSmtp>>;
  let browser: Browser;
  let demoProjectId: string;
  let responseId: string;
  const staff: { agent: { email: string; name: string }; viewer: { email: string; name: string } } = {
    agent: { email: '', name: 'Alex Agent' },
    viewer: { email: '', name: 'Vic Viewer' },
  };
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
    ensureWidgetBuilt();
    smtp = await startSmtp();
    server = await startServer({ config: { smtpUrl: smtp.url } });
    // The demo project, as `closeloop start` makes it on a new database: its NPS survey shows on
    // /demo after two seconds, and the default rules open NPS 0–6 for 48 hours.
    const demo = await createDemoProject(server.database.db);
    demoProjectId = demo.project.id;
    for (const role of ['agent', 'viewer'] as const) {
      staff[role].email = `${role}-${demoProjectId.slice(0, 8)}@staff.example`;
      await createStaffUser(server.database.db, demoProjectId, {
        email: staff[role].email,
        name: staff[role].name,
        role,
        password: staffPassword,
      });
    }
    browser = await launchBrowser();
  });

  afterAll(async () => {
    // The database may be shared with later test files: leave no second demo project behind.
    if (demoProjectId)
      await server?.query('update projects set is_demo = false where id = $1', [demoProjectId]);
    await browser?.close();
    await server?.close();
    await smtp?.close();
  });

  it('the demo page passes axe-core, widget included', async () => {
    // axe is injected as an inline script, which the page's own CSP rightly refuses.
    const context = await browser.newContext({ bypassCSP: true });
    const page = await context.newPage();
    await page.goto(`${server.url}/demo`);
    await page.getByRole('radio', { name: '3', exact: true }).waitFor({ timeout: 15_000 });
    await page.addScriptTag({ content: axeSource });
    const violations = await page.evaluate(async () => {
      const axe = (
        window as unknown as { axe: { run: (context: unknown, options: unknown) => Promise<any> } }
      ).axe;
      const results = await axe.run(document, { resultTypes: ['violations'] });
      return results.violations.map((violation: any) => `${violation.id}: ${violation.help}`);
    });
    expect(violations).toEqual([]);
    await context.close();
  });

  it('a customer signed in on the demo page answers NPS 3 through the widget, with their email', async () => {
    const [demo] = await server.query<{ public_key: string }>(
      'select public_key from projects where id = $1',
      [demoProjectId],
    );
    const page = await browser.newPage();
    watch(page);
    await page.goto(`${server.url}/demo`);
    expect(await page.locator('script[data-key]').getAttribute('data-key')).toBe(demo!.public_key);

    // The shop says who is signed in; the form starts with a demo customer and can be changed.
    expect(await page.getByLabel('Email').inputValue()).toBe('dana@customer.example');
    await page.getByLabel('Email').fill(customer.email);
    await page.getByLabel('Name').fill(customer.name);
    await page.getByRole('button', { name: 'Sign in as this customer' }).click();
    await page.getByRole('status').filter({ hasText: customer.email }).waitFor();

    // The NPS survey appears after two seconds; 3, then the comment.
    await page.getByRole('radio', { name: '3', exact: true }).click({ timeout: 15_000 });
    await page.locator('closeloop-widget textarea').fill(payload);
    await page.locator('closeloop-widget button[type=submit]').click();

    const stored = () =>
      server.query<{
        id: string;
        score: number;
        comment: string | null;
        email: string | null;
        external_id: string | null;
        traits: Record<string, unknown>;
      }>(
        `select r.id, r.score, r.comment, p.email, p.external_id, p.traits
           from responses r join respondents p on p.project_id = r.project_id and p.id = r.respondent_id
          where r.project_id = $1`,
        [demoProjectId],
      );
    await expect.poll(async () => (await stored())[0]?.comment ?? null, { timeout: 15_000 }).toBe(payload);
    const [row] = await stored();
    expect(row).toMatchObject({ score: 3, email: customer.email, external_id: customer.email });
    expect(row!.traits).toMatchObject({ name: customer.name });
    responseId = row!.id;

    // The page's other content still works: the checkout button asks the CSAT question.
    await expect.poll(() => page.locator('closeloop-widget').count(), { timeout: 15_000 }).toBe(0);
    await page.getByRole('button', { name: 'Complete a checkout (CSAT)' }).click();
    await page.getByText('How satisfied are you with your experience today?').waitFor();
    await page.keyboard.press('Escape');
    // After a reload the page still signs in the customer chosen before.
    await page.reload();
    expect(await page.getByLabel('Email').inputValue()).toBe(customer.email);
    await page.close();
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
    expect(responseId).toBeDefined();
    const agent = staff.agent;
    const context = await browser.newContext();
    const page = await context.newPage();
    watch(page);
    await signIn(page, server.url, agent.email);

    // Open queue: the detractor is there, due in about two days.
    const row = page.locator(`[data-response-id="${responseId}"]`);
    await row.waitFor();
    await expect.poll(() => row.textContent()).toContain('Due in 2 days');
    await expect.poll(() => page.locator('[data-queue="open"] .count').textContent()).toBe('1');

    // Keyboard: the row is selected; "a" assigns it to me, Enter opens it.
    await page.keyboard.press('a');
    // The owner column names the signed-in agent "Me".
    await expect.poll(() => row.locator('.assignee').textContent()).toBe('Me');
    // The counts load next to the list, so they may arrive a moment after the row.
    await expect.poll(() => page.locator('[data-queue="mine"] .count').textContent()).toBe('1');
    await page.keyboard.press('Enter');
    await page.getByTestId('status').waitFor();
    expect(page.url()).toContain(`#/responses/${responseId}`);
    await expect.poll(() => page.getByTestId('assignee').textContent()).toBe(agent.name);
    const due = Date.parse(
      (await server.query<{ due_at: string }>('select due_at from responses where id = $1', [responseId]))[0]!
        .due_at,
    );
    expect(due - Date.now()).toBeGreaterThan(47 * 3600_000);

    // Who answered, and what the rule did, from the activity's own detail.
    expect(await page.getByRole('region', { name: 'Customer' }).textContent()).toContain(customer.email);
    await expect
      .poll(() => page.locator('[data-activity="rule_applied"]').textContent())
      .toMatch(/^Rule "Detractors \(NPS 0–6\)" matched → follow-up Open, due .+/);

    // The payload is shown as text and never runs.
    expect(await page.getByTestId('comment').textContent()).toBe(payload);
    expect(await page.locator('[data-testid="comment"] img, [data-testid="comment"] script').count()).toBe(0);
    expect(await page.evaluate(() => (window as { __xss?: number }).__xss)).toBeUndefined();

    // A note.
    await page.getByLabel('Add an internal note').fill('Called Sam, refund promised');
    await page.getByRole('button', { name: 'Add note' }).click();
    await page.getByText('Called Sam, refund promised').waitFor();

    // An email reply, received by the SMTP server.
    await page.getByLabel('Message').fill('Sorry about the checkout — your refund is on its way.');
    // The widget's identity was not signed: the inbox names the risk and asks before replying.
    expect(await page.getByRole('note').textContent()).toContain('may reach someone else');
    expect(await page.getByRole('button', { name: 'Send reply' }).isDisabled()).toBe(true);
    await page.getByLabel('Send to this unverified address anyway').check();
    await page.getByRole('button', { name: 'Send reply' }).click();
    await page.getByRole('status').filter({ hasText: 'Sent.' }).waitFor();
    // (staff notification emails about the new follow-up arrive at the same server)
    const toCustomer = smtp.received.filter((message) => message.to.includes(customer.email));
    expect(toCustomer).toHaveLength(1);
    expect(toCustomer[0]!.to).toEqual([customer.email]);
    expect(toCustomer[0]!.raw).toContain('your refund is on its way');
    await page.locator('[data-activity="reply_sent"]').waitFor();

    // Resolve; it leaves Open.
    // Nothing else is open: resolving goes back to the queue, with a way to undo.
    await page.getByRole('button', { name: 'Resolve' }).click();
    await page.getByTestId('toast').filter({ hasText: 'Resolved.' }).waitFor();
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
    const viewer = staff.viewer;
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
    expect(await page.getByRole('link', { name: 'Settings' }).count()).toBe(0);

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
