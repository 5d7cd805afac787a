/**
 * Small screens: the options are at least 24 px square everywhere (down to 280 px wide), and at
 * least 40 px on touch screens from 360 px wide (NPS wraps into two rows there); the panel stays
 * inside the screen, and the thank-you text never runs under the close button, in any position
 * and in a language with long texts.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { hasChromium } from '../../browser.ts';
import { useScenario, widget } from '../support.ts';

const german = {
  question: 'Wie wahrscheinlich ist es, dass Sie uns einem Freund oder Kollegen weiterempfehlen?',
  thankYou:
    'Vielen herzlichen Dank für Ihre ausführliche Rückmeldung, sie hilft unserem gesamten Team sehr weiter!',
};

interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}
const overlaps = (a: Box, b: Box) =>
  a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;

/** The boxes of the rendered lines of the thank-you text (not of its paragraph, which has padding). */
const thanksLines = (page: Page) =>
  page.evaluate(() => {
    const live = document.querySelector('closeloop-widget')!.shadowRoot!.querySelector('[aria-live]')!;
    const range = document.createRange();
    range.selectNodeContents(live);
    return Array.from(range.getClientRects()).map(({ x, y, width, height }) => ({ x, y, width, height }));
  });

const optionBoxes = (page: Page) =>
  widget(page).radios.evaluateAll((radios) =>
    radios.map((radio) => {
      const { x, y, width, height } = radio.getBoundingClientRect();
      return { x, y, width, height };
    }),
  );

describe.skipIf(!hasChromium)('widget on small screens', () => {
  const scenario = useScenario(import.meta.dirname, {
    surveys: { nps: { texts: { en: { question: 'How likely are you to recommend us?' }, de: german } } },
  });

  const open = async (options: { width: number; touch: boolean }) => {
    const page = await scenario.browser.newPage({
      viewport: { width: options.width, height: 640 },
      hasTouch: options.touch,
      isMobile: options.touch,
    });
    await page.goto(scenario.fixture.url);
    await widget(page).radio('0').waitFor();
    return page;
  };

  it.each([280, 320, 360, 412])(
    'keeps options at least 24 px and the panel on screen at %i px',
    async (width) => {
      const page = await open({ width, touch: false });
      const boxes = await optionBoxes(page);
      expect(boxes).toHaveLength(11);
      for (const box of boxes) {
        expect(box.width).toBeGreaterThanOrEqual(24);
        expect(box.height).toBeGreaterThanOrEqual(24);
        expect(box.x).toBeGreaterThanOrEqual(0);
        expect(box.x + box.width).toBeLessThanOrEqual(width);
      }
      const panel = (await widget(page).root.boundingBox())!;
      expect(panel.x).toBeGreaterThanOrEqual(0);
      expect(panel.x + panel.width).toBeLessThanOrEqual(width);
      await page.close();
    },
  );

  it.each([360, 412, 768])('makes options at least 40 px on a touch screen %i px wide', async (width) => {
    const page = await open({ width, touch: true });
    const boxes = await optionBoxes(page);
    for (const box of boxes) {
      expect(box.width).toBeGreaterThanOrEqual(40);
      expect(box.height).toBeGreaterThanOrEqual(40);
      expect(box.x + box.width).toBeLessThanOrEqual(width);
    }
    // 0–10 in two rows rather than eleven narrow buttons
    expect(new Set(boxes.map((box) => Math.round(box.y))).size).toBe(2);
    const close = (await widget(page).close.boundingBox())!;
    expect(close.width).toBeGreaterThanOrEqual(40);
    expect(close.height).toBeGreaterThanOrEqual(40);
    await page.close();
  });

  it.each([
    [320, false],
    [360, true],
    [1280, false],
  ])('never puts the thank-you text under the close button (%i px, touch: %s)', async (width, touch) => {
    const page = await open({ width, touch });
    const ui = widget(page);
    await ui.radio('9').click();
    await ui.send.click();
    await expect.poll(() => ui.live.textContent()).toBe(german.thankYou);
    const close = (await ui.close.boundingBox())!;
    const lines = await thanksLines(page);
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) expect(overlaps(line, close), JSON.stringify({ line, close })).toBe(false);
    await page.close();
  });
});
