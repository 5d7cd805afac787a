/**
 * The Webhooks and Notifications pages in real Chromium: an admin adds an endpoint (its secret
 * shown once), sends a test that fails, retries it once the receiver works (same webhook-id),
 * rotates the secret and disables the endpoint; an agent has no Webhooks page but sets their own
 * email notifications. Both pages are screenshotted at 1280 and 375 px wide.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasChromium, launchBrowser } from '../../browser.ts';
import { type StartedServer, startServer } from '../../harness.ts';
import { signIn } from '../session.ts';

interface Received {
  headers: http.IncomingHttpHeaders;
  body: string;
}

describe.runIf(hasChromium)('webhooks and notifications pages', () => {
  let server: StartedServer;
  let browser: Browser;
  let receiver: http.Server;
  let receiverUrl: string;
  const received: Received[] = [];
  let status = 500;

  beforeAll(async () => {
    receiver = http.createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        received.push({ headers: request.headers, body: Buffer.concat(chunks).toString('utf8') });
        response.writeHead(status).end(status === 500 ? 'receiver broken' : '');
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
    server = await startServer({
      staff: ['admin', 'agent'],
      config: { webhookAllowPrivate: true, webhookRetryDelays: [], deliveryPollIntervalMs: 100 },
    });
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await new Promise((resolve) => receiver?.close(resolve));
  });

  it('an admin adds a webhook, retries a failed test, rotates the secret and disables it', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await signIn(page, server.url, server.staff[0]!.email);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Settings' }).click();
    await page.getByRole('link', { name: 'Webhooks' }).click();
    await page.getByRole('heading', { name: 'Webhooks' }).waitFor();
    await page.getByText('No webhooks yet.').waitFor();

    await page.getByLabel('URL').fill(receiverUrl);
    await page.getByLabel('Description (optional)').fill('CRM sync');
    await page.getByRole('checkbox', { name: /followup\.opened/ }).check();
    await page.getByRole('button', { name: 'Add webhook' }).click();
    const secret = (await page.getByTestId('new-secret').textContent())!;
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/=]{32,}$/);
    await page.screenshot({ path: '/tmp/webhooks-1280.png', fullPage: true });
    await page.getByRole('button', { name: 'Done' }).click();
    expect(await page.getByText(secret).count()).toBe(0);
    const [stored] = await server.query<{ events: string[]; description: string }>(
      'select events, description from webhook_endpoints where project_id = $1',
      [server.projectId],
    );
    expect(stored).toEqual({ events: ['response.created', 'followup.opened'], description: 'CRM sync' });

    // The test message fails (500, no retries configured) and shows in the log with its attempt.
    await page.getByRole('link', { name: receiverUrl }).click();
    await page.getByRole('heading', { name: 'CRM sync' }).waitFor();
    await page.getByRole('button', { name: 'Send a test' }).click();
    await expect.poll(() => received.length).toBe(1);
    const firstId = received[0]!.headers['webhook-id'];
    expect(JSON.parse(received[0]!.body).type).toBe('webhook.test');
    await expect
      .poll(async () => {
        await page.reload();
        await page.getByRole('heading', { name: 'Deliveries' }).waitFor();
        await page.waitForFunction(() => !document.querySelector('[aria-busy="true"]'));
        return page.locator('.delivery[data-status="failed"]').count();
      })
      .toBe(1);
    await page.getByText('1 attempt').click();
    await page.getByText('HTTP 500').waitFor();
    await page.getByText('receiver broken').waitFor();

    // Fixed receiver: Retry now delivers the same message (same webhook-id).
    status = 204;
    await page.getByRole('button', { name: /^Retry now: webhook\.test/ }).click();
    await expect.poll(() => received.length).toBe(2);
    expect(received[1]!.headers['webhook-id']).toBe(firstId);
    await expect
      .poll(async () => {
        await page.reload();
        await page.getByRole('heading', { name: 'Deliveries' }).waitFor();
        await page.waitForFunction(() => !document.querySelector('[aria-busy="true"]'));
        return page.locator('.delivery[data-status="succeeded"]').count();
      })
      .toBe(1);
    await page.screenshot({ path: '/tmp/webhook-1280.png', fullPage: true });

    // Rotating shows a new secret once.
    page.once('dialog', (dialog) => void dialog.accept());
    await page.getByRole('button', { name: 'Rotate secret' }).click();
    const rotated = (await page.getByTestId('new-secret').textContent())!;
    expect(rotated).toMatch(/^whsec_/);
    expect(rotated).not.toBe(secret);
    await page.getByRole('button', { name: 'Done' }).click();

    // Disabling: the Slack format and enabled box are saved.
    await page.getByRole('combobox', { name: 'Format' }).selectOption('slack');
    await page.getByRole('checkbox', { name: 'Enabled' }).uncheck();
    await page.getByRole('button', { name: 'Save' }).click();
    await expect
      .poll(
        async () =>
          (
            await server.query<{ enabled: boolean; format: string }>(
              'select enabled, format from webhook_endpoints where project_id = $1',
              [server.projectId],
            )
          )[0],
      )
      .toEqual({ enabled: false, format: 'slack' });
    await page.getByRole('link', { name: '← Webhooks' }).click();
    await page.getByRole('cell', { name: 'Disabled' }).waitFor();

    await page.setViewportSize({ width: 375, height: 800 });
    await page.screenshot({ path: '/tmp/webhooks-375.png', fullPage: true });
    await page.getByRole('link', { name: receiverUrl }).click();
    await page.getByRole('heading', { name: 'CRM sync' }).waitFor();
    await page.screenshot({ path: '/tmp/webhook-375.png', fullPage: true });
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    expect(width).toBe(375);

    // Delete goes back to the list.
    page.once('dialog', (dialog) => void dialog.accept());
    await page.getByRole('button', { name: 'Delete' }).click();
    await page.getByText('No webhooks yet.').waitFor();
    await context.close();
  });

  it('an agent has no Webhooks page but sets their own email notifications', async () => {
    const context = await browser.newContext({ viewport: { width: 375, height: 800 } });
    const page = await context.newPage();
    const agent = server.staff[1]!;
    await signIn(page, server.url, agent.email);
    expect(await page.getByRole('link', { name: 'Settings' }).count()).toBe(0);
    await page.goto(`${server.url}/inbox/#/webhooks`);
    await page.getByText(/needs the admin role/i).waitFor();

    await page.getByRole('link', { name: 'Notifications' }).click();
    await page.getByRole('heading', { name: 'Notifications' }).waitFor();
    expect(await page.getByRole('checkbox', { name: /assigned to me/ }).isChecked()).toBe(true);
    expect(await page.getByRole('radio', { name: 'No email' }).isChecked()).toBe(true);
    await page.getByRole('radio', { name: /daily summary/ }).check();
    await page.getByRole('checkbox', { name: /Weekly digest/ }).uncheck();
    await page.getByLabel('Time zone').selectOption('Europe/Berlin');
    await page.screenshot({ path: '/tmp/notifications-375.png', fullPage: true });
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByText('Notification settings saved').waitFor();
    const [row] = await server.query(
      'select new_follow_ups, weekly_digest, overdue, time_zone from notification_settings where project_id = $1 and user_id = $2',
      [server.projectId, agent.id],
    );
    expect(row).toEqual({
      new_follow_ups: 'daily',
      weekly_digest: false,
      overdue: true,
      time_zone: 'Europe/Berlin',
    });
    await page.reload();
    await page.getByRole('heading', { name: 'Notifications' }).waitFor();
    expect(await page.getByRole('radio', { name: /daily summary/ }).isChecked()).toBe(true);
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.screenshot({ path: '/tmp/notifications-1280.png', fullPage: true });
    await context.close();
  });
});
