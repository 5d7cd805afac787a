/**
 * Admin pages in real Chromium: a survey with texts in two locales is created and paused, a secret
 * key is shown once and revoked, allowed origins are saved, and an agent does not see admin pages.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasChromium, launchBrowser } from '../../browser.ts';
import { type StartedServer, startServer } from '../../harness.ts';
import { signIn } from '../session.ts';

describe.runIf(hasChromium)('admin pages', () => {
  let server: StartedServer;
  let browser: Browser;

  beforeAll(async () => {
    server = await startServer({ staff: ['admin', 'agent'] });
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('creates a survey in two locales, pauses it, makes and revokes a key, saves origins', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await signIn(page, server.url, server.staff[0]!.email);

    await page.getByRole('link', { name: 'Surveys' }).click();
    await page.getByRole('link', { name: 'New survey' }).click();
    await page.getByLabel('Name').fill('Checkout CSAT');
    await page.getByLabel(/^Kind/).selectOption('csat');
    await page.getByLabel('Question').fill('How was checkout?');
    await page.getByLabel('Follow-up prompt after a negative score').fill('What went wrong?');
    await page.getByLabel('New locale').fill('de');
    await page.getByRole('button', { name: 'Add', exact: true }).click();
    await page.getByLabel('Question').fill('Wie war der Kauf?');
    await page.getByLabel('Ask % of visitors').fill('25');
    await page.getByRole('button', { name: 'Create survey' }).click();
    const row = page.getByRole('row', { name: /Checkout CSAT/ });
    await row.waitFor();
    // jsonb keeps its own key order.
    expect(await row.textContent()).toMatch(/de, en|en, de/);
    await row.getByRole('button', { name: 'Pause' }).click();
    await row.getByRole('button', { name: 'Activate' }).waitFor();
    const [survey] = await server.query<{
      status: string;
      texts: Record<string, { question: string }>;
      targeting: { samplePercent: number };
    }>(`select status, texts, targeting from surveys where project_id = $1 and name = 'Checkout CSAT'`, [
      server.projectId,
    ]);
    expect(survey).toMatchObject({
      status: 'paused',
      texts: { en: { question: 'How was checkout?' }, de: { question: 'Wie war der Kauf?' } },
      targeting: { samplePercent: 25 },
    });

    await page.getByRole('link', { name: 'Secret keys' }).click();
    await page.getByLabel('Key name').fill('CRM sync');
    await page.getByRole('button', { name: 'Create key' }).click();
    const key = (await page.getByTestId('new-key').textContent())!;
    expect(key).toMatch(/^sk_\w{32}$/);
    expect(
      (await fetch(`${server.url}/v1/surveys`, { headers: { authorization: `Bearer ${key}` } })).status,
    ).toBe(200);
    await page.getByRole('button', { name: 'Done' }).click();
    expect(await page.getByText(key).count()).toBe(0);
    page.once('dialog', (dialog) => void dialog.accept());
    await page
      .getByRole('row', { name: /CRM sync/ })
      .getByRole('button', { name: 'Revoke' })
      .click();
    await page.getByRole('row', { name: /CRM sync.*Revoked/ }).waitFor();
    expect(
      (await fetch(`${server.url}/v1/surveys`, { headers: { authorization: `Bearer ${key}` } })).status,
    ).toBe(401);

    await page.getByRole('link', { name: 'Install' }).click();
    expect(await page.getByTestId('snippet').textContent()).toContain(`data-key="${server.publicKey}"`);
    await page
      .getByLabel(/Sites allowed to send answers/)
      .fill('https://shop.example\nhttp://localhost:8080');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
    const [project] = await server.query<{ allowed_origins: string[] }>(
      'select allowed_origins from projects where id = $1',
      [server.projectId],
    );
    expect(project!.allowed_origins).toEqual(['https://shop.example', 'http://localhost:8080']);
    await context.close();
  });

  it('shows an agent no admin pages', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await signIn(page, server.url, server.staff[1]!.email);
    for (const name of ['Surveys', 'Install', 'Rules', 'Staff', 'Secret keys']) {
      expect(await page.getByRole('link', { name, exact: true }).count(), name).toBe(0);
    }
    await page.goto(`${server.url}/inbox/#/admin/keys`);
    await page.getByRole('alert').waitFor();
    expect(await page.getByRole('alert').textContent()).toContain('admin role');
    await context.close();
  });
});
