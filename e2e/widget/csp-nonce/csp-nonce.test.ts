/**
 * A page whose policy trusts scripts by nonce only, `script-src 'nonce-…' 'strict-dynamic'` (host
 * lists are ignored under 'strict-dynamic'): the script-tag widget loads its survey UI with a script
 * element carrying the page's nonce, the ES module build with import(); both show the survey and
 * store the answer without a single violation.
 */
import { randomBytes } from 'node:crypto';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasChromium, launchBrowser } from '../../browser.ts';
import { type StartedServer, startServer } from '../../harness.ts';
import {
  ensureWidgetBuilt,
  type Fixture,
  serveFixture,
  waitForResponses,
  watch,
  widget,
} from '../support.ts';

describe.skipIf(!hasChromium)("nonce + 'strict-dynamic' page", () => {
  const nonce = randomBytes(16).toString('base64');
  let server: StartedServer;
  let browser: Browser;
  let fixture: Fixture;
  let policy: string;

  beforeAll(async () => {
    ensureWidgetBuilt();
    server = await startServer();
    browser = await launchBrowser();
    policy = `script-src 'nonce-${nonce}' 'strict-dynamic'; object-src 'none'; base-uri 'none'; default-src 'self'; connect-src ${server.url}; style-src 'self'`;
    fixture = await serveFixture(
      import.meta.dirname,
      { '%API%': server.url, '%KEY%': server.publicKey, '%NONCE%': nonce, '%SURVEY%': server.surveys.csat },
      { 'content-security-policy': policy },
    );
  });
  afterAll(async () => {
    await browser?.close();
    await fixture?.close();
    await server?.close();
  });

  it.each([
    ['the script tag', ''],
    ['the ES module', 'module.html'],
  ])('works with %s, without a single violation', async (_name, path) => {
    const page = await browser.newPage();
    const watched = watch(page);
    await page.addInitScript(() => {
      const seen: string[] = [];
      (window as unknown as { cspViolations: string[] }).cspViolations = seen;
      document.addEventListener('securitypolicyviolation', (event) =>
        seen.push(`${event.violatedDirective} ${event.blockedURI}`),
      );
    });
    const response = await page.goto(`${fixture.url}${path}`);
    expect(response!.headers()['content-security-policy']).toBe(policy);

    const ui = widget(page);
    await ui.radio('Very satisfied').click();
    await ui.comment.fill(`Fine with a nonce (${path || 'script tag'})`);
    await ui.send.click();
    await expect.poll(() => ui.live.textContent()).toBe('Thank you for your feedback!');
    const rows = await waitForResponses(server, path ? 2 : 1);
    expect(rows.at(-1)).toMatchObject({ survey_id: server.surveys.csat, score: 5 });

    expect(
      await page.evaluate(() => (window as unknown as { cspViolations: string[] }).cspViolations),
    ).toEqual([]);
    expect(watched.consoleErrors).toEqual([]);
    expect(watched.pageErrors).toEqual([]);
    await page.close();
  });
});
