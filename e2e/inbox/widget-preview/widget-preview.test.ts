/**
 * The live preview in real Chromium: the survey editor shows the widget's own survey UI beside the
 * form and follows the kind, the texts, the locale and each step as they are typed; the install
 * page's preview follows the colour, theme and position. Nothing is sent while trying it out.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasChromium, launchBrowser } from '../../browser.ts';
import { type StartedServer, startServer } from '../../harness.ts';
import { signIn } from '../session.ts';

/** The preview's parts (Playwright pierces its shadow root). */
const preview = (page: Page) => {
  const window = page.locator('.preview-window');
  return {
    window,
    root: window.locator('.root'),
    question: window.locator('.q'),
    radios: window.getByRole('radio'),
    close: window.locator('.close'),
    live: window.locator('[aria-live=polite]'),
    step: (name: string) => page.getByRole('button', { name, exact: true }),
  };
};

describe.runIf(hasChromium)('live preview of the widget', () => {
  let server: StartedServer;
  let browser: Browser;

  beforeAll(async () => {
    server = await startServer({ staff: ['admin'] });
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('follows the survey editor as it is typed, in each step and locale', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await signIn(page, server.url, server.staff[0]!.email);
    await page.goto(`${server.url}/inbox/#/admin/surveys/new`);
    const view = preview(page);
    await view.radios.first().waitFor();
    expect(await view.radios.count()).toBe(11);

    await page.getByLabel(/^Kind/).selectOption('csat');
    await page.getByLabel('Question').fill('How was checkout?');
    await expect.poll(() => view.question.textContent()).toBe('How was checkout?');
    expect(await view.radios.allTextContents()).toEqual([
      'Very dissatisfied',
      'Dissatisfied',
      'Neutral',
      'Satisfied',
      'Very satisfied',
    ]);

    await page.getByLabel('Follow-up prompt after a negative score').fill('What went wrong?');
    await view.step('Comment, negative').click();
    await expect.poll(() => view.window.locator('label').textContent()).toBe('What went wrong?');
    await view.step('Comment, positive').click();
    await expect.poll(() => view.window.locator('label').textContent()).toBe('What did you like most?');
    await page.getByLabel('Thank-you message').fill('Thanks a lot!');
    await view.step('Thank-you').click();
    await expect.poll(() => view.live.textContent()).toBe('Thanks a lot!');

    // another locale: its texts, and the widget's built-in strings and direction in that language
    await page.getByLabel('New locale').fill('de');
    await page.getByRole('button', { name: 'Add', exact: true }).click();
    await page.getByLabel('Question').fill('Wie war der Kauf?');
    await view.step('Score').click();
    await expect.poll(() => view.question.textContent()).toBe('Wie war der Kauf?');
    expect(await view.close.getAttribute('aria-label')).toBe('Schließen');
    expect(await view.radios.first().textContent()).toBe('Sehr unzufrieden');

    // used like the real thing: choosing a score shows its prompt; nothing is sent
    await view.radios.nth(4).click();
    await expect
      .poll(() => view.window.locator('label').textContent())
      .toBe('Was hat Ihnen am besten gefallen?');
    expect(
      await page.locator('.preview-window').evaluate((element) => document.activeElement === element),
    ).toBe(false);
    await page.screenshot({ path: '/tmp/preview-editor-1280.png', fullPage: true });
    const stored = await server.query('select id from responses where project_id = $1', [server.projectId]);
    expect(stored).toEqual([]);
    await page.close();
  });

  it('follows the install page’s colour, theme and position', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await signIn(page, server.url, server.staff[0]!.email);
    await page.goto(`${server.url}/inbox/#/admin/install`);
    const view = preview(page);
    await view.radios.first().waitFor();
    const placement = () =>
      page.evaluate(() => {
        const window = document.querySelector('.preview-window')!.getBoundingClientRect();
        const panel = document
          .querySelector('.preview-window .closeloop-preview')!
          .shadowRoot!.querySelector('.root')!
          .getBoundingClientRect();
        return {
          left: Math.round(panel.left - window.left),
          right: Math.round(window.right - panel.right),
          top: Math.round(panel.top - window.top),
          bottom: Math.round(window.bottom - panel.bottom),
        };
      });
    // placed in the box standing for the visitor's window as on a site (the box is about as narrow
    // as a phone, so a corner panel spans its width)
    const edges = async () => {
      const { left, right, top, bottom } = await placement();
      return {
        vertical: top < bottom ? 'top' : 'bottom',
        side: Math.min(left, right),
        end: Math.min(top, bottom),
      };
    };
    await expect.poll(edges).toEqual({ vertical: 'bottom', side: 17, end: 17 });
    await page.getByLabel('Position').selectOption('top-left');
    await expect.poll(edges).toEqual({ vertical: 'top', side: 17, end: 17 });
    await page.getByLabel('Position').selectOption('bottom-bar');
    await expect.poll(edges).toEqual({ vertical: 'bottom', side: 1, end: 1 });

    await page.getByLabel('Theme').selectOption('dark');
    await expect.poll(() => view.root.getAttribute('class')).toContain('dark');
    expect(await view.root.evaluate((root) => getComputedStyle(root).backgroundColor)).toBe(
      'rgb(28, 33, 40)',
    );

    await page.getByLabel('Brand colour').evaluate((input: HTMLInputElement) => {
      input.value = '#ff6600';
      input.dispatchEvent(new Event('input', { bubbles: true }));
    });
    await view.radios.nth(3).click();
    await view.step('Score').click();
    await view.radios.nth(9).hover();
    await expect
      .poll(() => view.radios.nth(9).evaluate((radio) => getComputedStyle(radio).borderColor))
      .toBe('rgb(255, 102, 0)');
    await page.screenshot({ path: '/tmp/preview-install-1280.png', fullPage: true });
    await page.setViewportSize({ width: 375, height: 800 });
    await page.screenshot({ path: '/tmp/preview-install-375.png', fullPage: true });
    await page.goto(`${server.url}/inbox/#/admin/surveys/${server.surveys.nps}`);
    await view.radios.first().waitFor();
    await page.screenshot({ path: '/tmp/preview-editor-375.png', fullPage: true });
    await page.close();
  });
});
