import { describe, expect, it } from 'vitest';
import {
  compareScores,
  histogramOf,
  normalCdf,
  scoreCes,
  scoreCsat,
  scoreNps,
  scoreSummary,
  wilsonInterval,
} from '../src/scoring.ts';

describe('NPS', () => {
  // 10 responses: promoters 10,9,9,10,9 (5); passives 8,7 (2); detractors 6,5,0 (3).
  const example = histogramOf([10, 9, 9, 8, 7, 6, 5, 0, 10, 9]);

  it('is % promoters minus % detractors', () => {
    const nps = scoreNps(example);
    expect(nps).toMatchObject({ n: 10, promoters: 5, passives: 2, detractors: 3 });
    expect(nps.score).toBe(20);
    expect(nps.mean).toBeCloseTo(7.3, 10);
  });

  it('has an adjusted-Wald 95 % interval worked by hand', () => {
    // n' = 13, p = 5.75/13 = 0.442308, d = 3.75/13 = 0.288462, nps' = 0.153846
    // var = (p + d − nps'²) / n' = (0.730769 − 0.023669) / 13 = 0.054392; half = 1.96 × 0.233221
    const { ci } = scoreNps(example);
    expect(ci?.low).toBeCloseTo(-30.33, 1);
    expect(ci?.high).toBeCloseTo(61.09, 1);
  });

  it('is null with no responses, never NaN', () => {
    const nps = scoreNps({});
    expect(nps).toMatchObject({ n: 0, score: null, ci: null, mean: null, meanCi: null });
  });

  it('keeps a real interval when every response is a promoter', () => {
    const nps = scoreNps(histogramOf([10, 10, 9, 9, 10, 10, 9, 10, 10, 9]));
    expect(nps.score).toBe(100);
    expect(nps.ci?.high).toBe(100);
    // n' = 13, p = 10.75/13, d = 0.75/13: nps' = 0.769231, var = (0.884615 − 0.591716)/13 = 0.022531
    expect(nps.ci?.low).toBeCloseTo(47.5, 0);
  });

  it('is −100 when every response is a detractor', () => {
    const nps = scoreNps(histogramOf([0, 3, 6, 6]));
    expect(nps.score).toBe(-100);
    expect(nps.ci?.low).toBe(-100);
    expect(nps.ci?.high).toBeLessThan(0);
  });

  it('always contains the observed score, even for a single response', () => {
    // n' = 4, p = 0.1875, d = 0.4375: the adjusted interval −98.5…48.5 would miss −100.
    const nps = scoreNps({ 2: 1 });
    expect(nps.score).toBe(-100);
    expect(nps.ci?.low).toBe(-100);
    expect(nps.ci?.high).toBeCloseTo(48.5, 1);
  });

  it('ignores counts outside 0–10', () => {
    expect(scoreNps({ 11: 5, [-1]: 2, 10: 1 }).n).toBe(1);
  });
});

describe('CSAT', () => {
  it('is the share of 4 and 5 with a Wilson interval worked by hand', () => {
    // 3 of 5 satisfied: p = 0.6; z² = 3.841459; centre = (0.6 + 0.384146)/1.768292 = 0.556547
    // half = 1.959964 × √(0.048 + 0.038415) / 1.768292 = 0.325826
    const csat = scoreCsat(histogramOf([5, 4, 4, 3, 2]));
    expect(csat).toMatchObject({ kind: 'csat', n: 5, satisfied: 3, score: 60, mean: 3.6 });
    expect(csat.ci?.low).toBeCloseTo(23.07, 1);
    expect(csat.ci?.high).toBeCloseTo(88.24, 1);
  });

  it('keeps a real interval when every response is satisfied', () => {
    const csat = scoreCsat(histogramOf(Array(10).fill(5)));
    expect(csat.score).toBe(100);
    expect(csat.ci?.low).toBeCloseTo(72.25, 1);
    expect(csat.ci?.high).toBe(100);
    expect(csat.meanCi).toEqual({ low: 5, high: 5 });
  });

  it('is null with no responses', () => {
    expect(scoreCsat({})).toMatchObject({ n: 0, score: null, ci: null, mean: null });
  });

  it('has a mean interval from the sample standard deviation', () => {
    // scores 1,2,3,4,5: mean 3, s = √2.5 = 1.581139, half = 1.959964 × 1.581139 / √5 = 1.385904
    const { meanCi } = scoreCsat(histogramOf([1, 2, 3, 4, 5]));
    expect(meanCi?.low).toBeCloseTo(1.6141, 3);
    expect(meanCi?.high).toBeCloseTo(4.3859, 3);
  });
});

