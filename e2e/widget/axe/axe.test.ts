/**
 * axe-core, run on the widget's shadow content at every step, for each kind of survey, in light and
 * dark mode, reports no violation.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { hasChromium } from '../../browser.ts';
import { axeSource, useScenario, widget } from '../support.ts';

interface Violation {
  id: string;
  help: string;
  targets: unknown[];
}

/** Runs axe on the widget's panel only (the host page is not ours to judge). */
async function audit(page: Page): Promise<Violation[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ content: axeSource });
  return page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (context: unknown, options: unknown) => Promise<any> } })
      .axe;
    const results = await axe.run(
      { include: [['closeloop-widget', '.root']] },
      { resultTypes: ['violations'] },
    );
    return results.violations.map((violation: any) => ({
      id: violation.id,
      help: violation.help,
      targets: violation.nodes.map((node: any) => node.target),
    }));
  });
}

describe.skipIf(!hasChromium)('axe-core on the widget', () => {
  const scenario = useScenario(import.meta.dirname);

  for (const colorScheme of ['light', 'dark'] as const) {
    it(`finds nothing at any step of an NPS survey (${colorScheme})`, async () => {
      const page = await scenario.browser.newPage({ colorScheme });
      await page.goto(scenario.fixture.url);
      const ui = widget(page);
      await ui.radio('5').waitFor();
      expect(await audit(page)).toEqual([]);

      await ui.radio('5').click();
      await ui.comment.waitFor();
      expect(await audit(page)).toEqual([]);

      await ui.comment.fill('ok');
      await ui.send.click();
      await expect.poll(() => ui.live.textContent()).not.toBe('');
      expect(await audit(page)).toEqual([]);
    });
  }

  it('finds nothing on CSAT and CES, with a chosen option', async () => {
    const page = await scenario.browser.newPage();
    await page.goto(scenario.fixture.url);
    const ui = widget(page);
    await ui.radio('5').waitFor();
    await ui.close.click();

    for (const [event, option] of [
      ['checkout-completed', 'Satisfied'],
      ['support-chat-closed', '6'],
    ] as const) {
      await page.evaluate(
        (name) => (window as unknown as { closeloop: (...args: unknown[]) => void }).closeloop('track', name),
        event,
      );
      await ui.radio(option).waitFor();
      expect(await audit(page)).toEqual([]);
      await ui.close.click();
      await expect.poll(() => ui.host.count()).toBe(0);
    }
  });
});
