/**
 * examples/csp-strict under its strict Content-Security-Policy: the widget is styled (constructable
 * stylesheets), works end to end, and the page reports no CSP violation and no console error.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveStrictCsp } from '../../../examples/csp-strict/serve.mjs';
import { hasChromium, launchBrowser } from '../../browser.ts';
import { type StartedServer, startServer } from '../../harness.ts';
import { ensureWidgetBuilt, waitForResponses, watch, widget } from '../support.ts';

describe.skipIf(!hasChromium)('strict CSP page', () => {
  let server: StartedServer;
  let browser: Browser;
  let site: { url: string; close(): Promise<void> };

  beforeAll(async () => {
    ensureWidgetBuilt();
    server = await startServer();
    browser = await launchBrowser();
    site = await serveStrictCsp({ apiUrl: server.url, publicKey: server.publicKey });
  });
  afterAll(async () => {
    await browser?.close();
    await site?.close();
    await server?.close();
  });

  it('works without a single violation', async () => {
    const page = await browser.newPage();
    const watched = watch(page);
    await page.addInitScript(() => {
      const seen: string[] = [];
      (window as unknown as { cspViolations: string[] }).cspViolations = seen;
      document.addEventListener('securitypolicyviolation', (event) =>
        seen.push(`${event.violatedDirective} ${event.blockedURI}`),
      );
    });
    const response = await page.goto(site.url);
    expect(response!.headers()['content-security-policy']).toBe(
      `default-src 'self'; script-src 'self' ${server.url}; connect-src ${server.url}; style-src 'self'`,
    );

    const ui = widget(page);
    await ui.radio('8').waitFor();
    // styled: a fixed panel in the corner, options in one row
    const position = await ui.host.evaluate((host) => getComputedStyle(host).position);
    expect(position).toBe('fixed');
    const tops = await ui.radios.evaluateAll((radios) =>
      radios.map((radio) => radio.getBoundingClientRect().top),
    );
    expect(new Set(tops).size).toBe(1);

    await ui.radio('8').click();
    await ui.comment.fill('Fine under CSP');
    await ui.send.click();
    await expect.poll(() => ui.live.textContent()).toBe('Thank you for your feedback!');
    await expect.poll(async () => (await waitForResponses(server, 1))[0]!.comment).toBe('Fine under CSP');
    // the thank-you closes by itself; the page's button (wired in app.js) asks the CSAT survey
    await expect.poll(() => ui.host.count(), { timeout: 10_000 }).toBe(0);
    await page.getByRole('button', { name: 'Track "checkout-completed"' }).click();
    await ui.radio('Satisfied').waitFor();

    expect(
      await page.evaluate(() => (window as unknown as { cspViolations: string[] }).cspViolations),
    ).toEqual([]);
    expect(await page.locator('#violations').textContent()).toBe('CSP violations: 0');
    expect(watched.consoleErrors).toEqual([]);
    expect(watched.pageErrors).toEqual([]);
  });
});
