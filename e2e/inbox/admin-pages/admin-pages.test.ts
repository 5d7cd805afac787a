/**
 * Admin pages in real Chromium: a survey with texts in two locales is created and paused, a secret
 * key is shown once and revoked, allowed origins are saved, one survey's editor never shows
 * another's values, a deactivated staff member is reactivated, and agents and viewers who type an
 * admin address get a "needs the admin role" page with no controls (and the API is not asked).
 */
import type { Browser, Response } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasChromium, launchBrowser } from '../../browser.ts';
import { type StartedServer, startServer } from '../../harness.ts';
import { signIn } from '../session.ts';

const adminPaths = [
  '/admin/surveys',
  '/admin/surveys/new',
  '/admin/install',
  '/admin/rules',
  '/admin/users',
  '/admin/keys',
];

describe.runIf(hasChromium)('admin pages', () => {
  let server: StartedServer;
  let browser: Browser;

  beforeAll(async () => {
    server = await startServer({ staff: ['admin', 'agent', 'viewer'] });
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

    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Settings' }).click();
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

    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Settings' }).click();
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

    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Settings' }).click();
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

  it('opens one survey after another in the editor with each one’s own values', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await signIn(page, server.url, server.staff[0]!.email);
    await page.goto(`${server.url}/inbox/#/admin/surveys/${server.surveys.nps}`);
    const name = page.getByLabel('Name');
    await expect.poll(() => name.inputValue()).toBe('NPS');
    await name.fill('Typed into the NPS survey');
    await page.evaluate((id) => {
      window.location.hash = `#/admin/surveys/${id}`;
    }, server.surveys.csat);
    await expect.poll(() => name.inputValue()).toBe('CSAT');
    expect(await page.getByLabel('Question').inputValue()).toBe('How satisfied are you?');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('heading', { name: 'Surveys' }).waitFor();
    const names = await server.query<{ id: string; name: string }>(
      'select id, name from surveys where id in ($1, $2)',
      [server.surveys.nps, server.surveys.csat],
    );
    expect(Object.fromEntries(names.map((row) => [row.id, row.name]))).toEqual({
      [server.surveys.nps]: 'NPS',
      [server.surveys.csat]: 'CSAT',
    });
    await context.close();
  });

  it('reactivates a deactivated staff member, who can sign in again', async () => {
    const viewer = server.staff[2]!;
    const context = await browser.newContext();
    const page = await context.newPage();
    await signIn(page, server.url, server.staff[0]!.email);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Settings' }).click();
    await page.getByRole('link', { name: 'Staff' }).click();
    const row = page.getByRole('row', { name: new RegExp(viewer.name) });
    page.once('dialog', (dialog) => void dialog.accept());
    await row.getByRole('button', { name: 'Deactivate' }).click();
    await row.getByRole('button', { name: 'Reactivate' }).waitFor();
    expect(await row.textContent()).toContain('Deactivated');
    const deactivatedAt = async () =>
      (
        await server.query<{ deactivated_at: string | null }>(
          'select deactivated_at from staff_users where id = $1',
          [viewer.id],
        )
      )[0]!.deactivated_at;
    expect(await deactivatedAt()).not.toBeNull();

    await row.getByRole('button', { name: 'Reactivate' }).click();
    await row.getByRole('button', { name: 'Deactivate' }).waitFor();
    expect(await row.textContent()).not.toContain('Deactivated');
    expect(await deactivatedAt()).toBeNull();
    await context.close();

    const again = await browser.newContext();
    const viewerPage = await again.newPage();
    await signIn(viewerPage, server.url, viewer.email);
    expect(await viewerPage.locator('.whoami').textContent()).toContain(viewer.name);
    await again.close();
  });

  for (const index of [1, 2]) {
    it(`shows ${index === 1 ? 'an agent' : 'a viewer'} no admin pages, even at their addresses`, async () => {
      const user = server.staff[index]!;
      const context = await browser.newContext();
      const page = await context.newPage();
      const refused: string[] = [];
      page.on('response', (response: Response) => {
        if (response.status() === 403) refused.push(response.url());
      });
      await signIn(page, server.url, user.email);
      for (const name of ['Surveys', 'Install', 'Rules', 'Staff', 'Secret keys']) {
        expect(await page.getByRole('link', { name, exact: true }).count(), name).toBe(0);
      }
      for (const path of [...adminPaths, `/admin/surveys/${server.surveys.nps}`]) {
        await page.goto(`${server.url}/inbox/#${path}`);
        await page.getByRole('heading', { name: 'Not available to your role' }).waitFor();
        expect(await page.getByRole('alert').textContent(), path).toContain(
          `This page needs the admin role; you are signed in as ${index === 1 ? 'an agent' : 'a viewer'}`,
        );
        // Nothing to fill in or press on the page itself.
        expect(await page.locator('main').locator('input, select, textarea, button').count(), path).toBe(0);
      }
      expect(refused).toEqual([]);
      await context.close();
    });
  }
});
