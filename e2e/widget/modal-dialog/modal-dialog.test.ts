/**
 * The page opens a `<dialog>` with showModal(), which goes to the top layer above the widget and
 * makes everything outside it inert. The widget stays visible on top and can still be answered,
 * whether the dialog opened before or after the survey appeared. Escape in the widget closes only
 * the widget. Neither a popover nor a fullscreen element the page shows after the widget covers it.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { hasChromium } from '../../browser.ts';
import { storedResponses, useScenario, waitForResponses, widget } from '../support.ts';

/** What the browser hit-tests at the centre of the option: the widget's own button, or not. */
async function topmostAt(page: Page, name: string) {
  const box = (await widget(page).radio(name).boundingBox())!;
  return page.evaluate(
    ([x, y]) => {
      // down through the shadow roots of the page's web components
      let element = document.elementFromPoint(x!, y!);
      while (element?.shadowRoot && element.tagName !== 'CLOSELOOP-WIDGET') {
        const inner = element.shadowRoot.elementFromPoint(x!, y!);
        if (!inner || inner === element) break;
        element = inner;
      }
      return element?.tagName === 'CLOSELOOP-WIDGET'
        ? `widget:${element.shadowRoot?.elementFromPoint(x!, y!)?.textContent}`
        : ((element?.id || element?.tagName) ?? null);
    },
    [box.x + box.width / 2, box.y + box.height / 2],
  );
}

const openDialog = (page: Page) =>
  page.evaluate(() => (document.getElementById('host-dialog') as HTMLDialogElement).showModal());
type WebComponentDialog = HTMLElement & { open(): void; close(): void };
const webComponentDialog = (page: Page, action: 'open' | 'close') =>
  page.evaluate((action) => (document.getElementById('wc-dialog') as WebComponentDialog)[action](), action);
const hostParent = (page: Page) =>
  page.evaluate(() => {
    const host =
      document.querySelector('closeloop-widget') ??
      document.getElementById('wc-dialog')?.shadowRoot?.querySelector('closeloop-widget');
    return host?.parentElement?.tagName;
  });
const closeDialog = (page: Page) =>
  page.evaluate(() => (document.getElementById('host-dialog') as HTMLDialogElement).close());

