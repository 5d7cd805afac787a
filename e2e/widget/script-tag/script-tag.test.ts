/**
 * examples/script-tag, answered with the keyboard only: the widget takes focus when it appears,
 * arrows move through the scale with a visible focus ring, Space chooses, the comment is typed and
 * sent with Tab and Enter; the response, its comment and the identified user are in the database.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hasChromium } from '../../browser.ts';
import {
  examplesDir,
  focusedInWidget,
  storedResponses,
  useScenario,
  waitForResponses,
  watch,
  widget,
} from '../support.ts';

describe.skipIf(!hasChromium)('script tag, answered with the keyboard only', () => {
  const scenario = useScenario(join(examplesDir, 'script-tag'), {}, (server) => ({
    'http://127.0.0.1:3000': server.url,
    pk_demo: server.publicKey,
  }));

  it('stores the score, the comment and the user', async () => {
    const { browser, fixture, server } = scenario;
    const page = await browser.newPage();
    const watched = watch(page);
    const bundle = page.waitForResponse((response) => response.url().endsWith('/widget.js'));
    await page.goto(fixture.url);
    // the API sends the script brotli-compressed (about 8 KB instead of 20 KB)
    expect((await bundle).headers()['content-encoding']).toBe('br');
    const ui = widget(page);
    await expect.poll(() => focusedInWidget(page)).toBe('0');
    // the entrance animation is over; arrows move focus between the same buttons of the same
    // dialog, so it neither plays again nor makes the panel flash
    await page.waitForTimeout(300);
    await ui.root.evaluate((root) => root.setAttribute('data-seen', ''));
    const zero = await ui.radio('0').elementHandle();

    for (let i = 0; i < 9; i++) await page.keyboard.press('ArrowRight');
    expect(await focusedInWidget(page)).toBe('9');
    expect(
      await ui.root.evaluate((root) => [root.hasAttribute('data-seen'), root.getAnimations().length]),
    ).toEqual([true, 0]);
    expect(await zero!.evaluate((radio) => radio.isConnected)).toBe(true);
    const ring = await ui.radio('9').evaluate((radio) => {
      const style = getComputedStyle(radio);
      return { style: style.outlineStyle, width: style.outlineWidth };
    });
    expect(ring).toEqual({ style: 'solid', width: '2px' });
    expect(await ui.radio('9').getAttribute('aria-checked')).toBe('false');

    await page.keyboard.press('Space');
    await expect
      .poll(() =>
        page.evaluate(() => document.querySelector('closeloop-widget')?.shadowRoot?.activeElement?.tagName),
      )
      .toBe('TEXTAREA');
    await page.keyboard.type('Checkout was fast');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await expect.poll(() => ui.live.textContent()).toBe('Thank you for your feedback!');

    const rows = await waitForResponses(server, 1);
    expect(rows[0]).toMatchObject({ survey_id: server.surveys.nps, score: 9, external_id: 'user-42' });
    await expect.poll(async () => (await waitForResponses(server, 1))[0]!.comment).toBe('Checkout was fast');
    expect(watched.pageErrors).toEqual([]);
    expect(watched.consoleErrors).toEqual([]);
  });

  it('closes with Escape, records the dismissal and leaves focus on the page', async () => {
    const { browser, fixture, server } = scenario;
    const page = await browser.newPage();
    await page.goto(fixture.url);
    await expect.poll(() => focusedInWidget(page)).toBe('0');
    await page.keyboard.press('Escape');
    await expect(widget(page).host.count()).resolves.toBe(0);
    const events = () =>
      server.query<{ type: string }>("select type from events where project_id = $1 and type = 'dismissed'", [
        server.projectId,
      ]);
    await expect.poll(async () => (await events()).length).toBe(1);
    expect(await page.evaluate(() => document.activeElement === document.body)).toBe(true);
  });

  it('gives focus back to the last thing focused on the page, after the widget took it', async () => {
    const { browser, fixture } = scenario;
    const page = await browser.newPage();
    await page.goto(fixture.url);
    const ui = widget(page);
    await expect.poll(() => focusedInWidget(page)).toBe('0');
    const button = page.getByRole('button', { name: 'Track "checkout-completed"' });
    await button.focus();
    await ui.radio('3').focus();
    await page.keyboard.press('Escape');
    await expect.poll(() => ui.host.count()).toBe(0);
    expect(await button.evaluate((element) => element === document.activeElement)).toBe(true);
  });

  it("shows the demo project's CSAT survey from its button", async () => {
    const { browser, fixture, server } = scenario;
    const page = await browser.newPage();
    await page.goto(fixture.url);
    const ui = widget(page);
    await ui.radio('0').waitFor();
    await ui.close.click();
    await page.getByRole('button', { name: 'Track "checkout-completed"' }).click();
    await ui.radio('Very satisfied').click();
    await expect
      .poll(async () => (await storedResponses(server)).some((row) => row.survey_id === server.surveys.csat))
      .toBe(true);
  });
});
