/**
 * An Arabic page (<html lang="ar">): the widget picks the Arabic survey texts and built-in strings,
 * lays itself out right to left, and the arrow keys follow the visual order.
 */
import { describe, expect, it } from 'vitest';
import { hasChromium } from '../../browser.ts';
import { focusedInWidget, useScenario, waitForResponses, widget } from '../support.ts';

const arabic = {
  question: 'ما مدى احتمال أن توصي بنا لصديق؟',
  lowLabel: 'غير محتمل',
  highLabel: 'محتمل جدًا',
  followUp: { negative: 'ما الذي حدث؟' },
};

describe.skipIf(!hasChromium)('right-to-left page', () => {
  const scenario = useScenario(import.meta.dirname, {
    surveys: { nps: { texts: { en: { question: 'How likely are you to recommend us?' }, ar: arabic } } },
  });

  it('is laid out right to left, in Arabic', async () => {
    const page = await scenario.browser.newPage();
    await page.goto(scenario.fixture.url);
    const ui = widget(page);
    await ui.radio('0').waitFor();

    expect(await ui.root.getAttribute('dir')).toBe('rtl');
    expect(await ui.root.evaluate((root) => getComputedStyle(root).direction)).toBe('rtl');
    expect(await page.locator('closeloop-widget .q').textContent()).toBe(arabic.question);
    expect(await ui.close.getAttribute('aria-label')).toBe('إغلاق');

    const x = async (name: string) => (await ui.radio(name).boundingBox())!.x;
    expect(await x('0')).toBeGreaterThan(await x('10'));
    const low = (await page.locator('closeloop-widget #cl-lo').boundingBox())!;
    const high = (await page.locator('closeloop-widget #cl-hi').boundingBox())!;
    expect(low.x).toBeGreaterThan(high.x);
    const question = (await page.locator('closeloop-widget .q').boundingBox())!;
    expect((await ui.close.boundingBox())!.x).toBeLessThan(question.x);
  });

  it('moves forward with ArrowLeft and stores the answer with its locale', async () => {
    const { browser, fixture, server } = scenario;
    const page = await browser.newPage();
    await page.goto(fixture.url);
    await expect.poll(() => focusedInWidget(page)).toBe('0');
    for (let i = 0; i < 3; i++) await page.keyboard.press('ArrowLeft');
    expect(await focusedInWidget(page)).toBe('3');
    await page.keyboard.press('Enter');
    expect(await page.locator('closeloop-widget label').textContent()).toBe(arabic.followUp.negative);
    const [row] = await waitForResponses(server, 1);
    expect(row).toMatchObject({ score: 3, locale: 'ar' });
  });
});
