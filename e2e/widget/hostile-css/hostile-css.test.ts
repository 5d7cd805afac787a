/**
 * A page whose CSS attacks everything (`* { all: unset !important }`, rules aimed at the host
 * element and at popovers, a full-screen overlay at the highest z-index): the widget still shows in
 * its corner, looks like itself, and can be answered. Nor do scripts that added enumerable
 * properties to Object.prototype.
 */
import { describe, expect, it } from 'vitest';
import { hasChromium } from '../../browser.ts';
import { storedResponses, useScenario, waitForResponses, widget } from '../support.ts';

describe.skipIf(!hasChromium)('hostile host CSS', () => {
  const scenario = useScenario(import.meta.dirname);

  it('does not break the widget', async () => {
    const page = await scenario.browser.newPage({ viewport: { width: 1024, height: 768 } });
    await page.goto(scenario.fixture.url);
    const ui = widget(page);
    await ui.radio('6').waitFor({ state: 'attached' });

    const host = await ui.host.evaluate((element) => {
      const style = getComputedStyle(element);
      const box = element.getBoundingClientRect();
      return {
        display: style.display,
        position: style.position,
        opacity: style.opacity,
        transform: style.transform,
        filter: style.filter,
        clipPath: style.clipPath,
        right: Math.round(innerWidth - box.right),
        bottom: Math.round(innerHeight - box.bottom),
        width: Math.round(box.width),
      };
    });
    expect(host).toEqual({
      display: 'block',
      position: 'fixed',
      opacity: '1',
      transform: 'none',
      filter: 'none',
      clipPath: 'none',
      right: 16,
      bottom: 16,
      width: 360,
    });

    const question = await page.locator('closeloop-widget .q').evaluate((element) => {
      const style = getComputedStyle(element);
      return {
        size: style.fontSize,
        transform: style.textTransform,
        spacing: style.letterSpacing,
        direction: style.direction,
      };
    });
    expect(question).toEqual({ size: '15px', transform: 'none', spacing: 'normal', direction: 'ltr' });
    const tops = await ui.radios.evaluateAll((radios) =>
      radios.map((radio) => Math.round(radio.getBoundingClientRect().top)),
    );
    expect(new Set(tops).size).toBe(1);

    // nothing covers it: the point under the "6" is the widget's own button
    const six = (await ui.radio('6').boundingBox())!;
    const hit = await page.evaluate(
      ([x, y]) => {
        const element = document.elementFromPoint(x!, y!);
        return element?.tagName === 'CLOSELOOP-WIDGET'
          ? element.shadowRoot?.elementFromPoint(x!, y!)?.textContent
          : null;
      },
      [six.x + six.width / 2, six.y + six.height / 2],
    );
    expect(hit).toBe('6');

    await ui.radio('6').click();
    const [row] = await waitForResponses(scenario.server, 1);
    expect(row!.score).toBe(6);
  });

  it('loads and can be answered on a page that added enumerable properties to Object.prototype', async () => {
    const page = await scenario.browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    page.on('console', (message) => message.type() === 'warning' && errors.push(message.text()));
    await page.goto(`${scenario.fixture.url}polluted.html`);
    expect(await page.title()).toBe('A page whose scripts extend Object.prototype');
    const ui = widget(page);
    await ui.radio('9').click();
    await ui.comment.fill('Works on a polluted page');
    await ui.send.click();
    await expect
      .poll(async () => (await storedResponses(scenario.server)).map((row) => row.comment))
      .toContain('Works on a polluted page');
    expect(errors).toEqual([]);
  });
});
