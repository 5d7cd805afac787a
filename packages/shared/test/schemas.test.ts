import { describe, expect, it } from 'vitest';
import { responseBatchSchema, surveyCreateSchema } from '../src/index.ts';
import { isValidScore, scoreBand } from '../src/kinds.ts';

const response = {
  id: '0b6a5b8e-7a4c-4c57-9d3f-2f4f8f1f2a11',
  surveyId: '5d1b7b0e-3f1a-4f7e-8a55-9c1d2e3f4a5b',
  score: 9,
  context: { url: 'https://example.com/pricing' },
  submittedAt: '2026-11-22T10:00:00.000Z',
};

describe('responseBatchSchema', () => {
  it('accepts a minimal batch', () => {
    expect(responseBatchSchema.safeParse({ key: 'pk_abc', responses: [response] }).success).toBe(true);
  });

  it('reports the path of a bad item', () => {
    const result = responseBatchSchema.safeParse({
      key: 'pk_abc',
      responses: [response, response, { ...response, score: 'nine' }],
    });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path).toEqual(['responses', 2, 'score']);
  });

  it('refuses an empty batch and more than 100 items', () => {
    expect(responseBatchSchema.safeParse({ key: 'pk_abc', responses: [] }).success).toBe(false);
    const many = Array.from({ length: 101 }, () => response);
    expect(responseBatchSchema.safeParse({ key: 'pk_abc', responses: many }).success).toBe(false);
  });

  it('refuses a comment over 5000 characters and a non-integer score', () => {
    const long = { ...response, comment: 'x'.repeat(5001) };
    expect(responseBatchSchema.safeParse({ key: 'pk_abc', responses: [long] }).success).toBe(false);
    const fraction = { ...response, score: 8.5 };
    expect(responseBatchSchema.safeParse({ key: 'pk_abc', responses: [fraction] }).success).toBe(false);
  });
});

describe('surveyCreateSchema', () => {
  it('fills defaults for targeting and recontact', () => {
    const survey = surveyCreateSchema.parse({ name: 'NPS', kind: 'nps', texts: { en: { question: 'Q?' } } });
    expect(survey.targeting).toEqual({
      urlInclude: [],
      urlExclude: [],
      delaySeconds: 5,
      onEvent: null,
      samplePercent: 100,
    });
    expect(survey.recontact).toEqual({ showOnce: false, afterDays: 90 });
    expect(survey.status).toBe('active');
  });

  it('refuses a survey without texts and a bad locale', () => {
    expect(surveyCreateSchema.safeParse({ name: 'x', kind: 'nps', texts: {} }).success).toBe(false);
    expect(
      surveyCreateSchema.safeParse({ name: 'x', kind: 'nps', texts: { 'not a locale': { question: 'Q' } } })
        .success,
    ).toBe(false);
  });
});

describe('score bands and ranges', () => {
  it('band NPS like promoters/passives/detractors', () => {
    expect([0, 6, 7, 8, 9, 10].map((s) => scoreBand('nps', s))).toEqual([
      'negative',
      'negative',
      'neutral',
      'neutral',
      'positive',
      'positive',
    ]);
    expect([2, 3, 4].map((s) => scoreBand('csat', s))).toEqual(['negative', 'neutral', 'positive']);
    expect([3, 4, 5].map((s) => scoreBand('ces', s))).toEqual(['negative', 'neutral', 'positive']);
  });

  it('checks ranges per kind', () => {
    expect(isValidScore('nps', 0)).toBe(true);
    expect(isValidScore('csat', 0)).toBe(false);
    expect(isValidScore('ces', 7)).toBe(true);
    expect(isValidScore('ces', 8)).toBe(false);
    expect(isValidScore('nps', 5.5)).toBe(false);
  });
});