describe.skipIf(!hasChromium)('host modal dialog', () => {
  const scenario = useScenario(import.meta.dirname);

  it('keeps the widget on top and usable when a dialog opens after it', async () => {
    const page = await scenario.browser.newPage();
    await page.goto(scenario.fixture.url);
    const ui = widget(page);
    await ui.radio('4').waitFor();
    expect(await topmostAt(page, '4')).toBe('widget:4');

    await openDialog(page);
    await expect.poll(() => topmostAt(page, '4')).toBe('widget:4');
    await ui.radio('4').click();
    await ui.comment.fill('Typed while the dialog is open');
    await ui.send.click();
    await expect
      .poll(async () => (await waitForResponses(scenario.server, 1))[0]!.comment)
      .toBe('Typed while the dialog is open');

    await closeDialog(page);
    await expect
      .poll(() => page.evaluate(() => document.querySelector('closeloop-widget')?.parentElement?.tagName))
      .toBe('BODY');
  });

  it('shows a survey above a dialog that was already open, and returns to the page with it', async () => {
    const page = await scenario.browser.newPage();
    await page.goto(scenario.fixture.url);
    const ui = widget(page);
    await ui.radio('4').waitFor();
    await ui.close.click();

    await openDialog(page);
    await page.evaluate(() =>
      (window as unknown as { closeloop: (...args: unknown[]) => void }).closeloop(
        'track',
        'support-chat-closed',
      ),
    );
    await ui.radio('7').waitFor();
    expect(await topmostAt(page, '7')).toBe('widget:7');
    await closeDialog(page);
    await expect.poll(() => topmostAt(page, '7')).toBe('widget:7');
    await ui.radio('7').click();
    await expect
      .poll(async () => (await waitForResponses(scenario.server, 2)).map((row) => row.score))
      .toContain(7);
  });

  it('closes only the widget on Escape, and gives focus back inside the dialog', async () => {
    const page = await scenario.browser.newPage();
    await page.goto(scenario.fixture.url);
    const ui = widget(page);
    await ui.radio('4').waitFor();
    await openDialog(page);
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('close-dialog');
    await ui.radio('4').focus();
    await page.keyboard.press('Escape');
    await expect.poll(() => ui.host.count()).toBe(0);
    expect(
      await page.evaluate(() => (document.getElementById('host-dialog') as HTMLDialogElement).open),
    ).toBe(true);
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('close-dialog');
    // the page's own Escape still works
    await page.keyboard.press('Escape');
    await expect
      .poll(() => page.evaluate(() => (document.getElementById('host-dialog') as HTMLDialogElement).open))
      .toBe(false);
  });

  it('stays on top and usable when a web component opens its modal dialog in its shadow root', async () => {
    const page = await scenario.browser.newPage();
    await page.goto(scenario.fixture.url);
    const ui = widget(page);
    await ui.radio('4').waitFor();
    await webComponentDialog(page, 'open');
    await expect.poll(() => topmostAt(page, '4')).toBe('widget:4');
    await ui.radio('4').click();
    await ui.comment.fill('Typed above a web component dialog');
    await ui.send.click();
    await expect
      .poll(async () => (await storedResponses(scenario.server)).map((row) => row.comment))
      .toContain('Typed above a web component dialog');
    await webComponentDialog(page, 'close');
    await expect.poll(() => hostParent(page)).toBe('BODY');
  });

  it('shows a survey above a web component dialog that was already open', async () => {
    const page = await scenario.browser.newPage();
    await page.goto(scenario.fixture.url);
    const ui = widget(page);
    await ui.radio('4').waitFor();
    await ui.close.click();
    await webComponentDialog(page, 'open');
    await page.evaluate(() =>
      (window as unknown as { closeloop: (...args: unknown[]) => void }).closeloop(
        'track',
        'support-chat-closed',
      ),
    );
    await ui.radio('6').waitFor();
    await expect.poll(() => topmostAt(page, '6')).toBe('widget:6');
    const before = (await storedResponses(scenario.server)).length;
    await ui.radio('6').click();
    expect((await waitForResponses(scenario.server, before + 1)).at(-1)!.score).toBe(6);
    await webComponentDialog(page, 'close');
    await expect.poll(() => hostParent(page)).toBe('BODY');
  });

  it('stays above a popover the page shows after it', async () => {
    const page = await scenario.browser.newPage();
    await page.goto(scenario.fixture.url);
    const ui = widget(page);
    await ui.radio('4').waitFor();
    await ui.radio('4').focus();
    await page.evaluate(() => document.getElementById('host-popover')!.showPopover());
    await expect.poll(() => topmostAt(page, '4')).toBe('widget:4');
    // raised without losing the visitor's place
    expect(
      await page.evaluate(
        () => document.querySelector('closeloop-widget')?.shadowRoot?.activeElement?.textContent,
      ),
    ).toBe('4');
    const before = (await storedResponses(scenario.server)).length;
    await ui.radio('4').click();
    expect((await waitForResponses(scenario.server, before + 1)).at(-1)!.score).toBe(4);
  });

  it('stays above and usable in an element the page puts in fullscreen after it', async () => {
    const page = await scenario.browser.newPage();
    await page.goto(scenario.fixture.url);
    const ui = widget(page);
    await ui.radio('4').waitFor();
    await page.locator('#fullscreen').click();
    await expect.poll(() => page.evaluate(() => document.fullscreenElement?.id)).toBe('stage');
    await expect.poll(() => topmostAt(page, '4')).toBe('widget:4');
    await ui.radio('6').click();
    await ui.comment.waitFor();
    await page.evaluate(() => document.exitFullscreen());
    await expect
      .poll(() => page.evaluate(() => document.querySelector('closeloop-widget')?.parentElement?.tagName))
      .toBe('BODY');
    expect(await ui.comment.isVisible()).toBe(true);
  });
});
