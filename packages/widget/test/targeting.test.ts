import { describe, expect, it } from 'vitest';
import { freshMemory, loadMemory, memoryKey } from '../src/memory.ts';
import { inSample, isEligible, pageAllowed, urlMatches } from '../src/targeting.ts';
import { day, makeSurvey, memoryStorage } from './helpers.ts';

const url = (href: string) => new URL(href);

describe('URL patterns', () => {
  it('matches paths with * globs, anchored at both ends', () => {
    expect(urlMatches('/pricing', url('https://shop.test/pricing'))).toBe(true);
    expect(urlMatches('/pricing', url('https://shop.test/pricing/enterprise'))).toBe(false);
    expect(urlMatches('/docs/*', url('https://shop.test/docs/a/b'))).toBe(true);
    expect(urlMatches('/docs/*', url('https://shop.test/blog/docs/a'))).toBe(false);
    expect(urlMatches('*/checkout*', url('https://shop.test/eu/checkout/step-2'))).toBe(true);
  });

  it('ignores the query unless the pattern has one', () => {
    expect(urlMatches('/search', url('https://shop.test/search?q=shoes'))).toBe(true);
    expect(urlMatches('/search?q=*', url('https://shop.test/search?q=shoes'))).toBe(true);
    expect(urlMatches('/search?q=*', url('https://shop.test/search'))).toBe(false);
  });

  it('matches full URLs when the pattern is not a path, and treats regex characters literally', () => {
    expect(urlMatches('https://shop.test/*', url('https://shop.test/a'))).toBe(true);
    expect(urlMatches('https://shop.test/*', url('https://other.test/a'))).toBe(false);
    expect(urlMatches('/a.b', url('https://shop.test/axb'))).toBe(false);
    expect(urlMatches('/(x)', url('https://shop.test/(x)'))).toBe(true);
  });

  it('allows every page with no include list, and lets exclude win over include', () => {
    const page = url('https://shop.test/account/billing');
    expect(pageAllowed({ urlInclude: [], urlExclude: [] }, page)).toBe(true);
    expect(pageAllowed({ urlInclude: ['/pricing'], urlExclude: [] }, page)).toBe(false);
    expect(pageAllowed({ urlInclude: ['/account/*'], urlExclude: [] }, page)).toBe(true);
    expect(pageAllowed({ urlInclude: ['/account/*'], urlExclude: ['*/billing'] }, page)).toBe(false);
  });
});

describe('sampling', () => {
  it('is stable for a visitor and survey', () => {
    for (let i = 0; i < 50; i++) {
      expect(inSample(`visitor-${i}`, 'survey', 37)).toBe(inSample(`visitor-${i}`, 'survey', 37));
    }
  });

  it('asks about the configured share of visitors', () => {
    let asked = 0;
    for (let i = 0; i < 4000; i++) if (inSample(`visitor-${i}`, 'survey-a', 25)) asked++;
    expect(asked / 4000).toBeGreaterThan(0.22);
    expect(asked / 4000).toBeLessThan(0.28);
  });

  it('asks everyone at 100 % and nobody at 0 %', () => {
    expect(inSample('v', 's', 100)).toBe(true);
    expect(inSample('v', 's', 0)).toBe(false);
  });
});

describe('eligibility', () => {
  const now = Date.UTC(2025, 5, 1);
  const page = url('https://shop.test/');
  const context = (memory = freshMemory(), cooldownDays = 0) => ({ url: page, now, memory, cooldownDays });

  it('shows a survey that was never shown', () => {
    expect(isEligible(makeSurvey(), context())).toBe(true);
  });

  it('waits recontact.afterDays after the survey was last shown', () => {
    const survey = makeSurvey({ recontact: { showOnce: false, afterDays: 30 } });
    const memory = freshMemory();
    memory.shown[survey.id] = now - 29 * day;
    expect(isEligible(survey, context(memory))).toBe(false);
    memory.shown[survey.id] = now - 30 * day;
    expect(isEligible(survey, context(memory))).toBe(true);
  });

  it('counts from the answer too', () => {
    const survey = makeSurvey({ recontact: { showOnce: false, afterDays: 10 } });
    const memory = freshMemory();
    memory.shown[survey.id] = now - 100 * day;
    memory.answered[survey.id] = now - 5 * day;
    expect(isEligible(survey, context(memory))).toBe(false);
  });

  it('never asks again once answered when showOnce is set, but may re-show a dismissed one', () => {
    const survey = makeSurvey({ recontact: { showOnce: true, afterDays: 0 } });
    const memory = freshMemory();
    memory.shown[survey.id] = now - day;
    expect(isEligible(survey, context(memory))).toBe(true);
    memory.answered[survey.id] = now - 1000 * day;
    expect(isEligible(survey, context(memory))).toBe(false);
  });

  it('keeps the project-wide cooldown after any survey was shown', () => {
    const survey = makeSurvey({ recontact: { showOnce: false, afterDays: 0 } });
    const memory = freshMemory();
    memory.lastShownAt = now - 13 * day;
    expect(isEligible(survey, context(memory, 14))).toBe(false);
    expect(isEligible(survey, context(memory, 13))).toBe(true);
  });

  it('respects the URL rules and the sample', () => {
    expect(isEligible(makeSurvey({ targeting: { urlInclude: ['/pricing'] } }), context())).toBe(false);
    expect(isEligible(makeSurvey({ targeting: { samplePercent: 0 } }), context())).toBe(false);
  });

  it('reads a damaged history as no history instead of failing on it', () => {
    const storage = memoryStorage();
    storage.setItem(
      memoryKey('pk_test'),
      JSON.stringify({ visitorId: 'v-1', userId: null, shown: null, answered: 'x', lastShownAt: 'soon' }),
    );
    const memory = loadMemory(storage, 'pk_test');
    expect(memory).toMatchObject({ visitorId: 'v-1', shown: {}, answered: {}, lastShownAt: 0 });
    expect(isEligible(makeSurvey(), context(memory, 14))).toBe(true);
  });
});
