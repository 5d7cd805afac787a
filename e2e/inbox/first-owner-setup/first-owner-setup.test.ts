/**
 * The first start: the one-time setup link creates the first owner and signs them in; the link
 * does not work twice.
 */
import { createHash } from 'node:crypto';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasChromium, launchBrowser } from '../../browser.ts';
import { type StartedServer, startServer } from '../../harness.ts';

describe.runIf(hasChromium)('first owner from the setup link', () => {
  let server: StartedServer;
  let browser: Browser;
  const token = `setup_${crypto.randomUUID().replaceAll('-', '')}`;

  beforeAll(async () => {
    server = await startServer();
    await server.query(
      `insert into setup_tokens (project_id, token_hash, expires_at) values ($1, $2, now() + interval '1 day')`,
      [server.projectId, createHash('sha256').update(token).digest('hex')],
    );
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('creates the owner, signs them in, and the link stops working', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${server.url}/inbox/setup?token=${token}`);
    await page.getByRole('heading', { name: 'Set up the inbox of Browser test' }).waitFor();
    await page.getByLabel('Your name').fill('Olivia Owner');
    await page.getByLabel('Email').fill('olivia@shop.example');
    await page.getByLabel('Password (at least 10 characters)').fill('a long owner password');
    await page.getByRole('button', { name: 'Create owner and sign in' }).click();
    await page.getByRole('navigation', { name: 'Main' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/inbox/');
    expect(await page.getByText('Olivia Owner').count()).toBeGreaterThan(0);
    // Owners see the admin pages, in Settings.
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Settings' }).click();
    await page.getByRole('heading', { name: 'Settings' }).waitFor();
    expect(await page.getByRole('link', { name: 'Secret keys' }).count()).toBe(1);
    const [owner] = await server.query<{ role: string }>(
      'select role from staff_users where project_id = $1',
      [server.projectId],
    );
    expect(owner!.role).toBe('owner');

    const again = await context.newPage();
    await again.goto(`${server.url}/inbox/setup?token=${token}`);
    await again.getByRole('alert').waitFor();
    expect(await again.getByRole('alert').textContent()).toContain('The setup link is not valid');
    // The used link leads to sign-in (the signed-in session of this browser shows the inbox).
    await again.getByRole('link', { name: 'Go to sign-in' }).click();
    await again.waitForURL(`${server.url}/inbox/`);
    await again.getByRole('navigation', { name: 'Main' }).waitFor();
    await context.close();

    const stranger = await browser.newContext();
    const fresh = await stranger.newPage();
    await fresh.goto(`${server.url}/inbox/setup?token=${token}`);
    await fresh.getByRole('link', { name: 'Go to sign-in' }).click();
    await fresh.getByRole('button', { name: 'Sign in' }).waitFor();
    await stranger.close();
  });
});