describe('CES', () => {
  it('is the share of 5–7', () => {
    const ces = scoreCes(histogramOf([7, 6, 5, 4, 3, 1, 7, 7]));
    expect(ces).toMatchObject({ kind: 'ces', n: 8, satisfied: 5, score: 62.5, mean: 5 });
  });

  it('is 0 with an interval above 0 when nobody agrees', () => {
    const ces = scoreCes(histogramOf([1, 2, 3, 4]));
    expect(ces.score).toBe(0);
    expect(ces.ci?.low).toBe(0);
    expect(ces.ci?.high).toBeGreaterThan(0);
  });

  it('is dispatched by kind', () => {
    expect(scoreSummary('ces', { 7: 1 }).score).toBe(100);
    expect(scoreSummary('nps', { 7: 1 }).score).toBe(0);
  });
});

describe('wilsonInterval', () => {
  it('is null for n = 0', () => {
    expect(wilsonInterval(0, 0)).toBeNull();
  });
});

describe('compareScores', () => {
  it('finds a large NPS change significant', () => {
    const before = scoreNps({ 0: 50, 10: 50 });
    const after = scoreNps({ 10: 90, 0: 10 });
    const change = compareScores(before, after);
    expect(change.difference).toBe(80);
    expect(change.significant).toBe(true);
  });

  it('does not call a small change on few responses significant', () => {
    const change = compareScores(scoreCsat({ 5: 3, 1: 2 }), scoreCsat({ 5: 4, 1: 1 }));
    expect(change.difference).toBeCloseTo(20, 10);
    expect(change.significant).toBe(false);
    // pooled p = 0.7, se = 100 × √(0.21 × 0.4) = 28.98, z = 0.69 → p ≈ 0.49
    expect(change.pValue).toBeCloseTo(0.49, 2);
  });

  it('tests periods that are each all one class', () => {
    const change = compareScores(scoreCsat({ 5: 30 }), scoreCsat({ 1: 30 }));
    expect(change.difference).toBe(-100);
    expect(change.significant).toBe(true);
  });

  it('has no difference when a period is empty', () => {
    expect(compareScores(scoreNps({}), scoreNps({ 9: 1 }))).toEqual({
      difference: null,
      pValue: null,
      significant: false,
    });
  });
});

describe('normalCdf', () => {
  it('matches known values', () => {
    expect(normalCdf(0)).toBeCloseTo(0.5, 6);
    expect(normalCdf(1.959964)).toBeCloseTo(0.975, 5);
    expect(normalCdf(-1)).toBeCloseTo(0.158655, 5);
  });
});

describe('distributionOf and fullHistogram', () => {
  it('names NPS bands and fills every score', async () => {
    const { distributionOf, fullHistogram } = await import('../src/scoring.ts');
    expect(distributionOf('nps', { 0: 2, 7: 1, 10: 3 })).toEqual({
      detractors: 2,
      passives: 1,
      promoters: 3,
    });
    expect(distributionOf('csat', { 1: 1, 3: 2, 5: 4 })).toEqual({
      dissatisfied: 1,
      neutral: 2,
      satisfied: 4,
    });
    expect(distributionOf('ces', { 4: 1, 5: 1 })).toEqual({ dissatisfied: 0, neutral: 1, satisfied: 1 });
    expect(fullHistogram('csat', { 5: 2 })).toEqual({ 1: 0, 2: 0, 3: 0, 4: 0, 5: 2 });
  });
});
