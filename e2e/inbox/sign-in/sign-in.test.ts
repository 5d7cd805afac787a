/**
 * The sign-in and first-owner pages in real Chromium: no leftover "Loading the inbox…", landmarks
 * that pass axe-core, the focus back in the password field after a wrong password, and a wait
 * people can read once sign-ins are rate-limited.
 */
import { createHash } from 'node:crypto';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasChromium, launchBrowser } from '../../browser.ts';
import { type StartedServer, startServer } from '../../harness.ts';
import { axeViolations } from '../session.ts';

describe.runIf(hasChromium)('sign-in pages', () => {
  let server: StartedServer;
  /** A project without staff yet, for the setup link. */
  let fresh: StartedServer;
  let browser: Browser;
  const token = `setup_${crypto.randomUUID().replaceAll('-', '')}`;

  beforeAll(async () => {
    server = await startServer({ staff: ['agent'], config: { loginRateLimit: 3 } });
    fresh = await startServer();
    await fresh.query(
      `insert into setup_tokens (project_id, token_hash, expires_at) values ($1, $2, now() + interval '1 day')`,
      [fresh.projectId, createHash('sha256').update(token).digest('hex')],
    );
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await fresh?.close();
  });

  it('the setup page shows only its form, in a main landmark, and passes axe-core', async () => {
    const context = await browser.newContext({ bypassCSP: true });
    const page = await context.newPage();
    await page.goto(`${fresh.url}/inbox/setup?token=${token}`);
    await page.getByRole('heading', { name: 'Set up the inbox of Browser test' }).waitFor();
    expect(await page.getByText('Loading the inbox…').count()).toBe(0);
    expect(await page.getByRole('main').count()).toBe(1);
    expect(await axeViolations(page)).toEqual([]);

    // A used or unknown link says so, and nothing else.
    await page.goto(`${fresh.url}/inbox/setup?token=setup_unknown`);
    await page.getByRole('alert').waitFor();
    expect(await page.getByText('Loading the inbox…').count()).toBe(0);
    await context.close();
  });

  it('after a wrong password the focus is back in the password field; a rate limit says how long to wait', async () => {
    const context = await browser.newContext({ bypassCSP: true });
    const page = await context.newPage();
    await page.goto(`${server.url}/inbox/`);
    await page.getByRole('heading', { name: 'Sign in to Closeloop' }).waitFor();
    expect(await page.getByText('Loading the inbox…').count()).toBe(0);
    expect(await axeViolations(page)).toEqual([]);

    await page.getByLabel('Email').fill(server.staff[0]!.email);
    for (let attempt = 1; attempt <= 3; attempt++) {
      await page.getByLabel('Password').fill(`wrong password ${attempt}`);
      await page.keyboard.press('Enter');
      await page.getByRole('alert').getByText('The email or password is not right').waitFor();
      await page.getByRole('button', { name: 'Sign in' }).waitFor();
      expect(await page.evaluate(() => document.activeElement?.getAttribute('name'))).toBe('password');
    }
    await page.getByLabel('Password').fill('wrong password 4');
    await page.keyboard.press('Enter');
    await page
      .getByRole('alert')
      .getByText(/Too many attempts/)
      .waitFor();
    expect(await page.getByRole('alert').textContent()).toMatch(/Try again in 1[45] minutes\./);
    await context.close();
  });
});
