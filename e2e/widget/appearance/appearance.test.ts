/**
 * How the widget looks: it fits a 320 px wide phone with touch-sized options, follows the project's
 * brand colour, position (including the bottom bar) and the visitor's colour scheme, and drops its
 * animation under prefers-reduced-motion.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { hasChromium } from '../../browser.ts';
import { useScenario, widget } from '../support.ts';

const phone = { width: 320, height: 640 };

describe.skipIf(!hasChromium)('appearance', () => {
  const scenario = useScenario(import.meta.dirname);

  const setAppearance = (appearance: Record<string, unknown>) =>
    scenario.server.query('update projects set appearance = appearance || $2::jsonb where id = $1', [
      scenario.server.projectId,
      JSON.stringify(appearance),
    ]);

  async function open(options: Parameters<typeof scenario.browser.newPage>[0] = {}): Promise<Page> {
    const page = await scenario.browser.newPage({ viewport: phone, ...options });
    await page.goto(scenario.fixture.url);
    await widget(page).radio('10').waitFor();
    return page;
  }

  it('fits a 320 px screen with options at least 24 px square', async () => {
    const page = await open();
    const boxes = await widget(page).radios.evaluateAll((radios) =>
      radios.map((radio) => radio.getBoundingClientRect().toJSON() as DOMRect),
    );
    expect(boxes).toHaveLength(11);
    for (const box of boxes) {
      expect(box.left).toBeGreaterThanOrEqual(0);
      expect(box.right).toBeLessThanOrEqual(phone.width);
      expect(box.width).toBeGreaterThanOrEqual(24);
      expect(box.height).toBeGreaterThanOrEqual(24);
    }
    expect(new Set(boxes.map((box) => box.top)).size).toBe(1);
    // each number stays inside its own button, "10" included
    const spill = await widget(page).radios.evaluateAll((radios) =>
      radios.filter((radio) => radio.scrollWidth > radio.clientWidth).map((radio) => radio.textContent),
    );
    expect(spill).toEqual([]);
    const overflow = await widget(page).root.evaluate((root) => root.scrollWidth - root.clientWidth);
    expect(overflow).toBe(0);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(phone.width);
  });

  it('uses the brand colour for the chosen option, with readable text', async () => {
    await setAppearance({ brandColor: '#ffcc00' });
    try {
      const page = await open();
      await widget(page).radio('10').click();
      await widget(page).comment.waitFor();
      const send = await widget(page).send.evaluate((button) => {
        const style = getComputedStyle(button);
        return { background: style.backgroundColor, color: style.color };
      });
      expect(send).toEqual({ background: 'rgb(255, 204, 0)', color: 'rgb(0, 0, 0)' });
    } finally {
      await setAppearance({ brandColor: '#4f46e5' });
    }
  });

  it('follows the colour scheme and reduced motion', async () => {
    const light = await open({ colorScheme: 'light' });
    const dark = await open({ colorScheme: 'dark', reducedMotion: 'reduce' });
    const look = (page: Page) =>
      widget(page).root.evaluate((root) => {
        const style = getComputedStyle(root);
        return { background: style.backgroundColor, animation: style.animationName };
      });
    expect(await look(light)).toEqual({ background: 'rgb(255, 255, 255)', animation: 'in' });
    expect(await look(dark)).toEqual({ background: 'rgb(28, 33, 40)', animation: 'none' });
  });

  it('sits in a bottom bar across the screen', async () => {
    await setAppearance({ position: 'bottom-bar' });
    try {
      const page = await open({ viewport: { width: 1024, height: 600 } });
      const box = (await widget(page).host.boundingBox())!;
      expect(box).toMatchObject({ x: 0, width: 1024 });
      expect(Math.round(box.y + box.height)).toBe(600);
    } finally {
      await setAppearance({ position: 'bottom-right' });
    }
  });
});
